package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.SystemStates;

class VerifyCommandTest {
  @TempDir Path dir;

  @Test
  void verify_soundFile_exitsZero_andReportsEachCheck() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith(file + ": OK")
        .contains("checksum   ok")
        .contains("version 1, dimension 3, 0 QILM rows")
        .contains("integrity  no warnings")
        .contains("backup     loads (updated_at ");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void verify_missing_exits3() {
    Cli.Run r = Cli.run("verify", dir.resolve("s.json"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).startsWith("mlsdm-state verify: ").contains("not found");
  }

  @Test
  void verify_checksumMismatch_exits5_andSuggestsRecover() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");
    Cli.flipByte(file);

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("Checksum mismatch").contains("mlsdm-state recover " + file);
  }

  @Test
  void verify_checksumMismatch_withoutBackup_hasNoRecoverHint() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.flipByte(file);

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err()).contains("Checksum mismatch").doesNotContain("recover");
  }

  @Test
  void verify_malformed_exits6() {
    Path file = dir.resolve("s.json");
    Cli.write(file, "[1, 2");

    assertThat(Cli.run("verify", file).exitCode()).isEqualTo(6);
  }

  @Test
  void verify_schemaViolation_exits7_namingTheField() {
    Path file = dir.resolve("s.json");
    Cli.write(file, Cli.stateJson(1, 1.5));

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(r.err()).contains("lambda_l1");
  }

  @Test
  void verify_newerVersion_exits8() {
    Path file = dir.resolve("s.json");
    Cli.write(file, Cli.stateJson(99, 0.5));

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).isEqualTo(8);
    assertThat(r.err()).contains("99");
  }

  @Test
  void verify_unreadable_exits4() throws Exception {
    Path file = dir.resolve("s.json");
    // Unreadable even for root: the library refuses a FIFO (a symbolic link to /proc/self/mem,
    // used before, is now refused earlier by the link policy, as a usage error).
    Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();

    // A hang guard, not a speed check: an open of a FIFO without a writer would block.
    Cli.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run("verify", file));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.UNREADABLE.code());
    assertThat(r.err()).startsWith("mlsdm-state verify: ");
  }

  @Test
  void verify_noChecksumFile_isSound_butStrictExits12() {
    Path file = Cli.pythonFile(dir, "manager-legacy.json");

    Cli.Run lenient = Cli.run("verify", file);
    Cli.Run strict = Cli.run("verify", "--strict", file);

    assertThat(lenient.exitCode()).as(lenient.toString()).isZero();
    assertThat(lenient.out())
        .contains("OK, with remarks")
        .contains("checksum   missing, not verified");
    assertThat(strict.exitCode()).isEqualTo(ExitCode.WARNINGS.code());
  }

  @Test
  void verify_pythonWrittenFiles_areSound() {
    Path json = Cli.pythonFile(dir, "state.json");

    Cli.Run r = Cli.run("verify", "--strict", json);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("backup     loads");
  }

  @Test
  void verify_damagedBackup_isReported_butTheMainFileDecides() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");
    Cli.write(SystemStates.backupPath(file), "not json");

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("backup     does NOT load: ");
  }
}
