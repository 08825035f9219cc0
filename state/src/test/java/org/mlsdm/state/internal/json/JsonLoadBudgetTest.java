package org.mlsdm.state.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.testing.BytesChannel;

/**
 * Issue 10, memory amplification through JSON: what a read keeps is charged to the load budget (64
 * MiB + 32 × the file's size), and hostile files of 1 MB load or fail cleanly under {@code
 * -Xmx256m}.
 */
class JsonLoadBudgetTest {

  /** {@code n} QILM rows of one zero: 4 bytes of file each, the densest row spelling. */
  static String rowsOfOneZero(int n, boolean typed) {
    StringBuilder sb =
        new StringBuilder(
            typed ? "{\"version\": 1, \"qilm\": {\"memory\": [" : "{\"qilm\": {\"memory\": [");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "[0]" : ",[0]");
    }
    return sb.append("]}}").toString();
  }

  /** {@code n} empty objects in an unknown key of a legacy file: a map each in the raw form. */
  static String emptyObjects(int n) {
    StringBuilder sb = new StringBuilder("{\"note\": [");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "{}" : ",{}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void read_rowsBeyondTheBudget_typedPath_throwsMalformedNamingTheLimit() {
    byte[] json = rowsOfOneZero(2_000_000, true).getBytes(UTF_8);
    LoadBudget budget = LoadBudget.forFileSize(0);

    assertThatThrownBy(() -> JsonStateCodec.INSTANCE.read(new BytesChannel(json), "x.json", budget))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("x.json: qilm.memory")
        .hasMessageContaining("over the load budget of " + LoadBudget.BASE_BYTES + " bytes")
        .hasMessageContaining("64 MiB + 32 × the file's 0 bytes")
        .satisfies(
            e ->
                assertThat(((StateLoadException) e).reason())
                    .isEqualTo(StateLoadException.Reason.MALFORMED));
    assertThat(budget.charged()).isLessThanOrEqualTo(budget.limit());
  }

  @Test
  void read_emptyObjectsBeyondTheBudget_rawPath_throwsMalformedNamingTheLimit() {
    byte[] json = emptyObjects(2_000_000).getBytes(UTF_8);
    LoadBudget budget = LoadBudget.forFileSize(0);

    assertThatThrownBy(() -> JsonStateCodec.INSTANCE.read(new BytesChannel(json), "x.json", budget))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("x.json: note")
        .hasMessageContaining("over the load budget");
  }

  @Test
  void read_hostileRowsWithinTheFileBudget_chargedAtMostTheFactorPerByte() throws IOException {
    byte[] json = rowsOfOneZero(250_000, false).getBytes(UTF_8);
    LoadBudget budget = LoadBudget.forFileSize(json.length);

    JsonStateCodec.INSTANCE.read(new BytesChannel(json), "x.json", budget);

    // Measured: 24-byte rows, their references and the doubling buffers, about 14 per file byte.
    assertThat(budget.charged()).isPositive().isLessThan(16L * json.length);
  }

  /**
   * Hostile 1 MB files loaded by {@link HostileJsonLoad} in a JVM of {@code -Xmx256m}: each ends in
   * a record or a {@link StateLoadException}, never an {@link OutOfMemoryError}.
   */
  @Test
  void load_hostileOneMegabyteFiles_underXmx256m_noOutOfMemoryError(@TempDir Path dir)
      throws Exception {
    int n = 249_000;
    List<String> args = new ArrayList<>();
    String[][] files = {
      {"rows.json", rowsOfOneZero(n, true)},
      {"legacy-rows.json", rowsOfOneZero(n, false)},
      {"objects.json", emptyObjects(n * 4 / 3)},
      {"lists.json", emptyObjects(n * 4 / 3).replace("{}", "[]")},
      {"strings.json", emptyObjects(n).replace("{}", "\"\"")}
    };
    for (String[] f : files) {
      Path p = dir.resolve(f[0]);
      Files.writeString(p, f[1]);
      assertThat(Files.size(p)).isLessThanOrEqualTo(1_000_000);
      args.add(p.toString());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(HostileJsonLoad.class.getName());
    cmd.addAll(args);
    Path out = dir.resolve("child.txt");
    Process child =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    String report = Files.readString(out);
    assertThat(child.exitValue()).as(report).isZero();
    assertThat(report.lines().filter(l -> l.endsWith(": loaded") || l.contains(": refused ")))
        .hasSize(files.length);
  }
}
