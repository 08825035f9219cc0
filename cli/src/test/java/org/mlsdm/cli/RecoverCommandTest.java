package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

class RecoverCommandTest {
  @TempDir Path dir;

  @Test
  void recover_soundFile_changesNothing() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");
    byte[] main = Cli.bytes(file);
    byte[] backup = Cli.bytes(SystemStates.backupPath(file));

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("nothing to recover");
    assertThat(Cli.bytes(file)).isEqualTo(main);
    assertThat(Cli.bytes(SystemStates.backupPath(file))).isEqualTo(backup);
  }

  @Test
  void recover_corruptFile_restoresTheBackup_keepsTheDamagedCopy_andVerifies() throws IOException {
    Path file = dir.resolve("s.json");
    SystemStateRecord first = Cli.saved(file, 3, "first");
    Cli.saved(file, 3, "second");
    Cli.flipByte(file);
    byte[] damaged = Cli.bytes(file);

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("found: " + file + " is corrupt (checksum mismatch)")
        .contains("found: s.json.backup exists")
        .contains("kept the damaged file as ")
        .contains("restored " + file + " from s.json.backup")
        .contains("id 'first'")
        .contains("verified: " + file + " now loads");
    assertThat(SystemStates.load(file)).isEqualTo(first);
    assertThat(Cli.run("verify", file).exitCode()).isZero();
    assertThat(damagedCopies())
        .singleElement()
        .satisfies(p -> assertThat(Cli.bytes(p)).isEqualTo(damaged));
  }

  @Test
  void recover_malformedFile_withBackup_recovers() {
    Path file = dir.resolve("s.json");
    SystemStateRecord first = Cli.saved(file, 3, "first");
    Cli.saved(file, 3, "second");
    Cli.write(file, "{ not json");
    Cli.write(SystemStates.checksumPath(file), "");
    assertThat(Cli.run("verify", file).exitCode()).isNotZero();

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(SystemStates.load(file)).isEqualTo(first);
  }

  @Test
  void recover_noBackup_exits9_andLeavesTheFile() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "only");
    Cli.flipByte(file);
    byte[] damaged = Cli.bytes(file);

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).isEqualTo(ExitCode.UNRECOVERABLE.code());
    assertThat(r.err()).startsWith("mlsdm-state recover: ").contains("no backup");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(Cli.bytes(file)).isEqualTo(damaged);
  }

  @Test
  void recover_backupDamagedToo_exits9() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");
    Cli.flipByte(file);
    Cli.write(SystemStates.backupPath(file), "garbage");

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).isEqualTo(ExitCode.UNRECOVERABLE.code());
    assertThat(r.out()).contains("the backup does not load");
  }

  @Test
  void recover_nothingThere_exits3() {
    Cli.Run r = Cli.run("recover", dir.resolve("s.json"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
  }

  @Test
  void recover_missingMainWithBackup_restoresIt() {
    Path file = dir.resolve("s.json");
    SystemStateRecord first = Cli.saved(file, 3, "first");
    Cli.saved(file, 3, "second");
    SystemStates.delete(file);

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("is missing").doesNotContain("kept the damaged file");
    assertThat(SystemStates.load(file)).isEqualTo(first);
  }

  private List<Path> damagedCopies() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("s.json.damaged-")).toList();
    }
  }
}
