package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlsdm.state.s3.S3Testing.read;
import static org.mlsdm.state.s3.S3Testing.save;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writers released together by a barrier against one state, each with a store of its own (as
 * separate processes would have). Retention is above the number of saves, so the history is
 * complete and every acknowledged save must be in it.
 */
@ExtendWith(CephCluster.class)
class S3RaceTest {
  private static final int WRITERS = 16;
  private static final int ROUNDS = Integer.getInteger("mlsdm.s3.raceRounds", 50);
  private static final int FREE_ROUNDS = Integer.getInteger("mlsdm.s3.freeRaceRounds", 20);

  private static S3Client raw;
  private static String bucket;

  @BeforeAll
  static void setUp() {
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "race");
  }

  @AfterAll
  static void tearDown() {
    if (raw != null) {
      raw.close();
    }
  }

  private static List<S3StorageProvider> providers(int n) {
    List<S3StorageProvider> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new S3StorageProvider(
              S3Testing.config().retention(100_000).writerId("writer-" + i).build()));
    }
    return out;
  }

  private static byte[] payload(int writer, int round) {
    return ("writer " + writer + " round " + round).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void conditionalPublishes_exactlyOneWinnerPerRound_everyWinnerInTheHistory() throws Exception {
    URI uri = URI.create("s3://" + bucket + "/conditional.json");
    List<S3StorageProvider> providers = providers(WRITERS);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CyclicBarrier barrier = new CyclicBarrier(WRITERS);
    AtomicLong expected = new AtomicLong();
    Map<Long, String> winners = new ConcurrentHashMap<>();
    Map<Long, List<Integer>> winnersPerGeneration = new ConcurrentHashMap<>();
    try {
      List<Future<Integer>> conflicts = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        S3StateStorage s = providers.get(w).open(uri);
        conflicts.add(
            pool.submit(
                () -> {
                  int lost = 0;
                  for (int r = 0; r < ROUNDS; r++) {
                    barrier.await();
                    long g = expected.get();
                    barrier.await();
                    try {
                      long won = save(s, payload(writer, r), OptionalLong.of(g));
                      winners.put(won, new String(payload(writer, r), StandardCharsets.US_ASCII));
                      winnersPerGeneration
                          .computeIfAbsent(
                              won, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                          .add(writer);
                      expected.set(won);
                    } catch (ConcurrentUpdateException e) {
                      lost++;
                    }
                  }
                  return lost;
                }));
      }
      int lost = 0;
      for (Future<Integer> f : conflicts) {
        lost += f.get();
      }
      assertThat(winners).hasSize(ROUNDS);
      assertThat(winnersPerGeneration.values()).allSatisfy(w -> assertThat(w).hasSize(1));
      assertThat(lost).isEqualTo(ROUNDS * (WRITERS - 1));
      System.out.printf(
          "S3RaceTest conditional: %d writers x %d rounds, %d winners (one per generation), %d"
              + " ConcurrentUpdateExceptions%n",
          WRITERS, ROUNDS, winners.size(), lost);
      assertHistoryHolds(providers.get(0).open(uri), winners);
    } finally {
      pool.shutdownNow();
      providers.forEach(S3StorageProvider::close);
    }
  }

  @Test
  void unconditionalPublishes_everySaveGetsAGenerationOfItsOwn() throws Exception {
    URI uri = URI.create("s3://" + bucket + "/free.json");
    List<S3StorageProvider> providers = providers(WRITERS);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    CyclicBarrier barrier = new CyclicBarrier(WRITERS);
    Map<Long, String> acked = new ConcurrentHashMap<>();
    Map<Long, Integer> duplicates = new ConcurrentHashMap<>();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        S3StateStorage s = providers.get(w).open(uri);
        done.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < FREE_ROUNDS; r++) {
                    barrier.await();
                    long g = save(s, payload(writer, r));
                    if (acked.putIfAbsent(
                            g, new String(payload(writer, r), StandardCharsets.US_ASCII))
                        != null) {
                      duplicates.merge(g, 1, Integer::sum);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertThat(duplicates).isEmpty();
      assertThat(acked).hasSize(WRITERS * FREE_ROUNDS);
      assertThat(acked.keySet())
          .allSatisfy(g -> assertThat(g).isBetween(1L, (long) WRITERS * FREE_ROUNDS));
      assertHistoryHolds(providers.get(0).open(uri), acked);
      System.out.printf(
          "S3RaceTest unconditional: %d writers x %d rounds, %d acknowledged saves in %d distinct"
              + " generations, all in the history%n",
          WRITERS, FREE_ROUNDS, acked.size(), acked.size());
    } finally {
      pool.shutdownNow();
      providers.forEach(S3StorageProvider::close);
    }
  }

  /** Every acknowledged generation is in the history with the acknowledged writer's bytes. */
  private static void assertHistoryHolds(S3StateStorage s, Map<Long, String> acked)
      throws IOException {
    Map<Long, StoredVersion> history = new HashMap<>();
    for (StoredVersion v : s.candidates()) {
      history.put(v.generation().getAsLong(), v);
    }
    assertThat(history.keySet()).containsExactlyInAnyOrderElementsOf(acked.keySet());
    for (Map.Entry<Long, String> e : acked.entrySet()) {
      assertThat(read(history.get(e.getKey()))).asString().isEqualTo(e.getValue());
    }
    // Losers removed their data objects: one per generation remains.
    assertThat(S3Testing.keys(raw, bucket, s.location().dataPrefix())).hasSize(acked.size());
  }
}
