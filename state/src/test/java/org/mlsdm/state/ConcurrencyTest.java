package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void concurrentSavesAndLoads_everyLoadIsACompleteSavedState(String ext) throws Exception {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(0, 16, 8), p);
    Set<QilmStateRecord> saved = ConcurrentHashMap.newKeySet();
    saved.add(TestStates.sample(0, 16, 8).qilm());
    for (int w = 0; w < WRITERS; w++) {
      for (int i = 0; i < SAVES_PER_WRITER; i++) {
        saved.add(TestStates.sample(seed(w, i), 16, 8).qilm());
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < SAVES_PER_WRITER; i++) {
                    SystemStates.save(TestStates.sample(seed(writer, i), 16, 8), p);
                  }
                  return SAVES_PER_WRITER;
                }));
      }
      for (int r = 0; r < READERS; r++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int ok = 0;
                  for (int i = 0; i < LOADS_PER_READER; i++) {
                    SystemStateRecord s = SystemStates.load(p);
                    assertThat(saved).contains(s.qilm());
                    ok++;
                  }
                  return ok;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(5, TimeUnit.MINUTES);
      }
      assertThat(total).isEqualTo(WRITERS * SAVES_PER_WRITER + READERS * LOADS_PER_READER);
    } finally {
      pool.shutdownNow();
    }
    assertThat(saved).contains(SystemStates.load(p).qilm());
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  private static long seed(int writer, int i) {
    return 1000L * (writer + 1) + i;
  }
}
