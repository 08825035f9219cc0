package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.RecoveryResult;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateInspection;
import org.mlsdm.state.StateLayout;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.StateMetrics;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.StateStorageProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The core's operations on {@code s3://} locations: {@link SystemStates} finds this module's
 * provider through {@link java.util.ServiceLoader} (the class path's META-INF/services here), which
 * takes its endpoint from {@code aws.endpointUrl} and its credentials from the SDK's default chain.
 */
@ExtendWith(CephCluster.class)
class S3SystemStatesTest {
  private static S3Client raw;
  private static String bucket;
  private static S3StorageProvider provider;

  @BeforeAll
  static void setUp() {
    S3Testing.pointDefaultProviderAtCluster();
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "core");
    provider = new S3StorageProvider(S3Testing.config().build());
  }

  @AfterAll
  static void tearDown() {
    if (provider != null) {
      provider.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private static List<Generation> generations(StateLocation loc) throws Exception {
    return provider.open(loc.uri()).generations();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "npz"})
  void saveLoadInspectDelete_throughTheCore(String ext) throws Exception {
    StateLocation loc = StateLocation.parse("s3://" + bucket + "/core/a." + ext);
    SystemStateRecord first = SystemStates.createEmpty(8).withId("first");
    SystemStates.save(first, loc, SaveOptions.defaults());
    SystemStates.save(SystemStates.createEmpty(8).withId("second"), loc, SaveOptions.defaults());

    assertThat(SystemStates.load(loc, LoadOptions.defaults()).id()).isEqualTo("second");
    // Each save is a generation; callers who need the numbers get them from the S3 module.
    List<Generation> gens = generations(loc);
    assertThat(gens).extracting(Generation::generation).containsExactly(2L, 1L);

    StateInspection in = SystemStates.inspect(loc, LoadOptions.defaults());
    assertThat(in.healthy()).as(in.toString()).isTrue();
    assertThat(in.state().orElseThrow().id()).isEqualTo("second");
    assertThat(in.size()).isEqualTo(gens.get(0).size());

    SystemStates.delete(loc, false);
    assertThatThrownBy(() -> SystemStates.load(loc, LoadOptions.defaults()))
        .isInstanceOf(StateLoadException.class);
    // A deletion marker: the older generations stay for recovery until pruned.
    assertThat(generations(loc).get(0).deleted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "npz"})
  void recover_fallsBackToThePreviousGeneration_whenTheNewestIsCorrupt(String ext)
      throws Exception {
    StateLocation loc = StateLocation.parse("s3://" + bucket + "/core/r." + ext);
    SystemStates.save(SystemStates.createEmpty(8).withId("good"), loc, SaveOptions.defaults());
    SystemStates.save(SystemStates.createEmpty(8).withId("bad"), loc, SaveOptions.defaults());
    Generation newest = generations(loc).get(0);
    byte[] bytes = raw.getObjectAsBytes(b -> b.bucket(bucket).key(newest.dataKey())).asByteArray();
    bytes[bytes.length / 2] ^= 1;
    raw.putObject(b -> b.bucket(bucket).key(newest.dataKey()), RequestBody.fromBytes(bytes));

    assertThatThrownBy(() -> SystemStates.load(loc, LoadOptions.defaults()))
        .isInstanceOf(StateLoadException.class);

    RecoveryResult r = SystemStates.recoverReport(loc);
    assertThat(r.state().id()).isEqualTo("good");
    assertThat(r.source()).isNotEqualTo(RecoveryResult.Source.MAIN);
    // The restored state is published as a new, whole generation that loads.
    assertThat(generations(loc)).extracting(Generation::generation).startsWith(3L);
    assertThat(SystemStates.load(loc, LoadOptions.defaults()).id()).isEqualTo("good");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PYTHON_STATE_STORE", "PYTHON_MEMORY_MANAGER"})
  void pythonLayoutsAndMetrics_workOnS3AsOnAFile(String layoutName) throws Exception {
    StateLayout layout = StateLayout.valueOf(layoutName);
    StateLocation loc = StateLocation.parse("s3://" + bucket + "/core/py-" + layoutName + ".npz");
    SystemStateRecord state = SystemStates.createEmpty(8).withId("py");
    List<Long> saved = new ArrayList<>();
    List<Long> loaded = new ArrayList<>();
    List<String> names = new ArrayList<>();
    StateMetrics listener =
        new StateMetrics() {
          @Override
          public void onSave(Path path, long bytes, Duration duration, int attempts) {
            saved.add(bytes);
            names.add(path.getFileName().toString());
          }

          @Override
          public void onLoad(Path path, long bytes, Duration duration, boolean migrated) {
            loaded.add(bytes);
            names.add(path.getFileName().toString());
          }
        };
    SystemStateRecord written;
    SystemStateRecord back;
    StateMetrics.Registration reg = StateMetrics.register(listener);
    try {
      written = SystemStates.save(state, loc, SaveOptions.defaults().withLayout(layout));
      back = SystemStates.load(loc, LoadOptions.defaults());
    } finally {
      reg.close();
    }

    // The layout reaches the object: the MemoryManager layout has no id and migrates on load.
    if (layout == StateLayout.PYTHON_MEMORY_MANAGER) {
      assertThat(back.id()).isNull();
      assertThat(back.memoryState()).isEqualTo(written.memoryState());
      assertThat(back.qilm()).isEqualTo(written.qilm());
    } else {
      assertThat(back).isEqualTo(written);
    }
    // The listeners see the bytes of the one generation written and read, under the key's name.
    long size = generations(loc).get(0).size();
    assertThat(saved).containsExactly(size);
    assertThat(loaded).containsExactly(size);
    assertThat(names).containsOnly(loc.name());
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "npz"})
  @SuppressWarnings("try") // the listener's registration is held, never referenced
  void recover_skipsEveryGenerationWhoseDataNoLongerVerifies_andSaysWhichItUsed(String ext)
      throws Exception {
    StateLocation loc = StateLocation.parse("s3://" + bucket + "/core/three." + ext);
    for (String id : List.of("first", "second", "third")) {
      SystemStates.save(SystemStates.createEmpty(8).withId(id), loc, SaveOptions.defaults());
    }
    List<Generation> gens = generations(loc);
    // The newest: other bytes of the same size; the one before: its data object gone.
    byte[] bytes =
        raw.getObjectAsBytes(b -> b.bucket(bucket).key(gens.get(0).dataKey())).asByteArray();
    bytes[bytes.length / 2] ^= 1;
    raw.putObject(b -> b.bucket(bucket).key(gens.get(0).dataKey()), RequestBody.fromBytes(bytes));
    raw.deleteObject(b -> b.bucket(bucket).key(gens.get(1).dataKey()));
    List<String> failures = new ArrayList<>();
    StateMetrics listener =
        new StateMetrics() {
          @Override
          public void onChecksumFailure(
              StateLocation location, String source, String expected, String actual) {
            failures.add(location + " | " + source);
          }
        };

    RecoveryResult r;
    try (StateMetrics.Registration reg = StateMetrics.register(listener)) {
      assertThatThrownBy(() -> SystemStates.load(loc, LoadOptions.defaults()))
          .isInstanceOfSatisfying(
              StateCorruptionException.class,
              e -> assertThat(e.location()).isEqualTo(loc.toString()))
          .hasMessageStartingWith("Checksum mismatch for " + loc + ": expected ");
      r = SystemStates.recoverReport(loc);
    }

    assertThat(r.state().id()).isEqualTo("first");
    assertThat(r.source()).isEqualTo(RecoveryResult.Source.BACKUP);
    assertThat(r.usedGeneration()).hasValue(1L);
    assertThat(r.usedVersion()).hasValueSatisfying(v -> assertThat(v).startsWith(loc + " "));
    // The load's mismatch, then recovery's of generation 3, each named with its "//".
    assertThat(failures)
        .hasSize(2)
        .startsWith(loc + " | " + loc)
        .anySatisfy(f -> assertThat(f).startsWith(loc + " | " + loc + " generation 3 "));
    assertThat(generations(loc)).extracting(Generation::generation).startsWith(4L, 3L, 2L, 1L);
    assertThat(SystemStates.load(loc, LoadOptions.defaults()).id()).isEqualTo("first");
  }

  @Test
  @SuppressWarnings("try") // the registration is held, never referenced
  void register_aConfiguredProvider_servesTheLocationApi_untilTheRegistrationIsClosed()
      throws Exception {
    StateLocation loc = StateLocation.parse("s3://" + bucket + "/reg/state.json");
    SystemStateRecord saved;
    try (S3StorageProvider tenant =
            new S3StorageProvider(S3Testing.config().keyPrefix("tenant-7/").retention(3).build());
        StateStorageProvider.Registration r = StateStorageProvider.register(tenant)) {
      saved =
          SystemStates.save(SystemStates.createEmpty(8).withId("t7"), loc, SaveOptions.defaults());
      assertThat(SystemStates.load(loc, LoadOptions.defaults())).isEqualTo(saved);
      assertThat(SystemStates.inspect(loc, LoadOptions.defaults()).healthy()).isTrue();
      assertThat(SystemStates.recoverReport(loc).source()).isEqualTo(RecoveryResult.Source.MAIN);
    }
    // Everything went under the configured prefix, which the default provider does not use.
    assertThat(S3Testing.keys(raw, bucket, "tenant-7/reg/")).isNotEmpty();
    assertThat(S3Testing.keys(raw, bucket, "reg/")).isEmpty();
    assertThatThrownBy(() -> SystemStates.load(loc, LoadOptions.defaults()))
        .isInstanceOfSatisfying(
            StateLoadException.class,
            e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.NOT_FOUND))
        .hasMessageContaining(loc.toString());
  }
}
