package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

class MigrateCommandTest {
  @TempDir Path dir;

  @Test
  void migrate_legacyPythonFile_rewritesAtVersion1_withChecksumAndBackup() {
    Path file = Cli.pythonFile(dir, "manager-legacy.json");
    byte[] original = Cli.bytes(file);
    SystemStateRecord before = SystemStates.load(file);

    Cli.Run r = Cli.run("migrate", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("migrated " + file + " at schema version 1");
    SystemStateRecord after =
        SystemStates.load(file, LoadOptions.defaults().withAutoMigrate(false));
    assertThat(after.version()).isEqualTo(1);
    assertThat(after.memoryState()).isEqualTo(before.memoryState());
    assertThat(after.qilm()).isEqualTo(before.qilm());
    assertThat(SystemStates.checksumPath(file)).exists();
    assertThat(Cli.bytes(SystemStates.backupPath(file))).isEqualTo(original);
  }

  @Test
  void migrate_currentFile_isLeftAlone() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");
    byte[] main = Cli.bytes(file);
    byte[] backup = Cli.bytes(SystemStates.backupPath(file));

    Cli.Run r = Cli.run("migrate", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("already at schema version 1; nothing to do");
    assertThat(Cli.bytes(file)).isEqualTo(main);
    assertThat(Cli.bytes(SystemStates.backupPath(file))).isEqualTo(backup);
  }

  @Test
  void migrate_force_rewritesACurrentFile() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    byte[] main = Cli.bytes(file);

    Cli.Run r = Cli.run("migrate", "--force", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("rewrote " + file);
    assertThat(Cli.bytes(SystemStates.backupPath(file))).isEqualTo(main);
    assertThat(SystemStates.load(file).id()).isEqualTo("a");
  }

  @Test
  void migrate_corruptFile_isRefused() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.flipByte(file);
    byte[] damaged = Cli.bytes(file);

    Cli.Run r = Cli.run("migrate", file);

    assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPT.code());
    assertThat(Cli.bytes(file)).isEqualTo(damaged);
  }

  @Test
  void migrate_newerVersion_exits8() {
    Path file = dir.resolve("s.json");
    Cli.write(file, Cli.stateJson(7, 0.5));

    Cli.Run r = Cli.run("migrate", file);

    assertThat(r.exitCode()).isEqualTo(ExitCode.UNSUPPORTED_VERSION.code());
    assertThat(r.err()).contains("7");
  }

  @Test
  void migrate_missing_exits3() {
    assertThat(Cli.run("migrate", dir.resolve("s.json")).exitCode())
        .isEqualTo(ExitCode.NOT_FOUND.code());
  }
}
