package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
