package org.mlsdm.state.internal.npz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.schema.StateMaps;

/** Shared fixtures of the NPZ tests: the codec at file level, expected states, archive builders. */
final class NpzTesting {
  private NpzTesting() {}

  static final Path RESOURCES = Path.of("src", "test", "resources");

  /** python-written/state.json as a record. */
  static final SystemStateRecord STATE_JSON =
      new SystemStateRecord(
          1,
          "python-agent",
          Instant.parse("2026-11-26T10:35:19.917208Z"),
          Instant.parse("2026-11-26T10:35:19.918680Z"),
          new MemoryStateRecord(
              4,
              0.5,
              0.1,
              0.01,
              1.5,
              2.0,
              0.5,
              0.3,
              new double[] {
                -0.7931224751578991, 0.24057128353827487, -1.8963263495990657, 1.3957717101086942
              },
              new double[] {0.0, 1e-300, -2.5, 3.0},
              new double[] {0.0, 0.0, 0.0, 0.0}),
          new QilmStateRecord(
              new double[][] {
                {
                  0.6382947409282153,
                  -0.29204748521936347,
                  -0.31194932819017573,
                  0.30383536777881237
                },
                {-0.2676603022043396, -0.2259088611632136, 0.7200678200091131, 0.5147052057737699},
                {
                  -0.06412793563418305,
                  -0.08547656318586194,
                  0.16091632266564457,
                  -0.6140183945189056
                }
              },
              new double[] {0.1, 0.5, 0.9}));

  /** python-written/manager-legacy.json's memory state. */
  static final MemoryStateRecord MANAGER_MEMORY =
      new MemoryStateRecord(
          3,
          0.5,
          0.1,
          0.01,
          1.0,
          2.0,
          0.5,
          0.3,
          new double[] {1.0, 2.0, 3.0},
          new double[] {0.0, 0.0, 0.0},
          new double[] {0.5, 0.5, 0.5});

  /** python-written/manager-legacy.json's QILM. */
  static final QilmStateRecord MANAGER_QILM =
      new QilmStateRecord(
          new double[][] {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, new double[] {0.25, 0.75});

  static Path write(SystemStateRecord state, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      NpzStateCodec.INSTANCE.write(state, out);
    }
    return file;
  }

  static byte[] bytes(SystemStateRecord state) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpzStateCodec.INSTANCE.write(state, out);
    return out.toByteArray();
  }

  static Map<String, Object> read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return NpzStateCodec.INSTANCE.read(ch, file.toString()).asMap();
    }
  }

  static SystemStateRecord readRecord(Path file) throws IOException {
    return StateMaps.toRecord(read(file), StateMaps.Arrays.DECODED);
  }

  /**
   * A legacy (schema version 0) map completed with a version and timestamps, so that its memory
   * state and QILM can be compared as records.
   */
  static SystemStateRecord legacyAsRecord(Map<String, Object> legacy) {
    Map<String, Object> m = new LinkedHashMap<>(legacy);
    m.put("version", 1L);
    m.put("created_at", "2026-01-01T00:00:00Z");
    m.put("updated_at", "2026-01-01T00:00:00Z");
    return StateMaps.toRecord(m, StateMaps.Arrays.DECODED);
  }

  /** A zip of the given entries, stored or deflated, written by java.util.zip. */
  static byte[] zip(boolean deflate, Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        if (!deflate) {
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(e.getValue().length);
          entry.setCompressedSize(e.getValue().length);
          entry.setCrc(crc.getValue());
        }
        z.putNextEntry(entry);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** An .npy file: a v1.0 header of the given dict text, padded as numpy does, then data. */
  static byte[] npy(String dict, byte[] data) {
    int total = (10 + dict.length() + 1 + 63) / 64 * 64;
    byte[] out = new byte[total + data.length];
    System.arraycopy(NpyHeader.MAGIC, 0, out, 0, 6);
    out[6] = 1;
    int n = total - 10;
    out[8] = (byte) n;
    out[9] = (byte) (n >>> 8);
    for (int i = 10; i < total - 1; i++) {
      out[i] = ' ';
    }
    byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(text, 0, out, 10, text.length);
    out[total - 1] = '\n';
    System.arraycopy(data, 0, out, total, data.length);
    return out;
  }

  /** The entries of a Java-written state file, by name, for tampering. */
  static Map<String, byte[]> entries(SystemStateRecord state) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (var z = new ZipInputStream(new ByteArrayInputStream(bytes(state)))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        out.put(e.getName(), z.readAllBytes());
      }
    }
    return out;
  }

  static Path file(Path dir, byte[] content) throws IOException {
    Path p = Files.createTempFile(dir, "state", ".npz");
    Files.write(p, content);
    return p;
  }
}
