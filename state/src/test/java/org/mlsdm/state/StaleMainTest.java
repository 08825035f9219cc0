package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * A main file that loads and validates but does not match its checksum (issue 11, item 2): it is
 * reported as stale rather than corrupt, a load refuses it unless asked, recover keeps it instead
 * of rolling back to the backup, and {@link SystemStates#accept} takes it on request. The stale
 * files are the library's own (different valid contents written over the main file behind its
 * checksum) and the Python system's real files placed over a Java-written state.
 */
class StaleMainTest {
  @TempDir Path dir;

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  /** The Python system's files, each placed over a Java-written state of its format. */
  static Stream<String> pythonFiles() {
    return Stream.of("state.json", "state.npz");
  }

  /**
   * A Java-written state saved twice (so it has a backup), whose main file is then replaced by
   * another valid state of the same format while the checksum file stays as the library wrote it.
   */
  private Path staleState(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    Path other = dir.resolve("other." + ext);
    SystemStates.save(TestStates.sample(3), other);
    Files.copy(other, p, StandardCopyOption.REPLACE_EXISTING);
    SystemStates.delete(other, true);
    Files.deleteIfExists(dir.resolve("other." + ext + ".lock"));
    return p;
  }

  /** The Python system's {@code fixture} written over a Java-written state of the same name. */
  private Path pythonOverJava(String fixture) throws IOException {
    Path p = dir.resolve(fixture);
    SystemStates.save(TestStates.sample(4), p);
    SystemStates.save(TestStates.sample(5), p);
    Path python =
        StoreFiles.resource("python-written/" + fixture, dir.resolve("python-" + fixture));
    Files.move(python, p, StandardCopyOption.REPLACE_EXISTING);
    return p;
  }

  private static SystemStateRecord unverified(Path p) {
    return SystemStates.load(p, LoadOptions.defaults().withVerifyChecksum(false));
  }

  @Nested
  class Inspect {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_validContentBehindTheChecksum_reportsStaleWithBothDigests(String ext)
        throws Exception {
      Path p = staleState(ext);
      String recorded = Files.readString(SystemStates.checksumPath(p)).trim();

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.STALE);
      assertThat(i.checksum().expected()).hasValue(recorded);
      assertThat(i.checksum().actual()).hasValue(sha256(p));
      assertThat(i.checksum().ok()).isFalse();
      assertThat(i.state().orElseThrow().memoryState())
          .isEqualTo(TestStates.sample(3).memoryState());
      assertThat(i.failure()).isEmpty();
      assertThat(i.healthy()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.state.StaleMainTest#pythonFiles")
    void inspect_pythonFileOverJavaState_reportsStale(String fixture) throws Exception {
      Path p = pythonOverJava(fixture);

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.STALE);
      assertThat(i.checksum().actual()).hasValue(sha256(p));
      assertThat(i.state()).hasValue(unverified(p));
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_differentBytesThatDoNotLoad_reportMismatchNotStale(String ext) throws Exception {
      Path p = dir.resolve("state." + ext);
      SystemStates.save(TestStates.sample(6), p);
      byte[] bytes = Files.readAllBytes(p);
      Files.write(p, Arrays.copyOf(bytes, bytes.length / 2));

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.MISMATCH);
      assertThat(i.failure()).isPresent();
    }
  }

  @Nested
  class Load {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void load_staleFile_throwsCorruptionMarkedStale(String ext) throws Exception {
      Path p = staleState(ext);
      String recorded = Files.readString(SystemStates.checksumPath(p)).trim();

      assertThatThrownBy(() -> SystemStates.load(p))
          .isInstanceOfSatisfying(
              StateCorruptionException.class,
              e -> {
                assertThat(e.stale()).isTrue();
                assertThat(e.reason()).isEqualTo(StateLoadException.Reason.CORRUPT);
                assertThat(e.expected()).isEqualTo(recorded);
              })
          .hasMessageStartingWith("Checksum mismatch for ")
          .hasMessageContaining("stale")
          .hasMessageContaining("accept");
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void load_damagedFile_throwsCorruptionNotStale(String ext) throws Exception {
      Path p = dir.resolve("state." + ext);
      SystemStates.save(TestStates.sample(7), p);
      byte[] bytes = Files.readAllBytes(p);
      Files.write(p, Arrays.copyOf(bytes, bytes.length - 7));

      assertThatThrownBy(() -> SystemStates.load(p))
          .isInstanceOfSatisfying(
              StateCorruptionException.class, e -> assertThat(e.stale()).isFalse())
          .message()
          .doesNotContain("stale");
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void load_staleFileWithVerificationOff_returnsItAsItIs(String ext) throws Exception {
      Path p = staleState(ext);

      assertThat(unverified(p).memoryState()).isEqualTo(TestStates.sample(3).memoryState());
    }
  }

  @Nested
  class Recover {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void recover_staleMain_keepsItAsItIsAndChangesNothing(String ext) throws Exception {
      Path p = staleState(ext);
      byte[] main = Files.readAllBytes(p);
      byte[] sum = Files.readAllBytes(SystemStates.checksumPath(p));
      byte[] backup = Files.readAllBytes(SystemStates.backupPath(p));
      List<String> before = StoreFiles.names(dir);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.source()).isEqualTo(RecoveryResult.Source.STALE_MAIN);
      assertThat(r.usedFile()).hasValue(p.toAbsolutePath());
      assertThat(r.replacedKeptAt()).isEmpty();
      assertThat(r.state().memoryState()).isEqualTo(TestStates.sample(3).memoryState());
      assertThat(Files.readAllBytes(p)).isEqualTo(main);
      assertThat(Files.readAllBytes(SystemStates.checksumPath(p))).isEqualTo(sum);
      assertThat(Files.readAllBytes(SystemStates.backupPath(p))).isEqualTo(backup);
      // Nothing set aside or created, apart from the writers' lock file the save made already.
      assertThat(StoreFiles.names(dir)).isEqualTo(before);
      assertThat(SystemStates.inspect(p).checksum().status()).isEqualTo(ChecksumCheck.Status.STALE);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.state.StaleMainTest#pythonFiles")
    void recover_pythonFileOverJavaState_isNeverRolledBackToTheBackup(String fixture)
        throws Exception {
      Path p = pythonOverJava(fixture);
      byte[] python = Files.readAllBytes(p);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.source()).isEqualTo(RecoveryResult.Source.STALE_MAIN);
      assertThat(r.state()).isEqualTo(unverified(p));
      assertThat(Files.readAllBytes(p)).isEqualTo(python);
      assertThat(StoreFiles.names(dir)).noneMatch(n -> n.contains(".damaged-"));
    }

    @Test
    void recover_staleMainWithoutBackup_keepsIt() throws Exception {
      Path p = staleState("json");
      Files.delete(SystemStates.backupPath(p));

      assertThat(SystemStates.recoverReport(p).source())
          .isEqualTo(RecoveryResult.Source.STALE_MAIN);
    }

    @Test
    void recover_interruptedSaveVouchedByAChecksumTemp_stillWinsOverTheStaleLookingMain()
        throws Exception {
      // A save that crashed after renaming its main file but before its checksum: the new main
      // with the old checksum, and the new digest in a checksum temp. That is a Java save's own
      // state in flight, so recover completes it (fresh checksum) rather than call it stale.
      Path p = staleState("json");
      Path temp = dir.resolve(".state.json.sum-0123456789abcdef.tmp");
      Files.writeString(temp, sha256(p), StandardCharsets.US_ASCII);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.source()).isEqualTo(RecoveryResult.Source.INTERRUPTED_SAVE);
      assertThat(r.replacedKeptAt()).isEmpty();
      assertThat(SystemStates.load(p).memoryState()).isEqualTo(TestStates.sample(3).memoryState());
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void recover_damagedMain_stillRestoresTheBackup(String ext) throws Exception {
      Path p = dir.resolve("state." + ext);
      SystemStateRecord first = SystemStates.save(TestStates.sample(8), p);
      SystemStates.save(TestStates.sample(9), p);
      byte[] bytes = Files.readAllBytes(p);
      Files.write(p, Arrays.copyOf(bytes, bytes.length / 3));

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.source()).isEqualTo(RecoveryResult.Source.BACKUP);
      assertThat(r.state()).isEqualTo(first);
    }
  }

  @Nested
  class Accept {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void accept_staleFile_recordsItsDigestAndLeavesEverythingElse(String ext) throws Exception {
      Path p = staleState(ext);
      byte[] main = Files.readAllBytes(p);
      byte[] backup = Files.readAllBytes(SystemStates.backupPath(p));
      SystemStateRecord asItIs = unverified(p);

      SystemStateRecord accepted = SystemStates.accept(p);

      assertThat(accepted).isEqualTo(asItIs);
      assertThat(Files.readString(SystemStates.checksumPath(p))).isEqualTo(sha256(p));
      assertThat(Files.readAllBytes(p)).isEqualTo(main);
      assertThat(Files.readAllBytes(SystemStates.backupPath(p))).isEqualTo(backup);
      assertThat(SystemStates.load(p)).isEqualTo(asItIs);
      assertThat(SystemStates.inspect(p).checksum().status()).isEqualTo(ChecksumCheck.Status.OK);
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.state.StaleMainTest#pythonFiles")
    void accept_pythonFileOverJavaState_makesItLoad(String fixture) throws Exception {
      Path p = pythonOverJava(fixture);
      SystemStateRecord python = unverified(p);

      assertThat(SystemStates.accept(p)).isEqualTo(python);
      assertThat(SystemStates.load(p)).isEqualTo(python);
      assertThat(SystemStates.recoverReport(p).source()).isEqualTo(RecoveryResult.Source.MAIN);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void accept_damagedFile_refusesAndWritesNothing(String ext) throws Exception {
      Path p = dir.resolve("state." + ext);
      SystemStates.save(TestStates.sample(10), p);
      byte[] bytes = Files.readAllBytes(p);
      Files.write(p, Arrays.copyOf(bytes, bytes.length / 2));
      byte[] sum = Files.readAllBytes(SystemStates.checksumPath(p));
      List<String> before = StoreFiles.names(dir);

      assertThatThrownBy(() -> SystemStates.accept(p))
          .isInstanceOfSatisfying(
              StateLoadException.class,
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED));
      assertThat(Files.readAllBytes(SystemStates.checksumPath(p))).isEqualTo(sum);
      assertThat(StoreFiles.names(dir)).isEqualTo(before);
    }

    @Test
    void accept_invalidState_refusesWithTheSchemaReason() throws Exception {
      Path p = dir.resolve("state.json");
      SystemStates.save(TestStates.sample(11), p);
      Files.writeString(p, Files.readString(p).replace("\"version\": 1", "\"version\": 7"));
      byte[] sum = Files.readAllBytes(SystemStates.checksumPath(p));

      assertThatThrownBy(() -> SystemStates.accept(p))
          .isInstanceOfSatisfying(
              StateLoadException.class,
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.UNSUPPORTED_VERSION));
      assertThat(Files.readAllBytes(SystemStates.checksumPath(p))).isEqualTo(sum);
    }

    @Test
    void accept_pythonNpzWithoutChecksumFile_writesOne() throws Exception {
      Path p = StoreFiles.resource("python-written/state.npz", dir.resolve("state.npz"));

      SystemStateRecord accepted = SystemStates.accept(p);

      assertThat(Files.readString(SystemStates.checksumPath(p))).isEqualTo(sha256(p));
      assertThat(SystemStates.load(p)).isEqualTo(accepted);
    }

    @Test
    void accept_matchingChecksum_leavesItAlone() throws Exception {
      Path p = dir.resolve("state.json");
      SystemStateRecord saved = SystemStates.save(TestStates.sample(12), p);
      Path sum = SystemStates.checksumPath(p);
      Object inode = Files.getAttribute(sum, "unix:ino");

      assertThat(SystemStates.accept(p)).isEqualTo(saved);
      assertThat(Files.getAttribute(sum, "unix:ino")).isEqualTo(inode);
    }

    @Test
    void accept_unreadableChecksum_isReplaced() throws Exception {
      Path p = dir.resolve("state.json");
      SystemStateRecord saved = SystemStates.save(TestStates.sample(13), p);
      Files.writeString(SystemStates.checksumPath(p), "not a digest");

      assertThat(SystemStates.accept(p)).isEqualTo(saved);
      assertThat(SystemStates.load(p)).isEqualTo(saved);
    }

    @Test
    void accept_missingFile_throwsNotFound() {
      assertThatThrownBy(() -> SystemStates.accept(dir.resolve("state.json")))
          .isInstanceOfSatisfying(
              StateLoadException.class,
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.NOT_FOUND));
    }
  }

  @Nested
  class Values {
    @Test
    void checksumCheck_staleNeedsBothDigestsAndDifferentOnes() {
      Optional<String> a = Optional.of("a".repeat(64));
      Optional<String> b = Optional.of("b".repeat(64));

      assertThat(new ChecksumCheck(ChecksumCheck.Status.STALE, a, b).ok()).isFalse();
      assertThatThrownBy(() -> new ChecksumCheck(ChecksumCheck.Status.STALE, Optional.empty(), b))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ChecksumCheck(ChecksumCheck.Status.STALE, a, a))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("different digests");
    }

    @Test
    void recoveryResult_staleMainReplacesNothing() {
      SystemStateRecord s = TestStates.sample(14);

      assertThatThrownBy(
              () ->
                  new RecoveryResult(
                      s,
                      RecoveryResult.Source.STALE_MAIN,
                      Optional.empty(),
                      Optional.of(Path.of("x.damaged"))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
