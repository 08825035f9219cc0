package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

class DiffCommandTest {
  @TempDir Path dir;

  private Path save(String name, double[] l1, double[] l2, double[][] qilm, String id) {
    Path file = dir.resolve(name);
    SystemStateRecord empty = SystemStates.createEmpty(l1.length).withId(id);
    double[] phases = new double[qilm.length];
    SystemStates.save(
        empty
            .withMemoryState(
                new MemoryStateRecord(
                    l1.length, MemoryParameters.DEFAULTS, l1, l2, new double[l1.length]))
            .withQilm(new QilmStateRecord(qilm, phases)),
        file);
    return file;
  }

  @Test
  void diff_sameContent_matches_evenWithOtherIdAndTimestamps() {
    Path a = save("a.json", new double[] {1, 2}, new double[] {0, 0}, new double[][] {{1, 2}}, "a");
    Path b = save("b.json", new double[] {1, 2}, new double[] {0, 0}, new double[][] {{1, 2}}, "b");

    Cli.Run r = Cli.run("diff", a, b);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("id           differs (not compared): 'a' vs 'b'")
        .contains("  state_l1   max |a-b| = 0")
        .contains("result: the states match");
  }

  @Test
  void diff_levels_reportTheLargestAbsoluteDifference_andExit10() {
    Path a = save("a.json", new double[] {1, 2, 3}, new double[] {0, 0, 0}, new double[0][], null);
    Path b =
        save("b.json", new double[] {1, 2.5, 1}, new double[] {0, 0, 0.25}, new double[0][], null);

    Cli.Run r = Cli.run("diff", a, b);

    assertThat(r.exitCode()).isEqualTo(ExitCode.DIFFERENT.code());
    assertThat(r.out())
        .contains("  state_l1   max |a-b| = 2  DIFFERS")
        .contains("  state_l2   max |a-b| = 0.25  DIFFERS")
        .contains("  state_l3   max |a-b| = 0\n")
        .contains("result: the states differ (state_l1, state_l2)");
  }

  @Test
  void diff_tolerance_acceptsSmallDifferences() {
    Path a = save("a.json", new double[] {1}, new double[] {0}, new double[][] {{1}}, null);
    Path b =
        save("b.json", new double[] {1.001}, new double[] {0}, new double[][] {{1.0005}}, null);

    assertThat(Cli.run("diff", a, b).exitCode()).isEqualTo(ExitCode.DIFFERENT.code());
    assertThat(Cli.run("diff", "--tolerance", "0.01", a, b).exitCode()).isZero();
  }

  @Test
  void diff_qilmRowCount_differs() {
    Path a = save("a.json", new double[] {1}, new double[] {0}, new double[][] {{1}}, null);
    Path b = save("b.json", new double[] {1}, new double[] {0}, new double[][] {{1}, {2}}, null);

    Cli.Run r = Cli.run("diff", a, b);

    assertThat(r.exitCode()).isEqualTo(ExitCode.DIFFERENT.code());
    assertThat(r.out()).contains("row count differs: 1 vs 2").contains("the first 1 rows");
  }

  @Test
  void diff_dimension_differs() {
    Path a = save("a.json", new double[] {1}, new double[] {0}, new double[0][], null);
    Path b = save("b.json", new double[] {1, 1}, new double[] {0, 0}, new double[0][], null);

    Cli.Run r = Cli.run("diff", a, b);

    assertThat(r.exitCode()).isEqualTo(ExitCode.DIFFERENT.code());
    assertThat(r.out()).contains("  dimension  differs: 1 vs 2");
  }

  @Test
  void diff_metadata_comparesIdAndTimestamps() {
    Path a = save("a.json", new double[] {1}, new double[] {0}, new double[0][], "a");
    Path b = save("b.json", new double[] {1}, new double[] {0}, new double[0][], "b");

    Cli.Run r = Cli.run("diff", "--metadata", a, b);

    assertThat(r.exitCode()).isEqualTo(ExitCode.DIFFERENT.code());
    assertThat(r.out()).contains("result: the states differ (id");
  }

  @Test
  void diff_jsonAgainstNpz_ofTheSameState_matches() {
    Path a =
        save("a.json", new double[] {1, -2}, new double[] {0.5, 0}, new double[][] {{1, 2}}, "x");
    Path b = dir.resolve("b.npz");
    SystemStates.save(SystemStates.load(a), b);

    assertThat(Cli.run("diff", a, b).exitCode()).isZero();
  }

  @Test
  void diff_negativeTolerance_isAUsageError() {
    Path a = save("a.json", new double[] {1}, new double[] {0}, new double[0][], null);

    assertThat(Cli.run("diff", "--tolerance", "-1", a, a).exitCode())
        .isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void diff_corruptSide_exitsWithItsLoadCode() {
    Path a = save("a.json", new double[] {1}, new double[] {0}, new double[0][], null);
    Path b = save("b.json", new double[] {1}, new double[] {0}, new double[0][], null);
    Cli.flipByte(b);

    Cli.Run r = Cli.run("diff", a, b);

    assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPT.code());
    assertThat(r.err()).contains("b.json");
  }

  @Test
  void diff_pythonFilesWithLabelledPhases_compareTheLabels() {
    Path json = Cli.pythonFile(dir, "manager-labelled.json");
    Path npz = Cli.pythonFile(dir, "manager-labelled.npz");
    Path numeric =
        save("n.json", new double[] {1, 2}, new double[] {0, 0}, new double[][] {}, null);

    Cli.Run same = Cli.run("diff", json, npz);
    Cli.Run other = Cli.run("diff", json, numeric);

    assertThat(same.exitCode()).as(same.toString()).isZero();
    assertThat(same.out())
        .contains("  phases     equal: [wake, wake, wake, sleep, sleep]")
        .contains("result: the states match");
    assertThat(other.exitCode()).as(other.toString()).isEqualTo(ExitCode.DIFFERENT.code());
    assertThat(other.out()).contains("  phases     ").contains("DIFFERS");
    assertThat(other.err()).doesNotContain("Exception");
  }
}
