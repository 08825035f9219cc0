package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

class RecoveryTest {
  @TempDir Path dir;

  private Path file(String ext) {
    return dir.resolve("state." + ext);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_healthyFile_returnsIt(String ext) {
    SystemStateRecord w = SystemStates.save(TestStates.sample(1), file(ext));
    assertThat(SystemStates.recover(file(ext))).isEqualTo(w);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_corruptMain_restoresBackupWithMatchingChecksum(String ext) throws Exception {
    SystemStateRecord first = SystemStates.save(TestStates.sample(2), file(ext));
    SystemStates.save(TestStates.sample(3), file(ext));
    byte[] backup = StoreFiles.bytes(SystemStates.backupPath(file(ext)));
    Files.write(file(ext), new byte[] {'x'}, StandardOpenOption.APPEND);

    assertThat(SystemStates.recover(file(ext))).isEqualTo(first);
    assertThat(SystemStates.load(file(ext))).isEqualTo(first);
    assertThat(StoreFiles.bytes(file(ext))).isEqualTo(backup);
    assertThat(StoreFiles.bytes(SystemStates.backupPath(file(ext)))).isEqualTo(backup);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_mainMissing_restoresBackup(String ext) throws Exception {
    SystemStateRecord first = SystemStates.save(TestStates.sample(4), file(ext));
    SystemStates.save(TestStates.sample(5), file(ext));
    Files.delete(file(ext));
    assertThat(SystemStates.recover(file(ext))).isEqualTo(first);
    assertThat(SystemStates.load(file(ext))).isEqualTo(first);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_corruptWithoutBackup_saysNoBackup(String ext) throws Exception {
    SystemStates.save(TestStates.sample(6), file(ext));
    Files.write(file(ext), new byte[] {'x'}, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> SystemStates.recover(file(ext)))
        .isInstanceOf(StateRecoveryException.class)
        .hasMessageContaining("no backup")
        .hasCauseInstanceOf(StateCorruptionException.class);
  }

  @Test
  void recover_nothingAtAll_saysNoBackup() {
    assertThatThrownBy(() -> SystemStates.recover(file("json")))
        .isInstanceOf(StateRecoveryException.class)
        .hasMessageContaining("no backup")
        .hasMessageContaining("not found");
  }

  @Test
  void recover_mainAndBackupCorrupt_throwsWithBoth() throws Exception {
    SystemStates.save(TestStates.sample(7), file("json"));
    SystemStates.save(TestStates.sample(8), file("json"));
    Files.writeString(file("json"), "{");
    Files.writeString(SystemStates.backupPath(file("json")), "[");
    assertThatThrownBy(() -> SystemStates.recover(file("json")))
        .isInstanceOf(StateRecoveryException.class)
        .hasMessageContaining("backup failed too")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void recover_newChecksumOldMain_promotesTheInFlightTemp() throws Exception {
    Path p = file("json");
    SystemStates.save(TestStates.sample(9), p);
    byte[] oldMain = StoreFiles.bytes(p);
    SystemStateRecord next = SystemStates.save(TestStates.sample(10), p);
    byte[] newMain = StoreFiles.bytes(p);
    byte[] newSum = StoreFiles.bytes(SystemStates.checksumPath(p));
    // The disk as a crash between renaming the checksum and renaming the main file leaves it.
    Files.write(p, oldMain);
    Files.write(dir.resolve(".state.json.main-0123456789abcdef.tmp"), newMain);
    Files.write(SystemStates.checksumPath(p), newSum);
    assertThatThrownBy(() -> SystemStates.load(p)).isInstanceOf(StateCorruptionException.class);

    assertThat(SystemStates.recover(p)).isEqualTo(next);
    assertThat(SystemStates.load(p)).isEqualTo(next);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @Test
  void recover_newMainOldChecksum_usesTheChecksumTemp() throws Exception {
    Path p = file("json");
    SystemStates.save(TestStates.sample(11), p);
    byte[] oldSum = StoreFiles.bytes(SystemStates.checksumPath(p));
    SystemStateRecord next = SystemStates.save(TestStates.sample(12), p);
    byte[] newSum = StoreFiles.bytes(SystemStates.checksumPath(p));
    Files.write(SystemStates.checksumPath(p), oldSum);
    Files.write(dir.resolve(".state.json.sum-0123456789abcdef.tmp"), newSum);

    assertThat(SystemStates.recover(p)).isEqualTo(next);
    assertThat(SystemStates.load(p)).isEqualTo(next);
  }

  @Test
  void recover_tornTempIsNeverTakenForAState() throws Exception {
    Path p = file("json");
    SystemStateRecord first = SystemStates.save(TestStates.sample(13), p);
    SystemStates.save(TestStates.sample(14), p);
    byte[] newMain = StoreFiles.bytes(p);
    Files.write(p, new byte[] {'{'});
    Files.write(
        dir.resolve(".state.json.main-0123456789abcdef.tmp"),
        java.util.Arrays.copyOf(newMain, newMain.length / 2));
    assertThat(SystemStates.recover(p)).isEqualTo(first);
  }

  /** Writes {@code NAME.checksum} as {@code sha256sum [-b] NAME} does, run in the directory. */
  private void sha256sum(Path p, boolean binary) throws Exception {
    String name = p.getFileName().toString();
    ProcessBuilder pb =
        binary
            ? new ProcessBuilder("sha256sum", "-b", name)
            : new ProcessBuilder("sha256sum", name);
    Process proc = pb.directory(dir.toFile()).start();
    byte[] out = proc.getInputStream().readAllBytes();
    assertThat(proc.waitFor()).isZero();
    Files.write(SystemStates.checksumPath(p), out);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void load_checksumWrittenBySha256sum_isVerified(String ext) throws Exception {
    Path p = file(ext);
    SystemStateRecord w = SystemStates.save(TestStates.sample(15), p);
    for (boolean binary : new boolean[] {false, true}) {
      sha256sum(p, binary);
      String line = Files.readString(SystemStates.checksumPath(p));
      assertThat(line).endsWith((binary ? " *" : "  ") + "state." + ext + "\n");
      assertThat(SystemStates.load(p)).isEqualTo(w);
    }
    // The same line for another file's bytes is still a mismatch.
    Files.write(p, new byte[] {' '}, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> SystemStates.load(p)).isInstanceOf(StateCorruptionException.class);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_checksumWrittenBySha256sum_keepsTheNewerStateInsteadOfRollingBack(String ext)
      throws Exception {
    Path p = file(ext);
    SystemStates.save(TestStates.sample(16), p);
    SystemStateRecord newer = SystemStates.save(TestStates.sample(17), p);
    byte[] main = StoreFiles.bytes(p);
    sha256sum(p, false);

    assertThat(SystemStates.recover(p)).isEqualTo(newer);
    assertThat(StoreFiles.bytes(p)).isEqualTo(main);
    // A save writes the bare digest again.
    SystemStates.save(TestStates.sample(18), p);
    assertThat(Files.readString(SystemStates.checksumPath(p))).matches("[0-9a-f]{64}");
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void load_sha256sumLineNamingAnotherFile_isAMismatchThatEchoesNothing(String ext)
      throws Exception {
    Path p = file(ext);
    SystemStates.save(TestStates.sample(19), p);
    String digest = Files.readString(SystemStates.checksumPath(p));
    Files.writeString(SystemStates.checksumPath(p), digest + "  other." + ext + "\n");

    assertThatThrownBy(() -> SystemStates.load(p))
        .isInstanceOf(StateCorruptionException.class)
        .hasMessageContaining("not a SHA-256 digest")
        .hasMessageNotContaining("other.");
  }
}
