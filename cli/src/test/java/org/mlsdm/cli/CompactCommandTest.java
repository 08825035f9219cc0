package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/** {@code simulate}'s incremental checkpoints, {@code compact}, and the journal in reports. */
class CompactCommandTest {
  @TempDir Path dir;

  private static Path journal(Path file) {
    return file.resolveSibling(file.getFileName() + ".journal");
  }

  @Test
  void simulate_appendsToTheJournal_andCompactFoldsItIn() {
    Path file = dir.resolve("s.npz");
    Cli.Run run =
        Cli.run("simulate", file, "--steps", "750", "--checkpoint-every", "50", "--dimension", "8");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(journal(file)).exists();
    SystemStateRecord before = SystemStates.load(file);
    assertThat(before.qilm().size()).isEqualTo(750);

    Cli.Run inspect = Cli.run("inspect", file);
    assertThat(inspect.out()).containsPattern("journal +\\d+ frame\\(s\\), .*, chains to the base");
    Cli.Run verify = Cli.run("verify", file);
    assertThat(verify.out()).contains("journal").contains("chains to the base");

    Cli.Run compact = Cli.run("compact", file);
    assertThat(compact.exitCode()).as(compact.toString()).isZero();
    assertThat(compact.out()).contains("compacted " + file + ": ").contains("frame(s)");
    assertThat(journal(file)).doesNotExist();
    assertThat(SystemStates.load(file)).isEqualTo(before);
    assertThat(Cli.run("inspect", file).out()).containsPattern("journal +none");
  }

  @Test
  void simulate_wholeFile_neverWritesAJournal_andResumesIncrementally() {
    Path file = dir.resolve("s.json");
    Cli.Run run = Cli.run("simulate", file, "--steps", "300", "--dimension", "4", "--whole-file");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(journal(file)).doesNotExist();

    Cli.Run resumed = Cli.run("simulate", file, "--steps", "900", "--checkpoint-every", "50");
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    assertThat(SystemStates.load(file).qilm().size()).isEqualTo(900);

    Path straight = dir.resolve("straight.json");
    Cli.run("simulate", straight, "--steps", "900", "--dimension", "4", "--whole-file");
    assertThat(SystemStates.load(file).qilm()).isEqualTo(SystemStates.load(straight).qilm());
  }
}
