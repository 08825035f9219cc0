package org.mlsdm.state.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.schema.StateMaps;
import org.mlsdm.testing.Python;

/** The JSON codec against Python's {@code json} module, value for value and bit for bit. */
class JsonStateCodecInteropTest {

  @TempDir Path dir;

  /** One leaf as the Python script reports it: its Python type and its text. */
  private record Leaf(String type, String text) {}

  private static Map<String, Leaf> leaves(String stdout) {
    Map<String, Leaf> out = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\t", -1);
      assertThat(parts).as(line).hasSize(3);
      out.put(parts[0], new Leaf(parts[1], parts[2]));
    }
    return out;
  }

  private static void assertFloat(Map<String, Leaf> leaves, String path, double expected) {
    Leaf leaf = leaves.get(path);
    assertThat(leaf).as(path).isNotNull();
    assertThat(leaf.type()).as(path).isEqualTo("float");
    assertThat(Double.doubleToRawLongBits(Double.parseDouble(leaf.text())))
        .as("%s: python %s, java %s", path, leaf.text(), expected)
        .isEqualTo(Double.doubleToRawLongBits(expected));
  }

  private static void assertVector(Map<String, Leaf> leaves, String path, double[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertFloat(leaves, path + "[" + i + "]", expected[i]);
    }
    assertThat(leaves).doesNotContainKey(path + "[" + expected.length + "]");
  }

  private static String utf8Hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(UTF_8));
  }

  @Test
  void pythonJsonLoad_javaWrittenFile_exactSameValues() throws IOException {
    double[][] rows = {{0.1, -0.0, 4.9e-324}, {}, {Double.MAX_VALUE, 1e-300, -1.5, 7.0}};
    SystemStateRecord s =
        new SystemStateRecord(
            1,
            "java-agent é漢字😀",
            Instant.parse("2026-11-26T10:24:07.010760Z"),
            Instant.parse("2026-11-26T10:24:07.012194Z"),
            new MemoryStateRecord(
                3,
                new MemoryParameters(0.5, 0.1, 0.01, 1.2, 2.5, 0.45, 0.3),
                new double[] {0.1 + 0.2, -0.0, 1e-300},
                new double[] {Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MAX_VALUE},
                new double[] {1e16, 123456789.12345679, 1.0 / 3}),
            new QilmStateRecord(rows, new double[] {0.25, 0.5, 0.75}));
    Path file = dir.resolve("state.json");
    try (OutputStream out = Files.newOutputStream(file)) {
      JsonStateCodec.INSTANCE.write(s, out);
    }

    Map<String, Leaf> leaves =
        leaves(Python.run("json_roundtrip.py", file.toAbsolutePath().toString()));

    assertThat(leaves.get("version")).isEqualTo(new Leaf("int", "1"));
    assertThat(leaves.get("id")).isEqualTo(new Leaf("str", utf8Hex(s.id())));
    assertThat(leaves.get("created_at"))
        .isEqualTo(new Leaf("str", utf8Hex("2026-11-26T10:24:07.010760Z")));
    assertThat(leaves.get("updated_at"))
        .isEqualTo(new Leaf("str", utf8Hex("2026-11-26T10:24:07.012194Z")));
    MemoryStateRecord m = s.memoryState();
    assertThat(leaves.get("memory_state.dimension")).isEqualTo(new Leaf("int", "3"));
    assertFloat(leaves, "memory_state.lambda_l1", m.lambdaL1());
    assertFloat(leaves, "memory_state.lambda_l2", m.lambdaL2());
    assertFloat(leaves, "memory_state.lambda_l3", m.lambdaL3());
    assertFloat(leaves, "memory_state.theta_l1", m.thetaL1());
    assertFloat(leaves, "memory_state.theta_l2", m.thetaL2());
    assertFloat(leaves, "memory_state.gating12", m.gating12());
    assertFloat(leaves, "memory_state.gating23", m.gating23());
    assertVector(leaves, "memory_state.state_l1", m.stateL1());
    assertVector(leaves, "memory_state.state_l2", m.stateL2());
    assertVector(leaves, "memory_state.state_l3", m.stateL3());
    for (int i = 0; i < rows.length; i++) {
      assertVector(leaves, "qilm.memory[" + i + "]", rows[i]);
    }
    assertVector(leaves, "qilm.phases", s.qilm().phases());
    assertThat(leaves).hasSize(4 + 1 + 7 + 3 * 3 + 3 + 4 + 3);
  }

  @Test
  void javaRead_pythonJsonDumpIndent2_exactSameValues() throws IOException {
    Path file = dir.resolve("python.json");
    String stdout = Python.run("json_write.py", file.toAbsolutePath().toString());

    Map<String, Object> map;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      map = JsonStateCodec.INSTANCE.read(ch, file.toString()).asMap();
    }
    SystemStateRecord s = StateMaps.toRecord(map, StateMaps.Arrays.DECODED);

    assertThat(s.id()).isEqualTo("python-writer é漢😀");
    assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-11-26T10:35:19.917208Z"));
    assertThat(s.updatedAt()).isEqualTo(Instant.parse("2026-11-26T10:35:19.918680Z"));
    int checked = 0;
    for (String line : stdout.split("\n")) {
      String[] parts = line.split("\t");
      double expected = Double.parseDouble(parts[1]);
      assertThat(Double.doubleToRawLongBits(valueAt(s, parts[0])))
          .as("%s: python %s", parts[0], parts[1])
          .isEqualTo(Double.doubleToRawLongBits(expected));
      checked++;
    }
    assertThat(checked).isEqualTo(3 * 5 + 3 * 5 + 1 + 4);
  }

  /**
   * The value at a path of the form {@code memory_state.state_l2[3]} or {@code qilm.memory[1][0]}.
   */
  private static double valueAt(SystemStateRecord s, String path) {
    String[] p = path.split("[\\[\\]]+");
    int i = Integer.parseInt(p[1]);
    return switch (p[0]) {
      case "memory_state.state_l1" -> s.memoryState().stateL1()[i];
      case "memory_state.state_l2" -> s.memoryState().stateL2()[i];
      case "memory_state.state_l3" -> s.memoryState().stateL3()[i];
      case "qilm.memory" -> s.qilm().row(i)[Integer.parseInt(p[2])];
      case "qilm.phases" -> s.qilm().phase(i);
      default -> throw new AssertionError("unknown path " + path);
    };
  }
}
