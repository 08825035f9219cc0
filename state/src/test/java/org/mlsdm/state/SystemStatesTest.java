package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

class SystemStatesTest {
  @TempDir Path dir;

  private Path file(String ext) {
    return dir.resolve("state." + ext);
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Nested
  class SaveAndLoad {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_thenLoad_returnsTheRecordAsWritten(String ext) {
      SystemStateRecord s = TestStates.sample(1, 5, 4);
      SystemStateRecord written = SystemStates.save(s, file(ext));
      assertThat(SystemStates.load(file(ext))).isEqualTo(written);
      assertThat(written.memoryState()).isEqualTo(s.memoryState());
      assertThat(written.qilm()).isEqualTo(s.qilm());
      assertThat(written.id()).isEqualTo(s.id());
      assertThat(written.createdAt()).isEqualTo(s.createdAt());
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_setsUpdatedAtToNow(String ext) {
      Instant before = Instant.now().minusSeconds(1);
      SystemStateRecord written = SystemStates.save(TestStates.sample(2), file(ext));
      assertThat(written.updatedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_createdInTheFuture_updatedAtNeverBeforeCreatedAt(String ext) {
      SystemStateRecord s = TestStates.sample(3);
      Instant future =
          Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
      s = new SystemStateRecord(1, null, future, future, s.memoryState(), s.qilm());
      assertThat(SystemStates.save(s, file(ext)).updatedAt()).isEqualTo(future);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_repeatedly_eachLoadSeesTheLatest(String ext) {
      for (int i = 0; i < 5; i++) {
        SystemStateRecord w = SystemStates.save(TestStates.sample(i, 3, i), file(ext));
        assertThat(SystemStates.load(file(ext))).isEqualTo(w);
      }
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_withStateId_setsId_andIsIdempotent(String ext) throws Exception {
      SaveOptions opts = SaveOptions.defaults().withStateId("my-state");
      SystemStateRecord first =
          SystemStates.save(TestStates.sample(4).withId(null), file(ext), opts);
      SystemStateRecord second = SystemStates.save(first, file(ext), opts);
      assertThat(first.id()).isEqualTo("my-state");
      assertThat(SystemStates.load(file(ext)).id()).isEqualTo("my-state");
      assertThat(SystemStates.load(file(ext))).isEqualTo(second);
      assertThat(second.memoryState()).isEqualTo(first.memoryState());
      assertThat(second.qilm()).isEqualTo(first.qilm());
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_emptyQilm_andNullId_roundTrip(String ext) {
      SystemStateRecord written = SystemStates.save(SystemStates.createEmpty(7), file(ext));
      assertThat(SystemStates.load(file(ext))).isEqualTo(written);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_createsOwnerOnlyFiles_andLeavesNoTemps(String ext) throws Exception {
      SystemStates.save(TestStates.sample(5), file(ext));
      SystemStates.save(TestStates.sample(6), file(ext));
      assertThat(StoreFiles.temps(dir)).isEmpty();
      for (Path p :
          List.of(
              file(ext),
              SystemStates.checksumPath(file(ext)),
              SystemStates.backupPath(file(ext)))) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .as(p.toString())
            .isEqualTo("rw-------");
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"state.JSON", "state.Json", "STATE.NPZ"})
    void format_extensionInAnyCase_isAccepted(String name) {
      if (name.toLowerCase(Locale.ROOT).endsWith(".npz")
          && StoreFiles.formats().noneMatch("npz"::equals)) {
        return;
      }
      Path p = dir.resolve(name);
      SystemStateRecord written = SystemStates.save(TestStates.sample(7), p);
      assertThat(SystemStates.load(p)).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = {"state.txt", "state", "state.json.bak", "state.pkl", ".json"})
    void save_unsupportedExtension_throwsBeforeTouchingAnything(String name) {
      Path p = dir.resolve(name);
      assertThatThrownBy(() -> SystemStates.save(TestStates.sample(8), p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Unsupported file format");
      assertThatThrownBy(() -> SystemStates.load(p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Unsupported file format");
      assertThat(StoreFiles.names(dir)).isEmpty();
    }

    @Test
    void save_directoryOrEmptyPath_throwsIllegalArgument() throws Exception {
      Path sub = Files.createDirectory(dir.resolve("d.json"));
      assertThatThrownBy(() -> SystemStates.save(TestStates.sample(9), sub))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("directory");
      assertThatThrownBy(() -> SystemStates.load(Path.of("")))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullArguments_throwNullPointer() {
      assertThatThrownBy(() -> SystemStates.save(null, file("json")))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> SystemStates.save(TestStates.sample(1), null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> SystemStates.load(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> SystemStates.load(file("json"), null))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> SystemStates.recover(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> SystemStates.delete(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void load_missingFile_throwsNotFound(String ext) {
      assertThatThrownBy(() -> SystemStates.load(file(ext)))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("not found")
          .satisfies(
              e ->
                  assertThat(((StateLoadException) e).reason())
                      .isEqualTo(StateLoadException.Reason.NOT_FOUND));
    }

    @Test
    void save_missingParentDirectory_throwsStateSaveException() {
      Path p = dir.resolve("no/such/dir/state.json");
      assertThatThrownBy(
              () ->
                  SystemStates.save(
                      TestStates.sample(1),
                      p,
                      SaveOptions.defaults().withRetryBackoff(java.time.Duration.ZERO)))
          .isInstanceOf(StateSaveException.class);
    }
  }

  @Nested
  class Checksums {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_writesLowercaseSha256OfTheMainFile(String ext) throws Exception {
      SystemStates.save(TestStates.sample(10), file(ext));
      String sum = Files.readString(SystemStates.checksumPath(file(ext)));
      assertThat(sum).isEqualTo(sha256(Files.readAllBytes(file(ext)))).matches("[0-9a-f]{64}");
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void load_appendedBytes_throwsChecksumMismatch(String ext) throws Exception {
      SystemStates.save(TestStates.sample(11), file(ext));
      Files.write(file(ext), new byte[] {' '}, StandardOpenOption.APPEND);
      assertThatThrownBy(() -> SystemStates.load(file(ext)))
          .isInstanceOf(StateCorruptionException.class)
          .hasMessageContaining("Checksum mismatch")
          .hasMessageContaining(file(ext).getFileName().toString())
          .satisfies(
              e -> {
                StateCorruptionException c = (StateCorruptionException) e;
                assertThat(c.reason()).isEqualTo(StateLoadException.Reason.CORRUPT);
                assertThat(c.actual()).isEqualTo(sha256(Files.readAllBytes(file(ext))));
                assertThat(c.expected())
                    .isEqualTo(Files.readString(SystemStates.checksumPath(file(ext))));
              });
    }

    @Test
    void load_appendedWhitespace_verificationOff_loads() throws Exception {
      SystemStateRecord w = SystemStates.save(TestStates.sample(12), file("json"));
      Files.write(
          file("json"), "\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
      assertThat(SystemStates.load(file("json"), LoadOptions.defaults().withVerifyChecksum(false)))
          .isEqualTo(w);
    }

    @Test
    void load_checksumWithSurroundingWhitespaceAndUppercase_isAccepted() throws Exception {
      SystemStateRecord w = SystemStates.save(TestStates.sample(13), file("json"));
      Path sum = SystemStates.checksumPath(file("json"));
      Files.writeString(sum, "  " + Files.readString(sum).toUpperCase(Locale.ROOT) + "\n");
      assertThat(SystemStates.load(file("json"))).isEqualTo(w);
    }

    @Test
    void load_garbageChecksumFile_throwsCorruption() throws Exception {
      SystemStates.save(TestStates.sample(14), file("json"));
      Files.writeString(SystemStates.checksumPath(file("json")), "x".repeat(10_000));
      assertThatThrownBy(() -> SystemStates.load(file("json")))
          .isInstanceOf(StateCorruptionException.class)
          .hasMessageContaining("not a SHA-256 digest");
    }

    @Test
    void load_withoutChecksumFile_loads() throws Exception {
      SystemStateRecord w = SystemStates.save(TestStates.sample(15), file("json"));
      Files.delete(SystemStates.checksumPath(file("json")));
      assertThat(SystemStates.load(file("json"))).isEqualTo(w);
    }
  }

  @Nested
  class Backups {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_firstTime_createsNoBackup(String ext) {
      SystemStates.save(TestStates.sample(20), file(ext));
      assertThat(SystemStates.backupPath(file(ext))).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_overwrite_backupIsThePreviousFileByteForByte(String ext) {
      SystemStates.save(TestStates.sample(21), file(ext));
      byte[] previous = StoreFiles.bytes(file(ext));
      SystemStates.save(TestStates.sample(22), file(ext));
      assertThat(StoreFiles.bytes(SystemStates.backupPath(file(ext)))).isEqualTo(previous);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_backupOff_leavesExistingBackupUntouched(String ext) {
      SystemStates.save(TestStates.sample(23), file(ext));
      SystemStates.save(TestStates.sample(24), file(ext));
      byte[] backup = StoreFiles.bytes(SystemStates.backupPath(file(ext)));
      SystemStates.save(TestStates.sample(25), file(ext), SaveOptions.defaults().withBackup(false));
      assertThat(StoreFiles.bytes(SystemStates.backupPath(file(ext)))).isEqualTo(backup);
    }

    @Test
    void save_backupOff_firstOverwrite_createsNoBackup() {
      SystemStates.save(
          TestStates.sample(26), file("json"), SaveOptions.defaults().withBackup(false));
      SystemStates.save(
          TestStates.sample(27), file("json"), SaveOptions.defaults().withBackup(false));
      assertThat(SystemStates.backupPath(file("json"))).doesNotExist();
    }
  }

  @Nested
  class Delete {
    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void delete_removesMainAndChecksum_keepsBackup(String ext) {
      SystemStates.save(TestStates.sample(30), file(ext));
      SystemStates.save(TestStates.sample(31), file(ext));
      SystemStates.delete(file(ext));
      assertThat(file(ext)).doesNotExist();
      assertThat(SystemStates.checksumPath(file(ext))).doesNotExist();
      assertThat(SystemStates.backupPath(file(ext))).exists();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void delete_withBackup_removesAllThree(String ext) {
      SystemStates.save(TestStates.sample(32), file(ext));
      SystemStates.save(TestStates.sample(33), file(ext));
      SystemStates.delete(file(ext), true);
      assertThat(StoreFiles.names(dir)).containsOnly("state." + ext + ".lock");
    }

    @Test
    void delete_missingFile_isNotAnError() {
      SystemStates.delete(file("json"), true);
      assertThat(file("json")).doesNotExist();
    }
  }

  @Nested
  class Empty {
    @Test
    void createEmpty_defaults() {
      SystemStateRecord s = SystemStates.createEmpty();
      assertThat(s.version()).isEqualTo(SystemStates.CURRENT_SCHEMA_VERSION);
      assertThat(s.id()).isNull();
      assertThat(s.createdAt()).isEqualTo(s.updatedAt());
      assertThat(s.memoryState().dimension()).isEqualTo(10);
      assertThat(s.memoryState().parameters()).isEqualTo(MemoryParameters.DEFAULTS);
      assertThat(s.memoryState().stateL1()).containsOnly(0.0).hasSize(10);
      assertThat(s.qilm().size()).isZero();
    }

    @Test
    void createEmpty_custom() {
      MemoryParameters p = new MemoryParameters(0.9, 0.2, 0.02, 3, 4, 0.1, 0.2);
      SystemStateRecord s = SystemStates.createEmpty(384, p);
      assertThat(s.memoryState().dimension()).isEqualTo(384);
      assertThat(s.memoryState().parameters()).isEqualTo(p);
      assertThat(s.memoryState().stateL3()).hasSize(384);
      assertThat(MemoryParameters.CALIBRATED)
          .isEqualTo(new MemoryParameters(0.50, 0.10, 0.01, 1.2, 2.5, 0.45, 0.30));
    }

    @Test
    void createEmpty_badDimension_rejected() {
      assertThatThrownBy(() -> SystemStates.createEmpty(0))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("dimension");
    }
  }

  @Nested
  class Integrity {
    @Test
    void validateIntegrity_cleanState_noWarnings() {
      assertThat(SystemStates.validateIntegrity(TestStates.sample(40))).isEmpty();
    }

    @Test
    void validateIntegrity_veryLargeValues_warns() {
      SystemStateRecord s = TestStates.sample(41);
      MemoryStateRecord m = s.memoryState();
      double[] l2 = m.stateL2();
      l2[2] = -2e10;
      s =
          s.withMemoryState(
              new MemoryStateRecord(m.dimension(), m.parameters(), m.stateL1(), l2, m.stateL3()));
      assertThat(SystemStates.validateIntegrity(s))
          .singleElement()
          .asString()
          .contains("very large")
          .contains("state_l2")
          .contains("index 2");
    }

    @Test
    void validateIntegrity_veryLargeQilmValue_warnsWithItsVectorAndIndex() {
      SystemStateRecord s =
          TestStates.sample(43)
              .withQilm(
                  new QilmStateRecord(
                      new double[][] {{1, 2, 3, 4}, {1, 2, -3e10, 4e10}}, new double[2]));

      assertThat(SystemStates.validateIntegrity(s))
          .singleElement()
          .asString()
          .contains("qilm.memory[1] has 2 very large value(s)")
          .contains("first at index 2: -3.0E10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "npz"})
    void validateIntegrity_loadedQilmWithVeryLargeValue_warnsAsBeforeSaving(
        String ext, @TempDir Path dir) {
      SystemStateRecord s =
          TestStates.sample(44)
              .withQilm(new QilmStateRecord(new double[][] {{1, 2, 3, 1e11}}, new double[1]));
      Path p = dir.resolve("s." + ext);
      SystemStates.save(s, p);

      // The load builds the record through the adopting path, which checks the rows itself.
      assertThat(SystemStates.validateIntegrity(SystemStates.load(p)))
          .isEqualTo(SystemStates.validateIntegrity(s))
          .singleElement()
          .asString()
          .contains("qilm.memory[0] has 1 very large value(s)");
    }

    @Test
    void validateIntegrity_emptyAndMismatchedQilmVectors_warn() {
      SystemStateRecord s =
          TestStates.sample(42)
              .withQilm(
                  new QilmStateRecord(new double[][] {{}, {1, 2}, {1, 2, 3, 4}}, new double[3]));
      assertThat(SystemStates.validateIntegrity(s))
          .hasSize(2)
          .anySatisfy(w -> assertThat(w).contains("qilm.memory[0] is empty"))
          .anySatisfy(
              w -> assertThat(w).contains("qilm.memory[1] has 2 values, expected dimension=4"));
    }
  }

  @Nested
  class Maps {
    @Test
    void toMap_fromMap_roundTrip() {
      SystemStateRecord s = TestStates.sample(50);
      assertThat(SystemStates.fromMap(SystemStates.toMap(s))).isEqualTo(s);
    }

    @Test
    void toMap_isJsonShaped() {
      var map = SystemStates.toMap(TestStates.sample(51));
      assertThat(map)
          .containsKeys("version", "id", "created_at", "updated_at", "memory_state", "qilm");
      assertThat(map.get("created_at")).isEqualTo("2026-11-26T10:24:07.010760Z");
      assertThat(((java.util.Map<?, ?>) map.get("memory_state")).get("state_l1"))
          .isInstanceOf(double[].class);
    }

    @Test
    void fromMap_listsAliasesAndOffsets_accepted() {
      var mem = new java.util.LinkedHashMap<String, Object>();
      mem.put("dimension", 2L);
      mem.put("lambda_l1", 1);
      mem.put("lambda_l2", 0.1);
      mem.put("lambda_l3", 0.01);
      mem.put("theta_l1", 1.0);
      mem.put("theta_l2", 2);
      mem.put("gating12", 0.5);
      mem.put("gating23", 0.3);
      mem.put("state_L1", List.of(1, 2.5));
      mem.put("state_L2", new float[] {0.5f, 0.25f});
      mem.put("state_l3", new double[] {0, 0});
      var map = new java.util.LinkedHashMap<String, Object>();
      map.put("version", 1);
      map.put("created_at", "2026-01-01T02:00:00+02:00");
      map.put("updated_at", "2026-01-01T00:00:01");
      map.put("memory_state", mem);
      map.put(
          "qilm", java.util.Map.of("memory", List.of(List.of(1.0, 2.0)), "phases", List.of(0.5)));
      SystemStateRecord s = SystemStates.fromMap(map);
      assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
      assertThat(s.updatedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
      assertThat(s.memoryState().stateL1()).containsExactly(1, 2.5);
      assertThat(s.memoryState().stateL2()).containsExactly(0.5, 0.25);
      assertThat(s.qilm().row(0)).containsExactly(1, 2);
      assertThat(mem).containsKey("state_L1");
    }

    // toMap builds each section as a Map<String, Object>; the casts below only restore that type.
    @SuppressWarnings("unchecked")
    @Test
    void fromMap_missingOrWrongTypedField_namesIt() {
      var map = SystemStates.toMap(TestStates.sample(52));
      ((java.util.Map<String, Object>) map.get("memory_state")).remove("theta_l2");
      assertThatThrownBy(() -> SystemStates.fromMap(map))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("theta_l2 is missing");
      var map2 = SystemStates.toMap(TestStates.sample(52));
      ((java.util.Map<String, Object>) map2.get("memory_state")).put("gating12", "half");
      assertThatThrownBy(() -> SystemStates.fromMap(map2))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("gating12 must be a number");
    }

    @Test
    void fromMap_newerVersion_rejected() {
      var map = SystemStates.toMap(TestStates.sample(53));
      map.put("version", 2);
      assertThatThrownBy(() -> SystemStates.fromMap(map))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("newer");
    }
  }
}
