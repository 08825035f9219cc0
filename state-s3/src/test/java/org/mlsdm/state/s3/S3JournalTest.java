package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StoredVersion;

/**
 * The journal as delta objects named by the generation manifests: durability at sync, prefixes
 * under truncation, racing writers, retention and gc.
 */
@ExtendWith(CephCluster.class)
class S3JournalTest {
  private static String bucket;
  private static S3StorageProvider provider;

  @BeforeAll
  static void setUp() {
    try (var raw = S3Testing.rawClient()) {
      bucket = S3Testing.newBucket(raw, "journal");
    }
    provider = new S3StorageProvider(S3Testing.config().build());
  }

  @AfterAll
  static void tearDown() {
    if (provider != null) {
      provider.close();
    }
  }

  private static URI uri(String name) {
    return URI.create("s3://" + bucket + "/" + name + ".json");
  }

  /** The journal of the newest generation, from a fresh storage instance as another process. */
  private static Journal journal(String name) throws IOException {
    return provider.open(uri(name)).journal();
  }

  /** Saves a base (generation 1) and returns its journal. */
  private static Journal based(String name) throws IOException {
    S3StateStorage s = provider.open(uri(name));
    S3Testing.save(s, "base".getBytes(StandardCharsets.US_ASCII));
    return s.journal();
  }

  private static Generation newest(String name) throws IOException {
    return provider.open(uri(name)).newest().orElseThrow();
  }

  private static void append(Journal j, String s) throws IOException {
    j.append(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String readAll(Journal j) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SeekableByteChannel ch = j.read()) {
      ByteBuffer buf = ByteBuffer.allocate(3);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void appends_becomeVisibleToOthersAtSync_asGenerationsNamingTheBaseAndTheDeltas()
      throws IOException {
    Journal writer = based("visible");
    Generation base = newest("visible");
    assertThat(base.deltas()).isEmpty();
    append(writer, "abc");
    append(writer, "de");
    assertThat(writer.size()).isEqualTo(5);
    assertThat(readAll(writer)).isEqualTo("abcde");
    assertThat(journal("visible").size()).isZero();
    writer.sync();
    append(writer, "fgh");
    writer.sync();
    Journal reader = journal("visible");
    assertThat(reader.size()).isEqualTo(8);
    assertThat(readAll(reader)).isEqualTo("abcdefgh");
    Generation g = newest("visible");
    assertThat(g.generation()).isEqualTo(3);
    assertThat(writer.generation()).hasValue(3);
    assertThat(g.dataKey()).isEqualTo(base.dataKey());
    assertThat(g.sha256()).isEqualTo(base.sha256());
    assertThat(g.deltas()).extracting(Generation.Delta::size).containsExactly(5L, 3L);
    assertThat(g.deltas().get(1).sha256())
        .isEqualTo(S3Testing.sha256("fgh".getBytes(StandardCharsets.US_ASCII)));
    // Generation 2's journal is still its own: a reader that picked it reads what it named.
    S3StateStorage s = provider.open(uri("visible"));
    StoredVersion second =
        s.candidates().stream()
            .filter(v -> v.generation().orElse(0) == 2)
            .findFirst()
            .orElseThrow();
    assertThat(readAll(s.journal(second))).isEqualTo("abcde");
  }

  @Test
  void sync_withoutAState_failsAndPublishesNothing() throws IOException {
    Journal j = journal("nobase");
    append(j, "abc");
    assertThatThrownBy(j::sync).isInstanceOf(IOException.class).hasMessageContaining("no state");
    assertThat(provider.open(uri("nobase")).generations()).isEmpty();
  }

  @Test
  void aCorruptDelta_failsTheRead_namingTheKey() throws IOException {
    Journal j = based("corrupt");
    append(j, "abcdef");
    j.sync();
    Generation.Delta d = newest("corrupt").deltas().get(0);
    try (var raw = S3Testing.rawClient()) {
      raw.putObject(
          b -> b.bucket(bucket).key(d.key()),
          software.amazon.awssdk.core.sync.RequestBody.fromString("abcdeX"));
    }
    assertThatThrownBy(() -> readAll(journal("corrupt")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(d.key());
  }

  @Test
  void retention_neverRemovesAnObjectARetainedGenerationNames_gcRemovesOnlyOrphans()
      throws Exception {
    // Written with the default grace: with none, a write could never meet the timing rule.
    S3StateStorage writer = provider.open(uri("retention"));
    S3Testing.save(writer, "base".getBytes(StandardCharsets.US_ASCII));
    Journal j = writer.journal();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      String frame = "<" + i + ">";
      append(j, frame);
      j.sync();
      all.append(frame);
    }
    try (S3StorageProvider tight =
        new S3StorageProvider(S3Testing.config().retention(2).gracePeriod(Duration.ZERO).build())) {
      S3StateStorage s = tight.open(uri("retention"));
      // A crashed writer's delta: uploaded, never named by a manifest.
      String orphan = s.location().dataPrefix() + "20260101T000000Z-" + "0".repeat(32);
      try (var raw = S3Testing.rawClient()) {
        raw.putObject(
            b -> b.bucket(bucket).key(orphan),
            software.amazon.awssdk.core.sync.RequestBody.fromString("lost"));
        // Server timestamps have one-second resolution: let "now" pass every object's time.
        Thread.sleep(1_100);
        GcReport report = s.gc();
        assertThat(report.deletedDataObjects()).isEqualTo(1);
        assertThat(report.prunedGenerations()).isEqualTo(5);
        List<Generation> kept = s.generations();
        assertThat(kept).extracting(Generation::generation).containsExactly(7L, 6L);
        List<String> named = new ArrayList<>();
        for (Generation g : kept) {
          named.add(g.dataKey());
          g.deltas().forEach(d -> named.add(d.key()));
        }
        // The base of generation 1 and every delta since are still named, so still there.
        assertThat(S3Testing.keys(raw, bucket, s.location().dataPrefix()))
            .containsExactlyInAnyOrderElementsOf(new java.util.HashSet<>(named));
      }
      assertThat(readAll(tight.open(uri("retention")).journal())).isEqualTo(all.toString());
    }
  }

  @Test
  void truncate_cutsInsideADelta_andToZero_publishingAGenerationNamingThePrefix()
      throws IOException {
    Journal j = based("truncate");
    for (String s : new String[] {"abc", "defgh", "ij"}) {
      append(j, s);
      j.sync();
    }
    append(j, "unsynced");
    j.truncate(5);
    assertThat(readAll(journal("truncate"))).isEqualTo("abcde");
    assertThat(j.size()).isEqualTo(5);
    assertThatThrownBy(() -> j.truncate(6)).isInstanceOf(IllegalArgumentException.class);
    assertThat(newest("truncate").deltas()).hasSize(2);
    j.truncate(0);
    assertThat(journal("truncate").size()).isZero();
    assertThat(newest("truncate").deltas()).isEmpty();
    append(j, "new");
    j.sync();
    assertThat(readAll(journal("truncate"))).isEqualTo("new");
  }

  @Test
  void racingWriters_everyAcknowledgedSyncIsInTheJournal_wholeAndOnce() throws Exception {
    int writers = 8;
    int rounds = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier barrier = new CyclicBarrier(writers);
    ConcurrentHashMap<String, Boolean> acked = new ConcurrentHashMap<>();
    AtomicInteger conflicts = new AtomicInteger();
    based("race");
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  Journal j = journal("race");
                  for (int r = 0; r < rounds; r++) {
                    String frame = "[w" + writer + "r" + r + "]";
                    barrier.await();
                    append(j, frame);
                    try {
                      j.sync();
                      acked.put(frame, true);
                    } catch (ConcurrentUpdateException e) {
                      conflicts.incrementAndGet();
                      // Its head is no longer the newest: extend the one that is.
                      j = journal("race");
                    }
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
    String all = readAll(journal("race"));
    List<String> frames = new ArrayList<>();
    for (String f : all.split("(?<=\\])")) {
      if (!f.isEmpty()) {
        frames.add(f);
      }
    }
    assertThat(frames).doesNotHaveDuplicates();
    assertThat(frames).containsExactlyInAnyOrderElementsOf(acked.keySet());
    assertThat(acked.size() + conflicts.get()).isEqualTo(writers * rounds);
    System.out.printf(
        "S3JournalTest race: %d writers x %d syncs, %d acknowledged (all in the journal, once),"
            + " %d ConcurrentUpdateExceptions%n",
        writers, rounds, acked.size(), conflicts.get());
  }
}
