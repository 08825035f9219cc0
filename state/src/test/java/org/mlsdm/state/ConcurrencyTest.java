package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

class ConcurrencyTest {
  private static final int WRITERS = 4;
  private static final int READERS = 2;
  private static final int SAVES_PER_WRITER = 25;
  private static final int LOADS_PER_READER = 100;

  @TempDir Path dir;

  /**
   * Writers save in sequence while readers load. What is counted is what would change if a save
   * were torn, lost or rolled back: every load is a complete saved state; per writer, the saves a
   * reader observes never go back (an older save resurfacing after a newer one was seen would be a
   * rollback); and the final state is one writer's last save (a lost save would leave an earlier
   * one).
   */
  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void concurrentSavesAndLoads_loadsAreWholeMonotoneAndNoSaveIsLost(String ext) throws Exception {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(0, 16, 8), p);
    Map<QilmStateRecord, int[]> origin = new HashMap<>();
    origin.put(TestStates.sample(0, 16, 8).qilm(), new int[] {-1, -1});
    for (int w = 0; w < WRITERS; w++) {
      for (int i = 0; i < SAVES_PER_WRITER; i++) {
        origin.put(TestStates.sample(seed(w, i), 16, 8).qilm(), new int[] {w, i});
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    List<Future<Set<QilmStateRecord>>> readers = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < SAVES_PER_WRITER; i++) {
                    SystemStates.save(TestStates.sample(seed(writer, i), 16, 8), p);
                  }
                  return null;
                }));
      }
      for (int r = 0; r < READERS; r++) {
        readers.add(
            pool.submit(
                () -> {
                  start.await();
                  int[] newestSeen = new int[WRITERS];
                  Arrays.fill(newestSeen, -1);
                  Set<QilmStateRecord> seen = new HashSet<>();
                  for (int i = 0; i < LOADS_PER_READER; i++) {
                    QilmStateRecord q = SystemStates.load(p).qilm();
                    int[] from = origin.get(q);
                    assertThat(from).as("load %d is a complete saved state", i).isNotNull();
                    if (from[0] >= 0) {
                      assertThat(from[1])
                          .as("writer %d's save went back after a newer one was seen", from[0])
                          .isGreaterThanOrEqualTo(newestSeen[from[0]]);
                      newestSeen[from[0]] = from[1];
                    }
                    seen.add(q);
                  }
                  return seen;
                }));
      }
      start.countDown();
      for (Future<?> f : writers) {
        f.get(5, TimeUnit.MINUTES);
      }
      for (Future<Set<QilmStateRecord>> f : readers) {
        assertThat(f.get(5, TimeUnit.MINUTES)).isNotEmpty().isSubsetOf(origin.keySet());
      }
    } finally {
      pool.shutdownNow();
    }
    int[] last = origin.get(SystemStates.load(p).qilm());
    assertThat(last[0]).as("the final state comes from a writer").isNotNegative();
    assertThat(last[1])
        .as("the final state is its writer's last save")
        .isEqualTo(SAVES_PER_WRITER - 1);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  private static long seed(int writer, int i) {
    return 1000L * (writer + 1) + i;
  }
}
