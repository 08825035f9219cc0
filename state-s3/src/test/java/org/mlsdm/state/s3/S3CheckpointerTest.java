package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link Checkpointer} on {@code s3://} locations: each checkpoint a generation whose manifest
 * names the base object and the delta objects since it. Round trips equal to the local journal,
 * racing checkpointers, a killed writer, compaction.
 */
@ExtendWith(CephCluster.class)
class S3CheckpointerTest {
  private static final int DIM = 4;

  private static S3Client raw;
  private static String bucket;
  private static S3StorageProvider provider;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    S3Testing.pointDefaultProviderAtCluster();
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "checkpoint");
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

  /** One row whose first value is {@code marker}, extending {@code from} rows. */
  static StateDelta delta(long from, long marker) {
    double[] row = new double[DIM];
    row[0] = marker;
    for (int j = 1; j < DIM; j++) {
      row[j] = marker * 0.5 + j;
    }
    double[] level = new double[DIM];
    level[0] = marker;
    return new StateDelta(
        from,
        "step-" + marker,
        Instant.parse("2030-01-01T00:00:00Z").plusMillis(marker),
        level,
        level.clone(),
        level.clone(),
        new double[][] {row},
        new double[] {0.25});
  }

  private static StateLocation s3(String name) {
    return StateLocation.parse("s3://" + bucket + "/" + name);
  }

  private static SystemStateRecord load(StateLocation loc) {
    return SystemStates.load(loc, LoadOptions.defaults());
  }

  private static Generation newest(StateLocation loc) throws Exception {
    return provider.open(loc.uri()).newest().orElseThrow();
  }

  /** The markers of the QILM rows, in order. */
  private static List<Long> markers(SystemStateRecord s) {
    List<Long> out = new ArrayList<>();
    for (double[] row : s.qilm().memory()) {
      out.add((long) row[0]);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "npz"})
  void checkpoints_loadAsTheLocalJournalDoes_andEachIsAGenerationNamingItsDeltas(String ext)
      throws Exception {
    StateLocation loc = s3("roundtrip/state." + ext);
    Path local = dir.resolve("state." + ext);
    SystemStateRecord initial = SystemStates.createEmpty(DIM).withId("start");
    try (Checkpointer remote = Checkpointer.create(loc, initial, 100);
        Checkpointer here = Checkpointer.create(local, initial, 100)) {
      for (long i = 0; i < 5; i++) {
        remote.checkpoint(delta(remote.rows(), i));
        here.checkpoint(delta(here.rows(), i));
      }
      assertThat(remote.rows()).isEqualTo(5);
      assertThat(remote.journalBytes()).isEqualTo(here.journalBytes());
    }
    SystemStateRecord expected = SystemStates.load(local);
    assertThat(load(loc)).isEqualTo(expected);
    try (Checkpointer again = Checkpointer.open(loc)) {
      assertThat(again.state()).isEqualTo(expected);
    }
    Generation g = newest(loc);
    assertThat(g.generation()).isEqualTo(6);
    assertThat(g.deltas()).hasSize(5);
    List<Generation> all = provider.open(loc.uri()).generations();
    assertThat(all).extracting(Generation::dataKey).containsOnly(g.dataKey());
    String manifest =
        raw.getObjectAsBytes(
                b -> b.bucket(bucket).key(provider.open(loc.uri()).location().manifestKey(6)))
            .asUtf8String();
    assertThat(manifest).contains("\"format\":\"mlsdm-s3-manifest/2\"", "\"deltas\":[");
    String first =
        raw.getObjectAsBytes(
                b -> b.bucket(bucket).key(provider.open(loc.uri()).location().manifestKey(1)))
            .asUtf8String();
    assertThat(first).contains("\"format\":\"mlsdm-s3-manifest/1\"").doesNotContain("deltas");
  }

  @Test
  void compaction_publishesANewBaseWithoutDeltas_holdingEveryCheckpoint() throws Exception {
    StateLocation loc = s3("compact/state.npz");
    try (Checkpointer cp =
        Checkpointer.create(loc, SystemStates.createEmpty(DIM).withId("start"), 100)) {
      for (long i = 0; i < 3; i++) {
        cp.checkpoint(delta(cp.rows(), i));
      }
      String oldBase = newest(loc).dataKey();
      cp.compact();
      Generation g = newest(loc);
      assertThat(g.deltas()).isEmpty();
      assertThat(g.dataKey()).isNotEqualTo(oldBase);
      assertThat(cp.journalBytes()).isZero();
      cp.checkpoint(delta(cp.rows(), 3));
      assertThat(newest(loc).deltas()).hasSize(1);
      assertThat(newest(loc).dataKey()).isEqualTo(g.dataKey());
    }
    assertThat(markers(load(loc))).containsExactly(0L, 1L, 2L, 3L);
    assertThat(load(loc).id()).isEqualTo("step-3");

    // At a threshold this low every checkpoint compacts.
    try (Checkpointer cp = Checkpointer.open(loc, 0.001)) {
      for (long i = 4; i < 7; i++) {
        cp.checkpoint(delta(cp.rows(), i));
      }
      assertThat(cp.compactions()).isEqualTo(3);
    }
    assertThat(newest(loc).deltas()).isEmpty();
    assertThat(markers(load(loc))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void racingCheckpointers_everyAcknowledgedCheckpointIsInTheStateOnce_noOtherIs()
      throws Exception {
    StateLocation loc = s3("race/state.json");
    Checkpointer.create(loc, SystemStates.createEmpty(DIM), 100).close();
    int writers = 3;
    int rounds = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier barrier = new CyclicBarrier(writers);
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger conflicts = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  Checkpointer cp = Checkpointer.open(loc, 100);
                  try {
                    for (int r = 0; r < rounds; r++) {
                      long marker = 1000L * (writer + 1) + r;
                      barrier.await();
                      try {
                        cp.checkpoint(rows -> delta(rows, marker));
                        acked.add(marker);
                      } catch (StateSaveException e) {
                        assertThat(e).hasRootCauseInstanceOf(ConcurrentUpdateException.class);
                        conflicts.incrementAndGet();
                        cp.close();
                        cp = Checkpointer.open(loc, 100);
                      }
                    }
                  } finally {
                    cp.close();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<Long> got = markers(load(loc));
    assertThat(got).doesNotHaveDuplicates();
    assertThat(got).containsExactlyInAnyOrderElementsOf(acked);
    assertThat(acked.size() + conflicts.get()).isEqualTo(writers * rounds);
    assertThat(conflicts.get()).isPositive();
  }

  @Test
  void aKilledWriter_losesNoAcknowledgedCheckpoint_andLeavesOnlyOrphansGcRemoves()
      throws Exception {
    StateLocation loc = s3("kill/state.json");
    Checkpointer.create(loc, SystemStates.createEmpty(DIM), 0.5).close();
    long lastAcked = -1;
    for (int kill = 0; kill < 3; kill++) {
      Process child =
          S3Testing.startChild(
              dir.resolve("child" + kill + ".err"), S3CheckpointChild.class, loc.toString(), "0.5");
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        // Killed right after an acknowledgement: mostly inside the next checkpoint's requests.
        for (int i = 0; i < 4 + 3 * kill; i++) {
          String line = out.readLine();
          assertThat(line).as("child output; stderr in %s", dir).startsWith("ACK ");
          lastAcked = Long.parseLong(line.substring(4));
        }
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      List<Long> got = markers(load(loc));
      // Every acknowledged checkpoint, once, in order; at most the one in flight beyond them.
      assertThat(got.size()).isBetween((int) lastAcked + 1, (int) lastAcked + 2);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i)).isEqualTo(i);
      }
    }
    try (S3StorageProvider gcOnly =
        new S3StorageProvider(S3Testing.config().gracePeriod(Duration.ZERO).build())) {
      // Server timestamps have one-second resolution: let "now" pass the orphans' times.
      Thread.sleep(1_100);
      S3StateStorage s = gcOnly.open(loc.uri());
      SystemStateRecord before = load(loc);
      s.gc();
      Set<String> named = new HashSet<>();
      for (Generation g : s.generations()) {
        if (!g.deleted()) {
          named.add(g.dataKey());
        }
        g.deltas().forEach(d -> named.add(d.key()));
      }
      assertThat(S3Testing.keys(raw, bucket, s.location().dataPrefix()))
          .containsExactlyInAnyOrderElementsOf(named);
      assertThat(load(loc)).isEqualTo(before);
    }
  }
}
