package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * The diagnostics API: {@link SystemStates#inspect(Path)} for every checksum and backup status,
 * migrated files and explicit formats, and {@link SystemStates#recoverReport(Path)} for every
 * source.
 */
class DiagnosticsTest {
  @TempDir Path dir;

  private Path file(String ext) {
    return dir.resolve("state." + ext);
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Nested
  class Inspect {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_savedState_reportsOkAndTheState(String ext) throws Exception {
      Path p = file(ext);
      SystemStateRecord saved = SystemStates.save(TestStates.sample(1), p);

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.path()).isEqualTo(p.toAbsolutePath());
      assertThat(i.format()).isEqualTo(StateFormat.of(p));
      assertThat(i.size()).isEqualTo(Files.size(p));
      assertThat(i.versionFound()).hasValue(1);
      assertThat(i.migrated()).isFalse();
      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.OK);
      assertThat(i.checksum().actual()).hasValue(sha256(p));
      assertThat(i.checksum().expected()).hasValue(sha256(p));
      assertThat(i.state()).hasValue(saved);
      assertThat(i.failure()).isEmpty();
      assertThat(i.warnings()).isEmpty();
      assertThat(i.backup()).isEqualTo(BackupCheck.ABSENT);
      assertThat(i.healthy()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_writesNothing_noLockFile(String ext) throws Exception {
      Path p = file(ext);
      SystemStates.save(TestStates.sample(2), p);
      Files.delete(dir.resolve("state." + ext + ".lock"));
      List<String> before = StoreFiles.names(dir);

      SystemStates.inspect(p);
      SystemStates.load(p);

      assertThat(StoreFiles.names(dir)).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_bytesChanged_reportsMismatchWithBothDigests(String ext) throws Exception {
      Path p = file(ext);
      SystemStates.save(TestStates.sample(3), p);
      String recorded = sha256(p);
      Files.write(p, new byte[] {'x'}, StandardOpenOption.APPEND);

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.MISMATCH);
      assertThat(i.checksum().expected()).hasValue(recorded);
      assertThat(i.checksum().actual()).hasValue(sha256(p));
      assertThat(i.healthy()).isFalse();
    }

    @Test
    void inspect_differentDigestButLoads_reportsStaleAndShowsTheState() throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(4), p);
      Files.writeString(SystemStates.checksumPath(p), "0".repeat(64));

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.STALE);
      assertThat(i.state()).isPresent();
      assertThat(i.failure()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_noChecksumFile_reportsMissing(String ext) throws Exception {
      Path p = file(ext);
      SystemStates.save(TestStates.sample(5), p);
      Files.delete(SystemStates.checksumPath(p));

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.MISSING);
      assertThat(i.checksum().expected()).isEmpty();
      assertThat(i.checksum().actual()).hasValue(sha256(p));
      assertThat(i.healthy()).isTrue();
    }

    @Test
    void inspect_checksumFileNotADigest_reportsUnreadable() throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(6), p);
      Files.writeString(SystemStates.checksumPath(p), "not a digest");

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.UNREADABLE);
      assertThat(i.checksum().expected()).isEmpty();
      assertThat(i.state()).isPresent();
    }

    @Test
    void inspect_checksumIsADirectory_reportsUnreadable() throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(7), p);
      Files.delete(SystemStates.checksumPath(p));
      Files.createDirectory(SystemStates.checksumPath(p));

      assertThat(SystemStates.inspect(p).checksum().status())
          .isEqualTo(ChecksumCheck.Status.UNREADABLE);
    }

    @Test
    void inspect_malformed_reportsTheFailureAndNoVersion() throws Exception {
      Path p = file("json");
      Files.writeString(p, "{\"version\": ");

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.state()).isEmpty();
      assertThat(i.failure())
          .hasValueSatisfying(
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED));
      assertThat(i.versionFound()).isEmpty();
      assertThat(i.migrated()).isFalse();
      assertThat(i.checksum().status()).isEqualTo(ChecksumCheck.Status.MISSING);
      assertThat(i.checksum().actual()).hasValue(sha256(p));
    }

    @Test
    void inspect_newerVersion_reportsTheVersionFoundAndTheFailure() throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(8), p);
      Files.writeString(p, Files.readString(p).replace("\"version\": 1", "\"version\": 7"));

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.versionFound()).hasValue(7);
      assertThat(i.failure())
          .hasValueSatisfying(
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.UNSUPPORTED_VERSION));
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_legacyFile_reportsVersionZeroAndMigrated(String ext) throws Exception {
      Path p = StoreFiles.resource("python-written/manager-legacy." + ext, dir.resolve("m." + ext));

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.versionFound()).hasValue(0);
      assertThat(i.migrated()).isTrue();
      SystemStateRecord loaded = SystemStates.load(p);
      // A legacy file has no timestamps: migration stamps the time of loading, so compare the rest.
      assertThat(i.state().orElseThrow().memoryState()).isEqualTo(loaded.memoryState());
      assertThat(i.state().orElseThrow().qilm()).isEqualTo(loaded.qilm());
      assertThat(i.state().orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void inspect_legacyFileWithMigrationOff_reportsTheRefusal() {
      Path p = StoreFiles.resource("python-written/manager-legacy.json", dir.resolve("m.json"));

      StateInspection i = SystemStates.inspect(p, LoadOptions.defaults().withAutoMigrate(false));

      assertThat(i.versionFound()).hasValue(0);
      assertThat(i.migrated()).isFalse();
      assertThat(i.failure()).isPresent();
    }

    @Test
    void inspect_warnings_areTheIntegrityWarnings() {
      Path p = file("json");
      SystemStateRecord s = TestStates.sample(9);
      double[] l1 = s.memoryState().l1();
      l1[0] = 1e11;
      SystemStateRecord big =
          new SystemStateRecord(
              1,
              s.id(),
              s.createdAt(),
              s.updatedAt(),
              new MemoryStateRecord(
                  s.memoryState().dimension(),
                  s.memoryState().parameters(),
                  l1,
                  s.memoryState().l2(),
                  s.memoryState().l3()),
              s.qilm());
      SystemStates.save(big, p);

      StateInspection i = SystemStates.inspect(p);

      assertThat(i.warnings())
          .isEqualTo(SystemStates.validateIntegrity(i.state().orElseThrow()))
          .singleElement()
          .asString()
          .contains("very large");
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void inspect_backupPresent_reportsItsUpdatedAt(String ext) {
      Path p = file(ext);
      SystemStateRecord first = SystemStates.save(TestStates.sample(10), p);
      SystemStates.save(TestStates.sample(11), p);

      BackupCheck b = SystemStates.inspect(p).backup();

      assertThat(b.present()).isTrue();
      assertThat(b.loads()).isTrue();
      assertThat(b.updatedAt()).hasValue(first.updatedAt());
      assertThat(b.failure()).isEmpty();
    }

    @Test
    void inspect_backupBroken_reportsItsFailure() throws Exception {
      Path p = file("npz");
      SystemStates.save(TestStates.sample(12), p);
      SystemStates.save(TestStates.sample(13), p);
      Files.writeString(SystemStates.backupPath(p), "not a zip");

      BackupCheck b = SystemStates.inspect(p).backup();

      assertThat(b.present()).isTrue();
      assertThat(b.loads()).isFalse();
      assertThat(b.updatedAt()).isEmpty();
      assertThat(b.failure())
          .hasValueSatisfying(
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED));
    }

    @Test
    void inspect_missingFile_throwsNotFound() {
      assertThatThrownBy(() -> SystemStates.inspect(file("json")))
          .isInstanceOfSatisfying(
              StateLoadException.class,
              e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.NOT_FOUND));
      assertThat(StoreFiles.names(dir)).isEmpty();
    }

    @Test
    void inspect_unsupportedExtension_throwsIllegalArgument() {
      assertThatThrownBy(() -> SystemStates.inspect(dir.resolve("state.txt")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Unsupported file format");
    }
  }

  @Nested
  class ExplicitFormat {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void load_backupWithExplicitFormat_loadsIt(String ext) {
      Path p = file(ext);
      SystemStateRecord first = SystemStates.save(TestStates.sample(14), p);
      SystemStates.save(TestStates.sample(15), p);
      Path backup = SystemStates.backupPath(p);

      LoadOptions as = LoadOptions.defaults().withFormat(StateFormat.of(p));

      assertThat(SystemStates.load(backup, as)).isEqualTo(first);
      assertThat(SystemStates.inspect(backup, as).state()).hasValue(first);
      assertThatThrownBy(() -> SystemStates.load(backup))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Unsupported file format");
    }

    @Test
    void load_explicitFormatOverridesTheExtension() throws IOException {
      Path json = file("json");
      SystemStateRecord saved = SystemStates.save(TestStates.sample(16), json);
      Path named = Files.copy(json, dir.resolve("state.npz"));

      assertThat(SystemStates.load(named, LoadOptions.defaults().withFormat(StateFormat.JSON)))
          .isEqualTo(saved);
      assertThatThrownBy(() -> SystemStates.load(named)).isInstanceOf(StateLoadException.class);
    }

    @Test
    void withFormat_null_choosesByExtensionAgain() {
      LoadOptions o = LoadOptions.defaults().withFormat(StateFormat.NPZ).withFormat(null);
      assertThat(o).isEqualTo(LoadOptions.defaults());
      assertThat(o.format()).isEmpty();
    }

    @Test
    void stateFormat_of_byExtensionInAnyCase() {
      assertThat(StateFormat.of(Path.of("a.JSON"))).isEqualTo(StateFormat.JSON);
      assertThat(StateFormat.of(Path.of("a.Npz"))).isEqualTo(StateFormat.NPZ);
      assertThatThrownBy(() -> StateFormat.of(Path.of(".json")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Unsupported file format");
    }
  }

  @Nested
  class RecoverReport {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void recoverReport_healthyMain_sourceMainNothingReplaced(String ext) {
      Path p = file(ext);
      SystemStateRecord saved = SystemStates.save(TestStates.sample(17), p);
      List<String> before = StoreFiles.names(dir);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.state()).isEqualTo(saved);
      assertThat(r.source()).isEqualTo(RecoveryResult.Source.MAIN);
      assertThat(r.usedFile()).hasValue(p.toAbsolutePath());
      assertThat(r.replacedKeptAt()).isEmpty();
      assertThat(StoreFiles.names(dir)).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void recoverReport_corruptMain_restoresBackupAndKeepsTheDamagedMain(String ext)
        throws Exception {
      Path p = file(ext);
      SystemStateRecord first = SystemStates.save(TestStates.sample(18), p);
      SystemStates.save(TestStates.sample(19), p);
      Files.write(p, new byte[] {'x'}, StandardOpenOption.APPEND);
      byte[] damaged = Files.readAllBytes(p);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.state()).isEqualTo(first);
      assertThat(r.source()).isEqualTo(RecoveryResult.Source.BACKUP);
      assertThat(r.usedFile()).hasValue(SystemStates.backupPath(p.toAbsolutePath()));
      Path kept = r.replacedKeptAt().orElseThrow();
      assertThat(kept.getParent()).isEqualTo(dir.toAbsolutePath());
      assertThat(kept.getFileName().toString())
          .matches("state\\." + ext + "\\.damaged-\\d{8}T\\d{6}Z");
      assertThat(Files.readAllBytes(kept)).isEqualTo(damaged);
      assertThat(SystemStates.load(p)).isEqualTo(first);
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }

    @Test
    void recoverReport_twiceInOneSecond_keepsBothDamagedFiles() throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(20), p);
      SystemStates.save(TestStates.sample(21), p);
      Files.writeString(p, "{");
      Path first = SystemStates.recoverReport(p).replacedKeptAt().orElseThrow();
      Files.writeString(p, "[");
      Path second = SystemStates.recoverReport(p).replacedKeptAt().orElseThrow();

      assertThat(second).isNotEqualTo(first);
      assertThat(Files.readString(first)).isEqualTo("{");
      assertThat(Files.readString(second)).isEqualTo("[");
    }

    @Test
    void recoverReport_mainMissing_fromBackupNothingKept() throws Exception {
      Path p = file("json");
      SystemStateRecord first = SystemStates.save(TestStates.sample(22), p);
      SystemStates.save(TestStates.sample(23), p);
      Files.delete(p);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.state()).isEqualTo(first);
      assertThat(r.source()).isEqualTo(RecoveryResult.Source.BACKUP);
      assertThat(r.replacedKeptAt()).isEmpty();
    }

    @Test
    void recoverReport_newChecksumOldMain_fromTheInterruptedSaveKeepingTheOldMain()
        throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(24), p);
      byte[] oldMain = Files.readAllBytes(p);
      SystemStateRecord next = SystemStates.save(TestStates.sample(25), p);
      byte[] newMain = Files.readAllBytes(p);
      Files.write(p, oldMain);
      Path temp = dir.resolve(".state.json.main-0123456789abcdef.tmp");
      Files.write(temp, newMain);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.state()).isEqualTo(next);
      assertThat(r.source()).isEqualTo(RecoveryResult.Source.INTERRUPTED_SAVE);
      assertThat(r.usedFile()).hasValue(temp.toAbsolutePath());
      assertThat(Files.readAllBytes(r.replacedKeptAt().orElseThrow())).isEqualTo(oldMain);
      assertThat(SystemStates.load(p)).isEqualTo(next);
    }

    @Test
    void recoverReport_newMainOldChecksum_theMainItselfNothingKept() throws Exception {
      Path p = file("json");
      SystemStates.save(TestStates.sample(26), p);
      byte[] oldSum = Files.readAllBytes(SystemStates.checksumPath(p));
      SystemStateRecord next = SystemStates.save(TestStates.sample(27), p);
      byte[] newSum = Files.readAllBytes(SystemStates.checksumPath(p));
      Files.write(SystemStates.checksumPath(p), oldSum);
      Files.write(dir.resolve(".state.json.sum-0123456789abcdef.tmp"), newSum);

      RecoveryResult r = SystemStates.recoverReport(p);

      assertThat(r.state()).isEqualTo(next);
      assertThat(r.source()).isEqualTo(RecoveryResult.Source.INTERRUPTED_SAVE);
      assertThat(r.usedFile()).hasValue(p.toAbsolutePath());
      assertThat(r.replacedKeptAt()).isEmpty();
      assertThat(StoreFiles.names(dir)).noneMatch(n -> n.contains(".damaged-"));
    }
  }
}
