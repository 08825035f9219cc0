package org.mlsdm.state.internal.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.testing.BytesChannel;

/** Shared helpers of the JSON codec tests: in-memory channels, write/read shortcuts, samples. */
final class JsonStateCodecSupport {
  static final String SOURCE = "test/state.json";

  private JsonStateCodecSupport() {}

  static byte[] write(SystemStateRecord state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      JsonStateCodec.INSTANCE.write(state, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Map<String, Object> read(byte[] bytes) throws IOException {
    return JsonStateCodec.INSTANCE.read(new BytesChannel(bytes), SOURCE).asMap();
  }

  static Map<String, Object> read(String json) throws IOException {
    return read(json.getBytes(StandardCharsets.UTF_8));
  }

  static SystemStateRecord roundTrip(SystemStateRecord state) throws IOException {
    return JsonStateCodec.INSTANCE.read(new BytesChannel(write(state)), SOURCE).record();
  }

  static byte[] resource(String name) {
    try (InputStream in = JsonStateCodecSupport.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new AssertionError("no test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SystemStateRecord sample(String id, double[][] memory, double[] phases) {
    return new SystemStateRecord(
        1,
        id,
        Instant.parse("2026-11-26T10:24:07.010760Z"),
        Instant.parse("2026-11-26T10:24:07.012194Z"),
        new MemoryStateRecord(
            3,
            MemoryParameters.DEFAULTS,
            new double[] {0.0, -0.0, 1e-300},
            new double[] {4.9e-324, Double.MAX_VALUE, -Double.MAX_VALUE},
            new double[] {Double.MIN_NORMAL, 0.1 + 0.2, -1.5}),
        new QilmStateRecord(memory, phases));
  }
}
