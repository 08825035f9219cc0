package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

class MigrationTest {
  @TempDir Path dir;

  @Nested
  class Registry {
    @Test
    void path_sameVersion_isEmpty() {
      assertThat(MigrationRegistry.withBuiltIns().path(1, 1)).isEmpty();
    }

    @Test
    void path_builtInV0ToV1_isOneStep() {
      assertThat(MigrationRegistry.global().path(0, 1))
          .singleElement()
          .satisfies(s -> assertThat(s.from()).isZero())
          .satisfies(s -> assertThat(s.to()).isEqualTo(1));
    }

    @Test
    void path_chainsRegisteredSteps_shortestFirst() {
      MigrationRegistry r = MigrationRegistry.withBuiltIns();
      r.register(1, 2, m -> m);
      r.register(2, 3, m -> m);
      r.register(1, 3, m -> m);
      assertThat(r.path(0, 3)).extracting(MigrationStep::to).containsExactly(1, 3);
      assertThat(r.path(2, 3)).extracting(MigrationStep::from).containsExactly(2);
    }

    @Test
    void path_downgrade_rejected() {
      assertThatThrownBy(() -> MigrationRegistry.global().path(2, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Downgrade");
      assertThatThrownBy(() -> MigrationRegistry.create().register(2, 1, m -> m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Downgrade");
    }

    @Test
    void path_missingRoute_rejected() {
      assertThatThrownBy(() -> MigrationRegistry.create().path(0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("No migration path from version 0 to 1");
      assertThatThrownBy(() -> MigrationRegistry.global().path(1, 5))
          .hasMessageContaining("No migration path");
    }

    @Test
    void register_duplicate_rejected() {
      MigrationRegistry r = MigrationRegistry.create();
      r.register(1, 2, m -> m);
      assertThatThrownBy(() -> r.register(1, 2, m -> m))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already registered");
      assertThatThrownBy(() -> MigrationRegistry.global().register(0, 1, m -> m))
          .hasMessageContaining("already registered");
    }

    @Test
    void migrate_appliesStepsInOrder_andStampsVersion() {
      MigrationRegistry r = MigrationRegistry.create();
      r.register(
          1,
          2,
          m -> {
            m.put("trail", "a");
            return m;
          });
      r.register(
          2,
          3,
          m -> {
            m.put("trail", m.get("trail") + "b");
            return m;
          });
      Map<String, Object> out = r.migrate(new java.util.HashMap<>(Map.of("version", 1)), 1, 3);
      assertThat(out).containsEntry("trail", "ab").containsEntry("version", 3);
    }

    @Test
    void migrate_stepReturningNull_fails() {
      MigrationRegistry r = MigrationRegistry.create();
      r.register(1, 2, m -> null);
      assertThatThrownBy(() -> r.migrate(new java.util.HashMap<>(), 1, 2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("1->2");
    }
  }

  @Nested
  class OnLoad {
    private static final String V0_WITH_STRING_DIMENSION =
        "{\"version\": 0, \"memory_state\": {\"dimension\": \"2\", \"lambda_l1\": 0.5,"
            + " \"lambda_l2\": 0.1, \"lambda_l3\": 0.01, \"theta_l1\": 1, \"theta_l2\": 2,"
            + " \"gating12\": 0.5, \"gating23\": 0.3, \"state_L1\": [1, 2],"
            + " \"state_l2\": [2.5, 3], \"state_l3\": [3, 4], \"note\": [true, null]},"
            + " \"qilm\": {\"memory\": [[1, 2], [0.5]], \"phases\": []}}";

    @Test
    void load_migrationRepairsStringTypedNumber_seesRawValuesBeforeAnyTypeCheck() throws Exception {
      Path p = dir.resolve("v0.json");
      Files.writeString(
          p, V0_WITH_STRING_DIMENSION.replace("\"phases\": []", "\"phases\": [0, 1]"));
      List<Map<String, Object>> seen = new ArrayList<>();
      MigrationRegistry r = MigrationRegistry.create();
      r.register(
          0,
          1,
          m -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> ms = (Map<String, Object>) m.get("memory_state");
            seen.add(new LinkedHashMap<>(ms));
            ms.put("dimension", Long.parseLong((String) ms.get("dimension")));
            m.put("created_at", "2026-01-01T00:00:00Z");
            m.put("updated_at", "2026-01-01T00:00:00Z");
            return m;
          });

      SystemStateRecord s = SystemStates.load(p, LoadOptions.defaults().withMigrations(r));

      assertThat(s.memoryState().dimension()).isEqualTo(2);
      assertThat(s.memoryState().stateL1()).containsExactly(1, 2);
      assertThat(s.qilm().row(1)).containsExactly(0.5);
      // The documented raw form: the string as written, integer arrays as long[], mixed ones as
      // double[], an alias spelled as the schema does, unknown keys kept as lists.
      Map<String, Object> raw = seen.get(0);
      assertThat(raw.get("dimension")).isEqualTo("2");
      assertThat(raw.get("lambda_l1")).isEqualTo(0.5);
      assertThat(raw.get("theta_l1")).isEqualTo(1L);
      assertThat((long[]) raw.get("state_l1")).containsExactly(1, 2);
      assertThat((double[]) raw.get("state_l2")).containsExactly(2.5, 3);
      assertThat(raw).doesNotContainKey("state_L1");
      assertThat(raw.get("note")).isEqualTo(Arrays.asList(true, null));
    }

    @Test
    void load_stringTypedNumberAtCurrentVersion_malformedNamingTheField() throws Exception {
      Path p = dir.resolve("v1.json");
      Files.writeString(p, V0_WITH_STRING_DIMENSION.replace("\"version\": 0", "\"version\": 1"));

      assertThatThrownBy(() -> SystemStates.load(p))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("memory_state.dimension: expected a number")
          .satisfies(
              e ->
                  assertThat(((StateLoadException) e).reason())
                      .isEqualTo(StateLoadException.Reason.MALFORMED));
    }

    @Test
    void load_pythonManagerLegacyJson_migratesV0() {
      Path p = StoreFiles.resource("python-written/manager-legacy.json", dir.resolve("m.json"));
      Instant before = Instant.now().minusSeconds(1);
      SystemStateRecord s = SystemStates.load(p);
      assertThat(s.version()).isEqualTo(1);
      assertThat(s.id()).isNull();
      assertThat(s.createdAt()).isAfter(before).isEqualTo(s.updatedAt());
      assertThat(s.memoryState().dimension()).isEqualTo(3);
      assertThat(s.memoryState().stateL1()).containsExactly(1, 2, 3);
      assertThat(s.memoryState().stateL3()).containsExactly(0.5, 0.5, 0.5);
      assertThat(s.qilm().row(1)).containsExactly(4, 5, 6);
      assertThat(s.qilm().phases()).containsExactly(0.25, 0.75);
    }

    @Test
    void load_v0WithoutFormatVersion_migrates() throws Exception {
      Path p = dir.resolve("v0.json");
      Files.writeString(
          p,
          "{\"memory_state\": {\"dimension\": 1, \"lambda_l1\": 0.5, \"lambda_l2\": 0.1,"
              + " \"lambda_l3\": 0.01, \"theta_l1\": 1, \"theta_l2\": 2, \"gating12\": 0.5,"
              + " \"gating23\": 0.3, \"state_l1\": [1], \"state_l2\": [2], \"state_l3\": [3]},"
              + " \"qilm\": {\"memory\": [], \"phases\": []}}");
      assertThat(SystemStates.load(p).memoryState().stateL2()).containsExactly(2);
    }

    @Test
    void load_v0_autoMigrateOff_refused() {
      Path p = StoreFiles.resource("python-written/manager-legacy.json", dir.resolve("m.json"));
      assertThatThrownBy(() -> SystemStates.load(p, LoadOptions.defaults().withAutoMigrate(false)))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("version 0")
          .satisfies(
              e ->
                  assertThat(((StateLoadException) e).reason())
                      .isEqualTo(StateLoadException.Reason.UNSUPPORTED_VERSION));
    }

    @Test
    void load_v0_registryWithoutRoute_refusedNamingIt() {
      Path p = StoreFiles.resource("python-written/manager-legacy.json", dir.resolve("m.json"));
      assertThatThrownBy(
              () ->
                  SystemStates.load(
                      p, LoadOptions.defaults().withMigrations(MigrationRegistry.create())))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("No migration path from version 0 to 1");
    }

    @Test
    void load_customV0Migration_isUsed() {
      MigrationRegistry r = MigrationRegistry.create();
      r.register(
          0,
          1,
          m -> {
            m.put("id", "migrated");
            m.put("created_at", "2020-01-01T00:00:00Z");
            m.put("updated_at", "2020-01-02T00:00:00Z");
            return m;
          });
      Path p = StoreFiles.resource("python-written/manager-legacy.json", dir.resolve("m.json"));
      SystemStateRecord s = SystemStates.load(p, LoadOptions.defaults().withMigrations(r));
      assertThat(s.id()).isEqualTo("migrated");
      assertThat(s.createdAt()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void load_migrationThatThrows_isAStateLoadException() {
      MigrationRegistry r = MigrationRegistry.create();
      r.register(
          0,
          1,
          m -> {
            throw new IllegalStateException("boom");
          });
      Path p = StoreFiles.resource("python-written/manager-legacy.json", dir.resolve("m.json"));
      assertThatThrownBy(() -> SystemStates.load(p, LoadOptions.defaults().withMigrations(r)))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("boom");
    }

    @Test
    void load_newerSchemaVersion_refusedNamingSupportedVersions() throws Exception {
      Path p = dir.resolve("v2.json");
      SystemStates.save(TestStates.sample(1), p);
      Files.writeString(
          p,
          Files.readString(p)
              .replace("\"version\" : 1", "\"version\": 2")
              .replace("\"version\": 1", "\"version\": 2"));
      Files.delete(SystemStates.checksumPath(p));
      assertThatThrownBy(() -> SystemStates.load(p))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("schema version 2")
          .hasMessageContaining("0 to 1");
    }
  }
}
