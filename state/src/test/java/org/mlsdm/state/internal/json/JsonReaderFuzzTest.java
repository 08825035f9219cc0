package org.mlsdm.state.internal.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.mlsdm.testing.FuzzAllocation;
import org.mlsdm.testing.ReaderFuzzing;

/**
 * Hostile JSON: whatever the bytes, reading and decoding them yields a record or a {@link
 * StateLoadException}. Any other throwable (an unwrapped parser error, a runtime exception, an
 * {@code OutOfMemoryError}, a {@code StackOverflowError}) is a finding, and so is an input that
 * makes the load allocate more than {@link FuzzAllocation} allows. Plain builds replay the inputs
 * under {@code JsonReaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (RELIABILITY.md).
 */
class JsonReaderFuzzTest {
  private static final Path SOURCE = Path.of("fuzz.json");

  @FuzzTest(maxDuration = "60s")
  void read_anyBytes_yieldsRecordOrStateLoadException(byte[] input) throws IOException {
    FuzzAllocation.check(
        input.length, () -> ReaderFuzzing.readAndDecode(JsonStateCodec.INSTANCE, input, SOURCE));
  }
}
