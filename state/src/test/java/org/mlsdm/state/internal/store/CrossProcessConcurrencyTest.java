package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Four writer threads and two reader threads in this JVM and a second writer process ({@link
 * ConcurrentWriterChild}, which also loads after each save) on one path, for a bounded number of
 * saves: every load returns a complete state that some save wrote, and nothing throws. {@code
 * mlsdm.concurrency.saves} sets the saves per writer (the {@code reliability} profile: 400).
 */
class CrossProcessConcurrencyTest {
  static final int CHILD = 99;
  private static final int WRITERS = 4;
  private static final int READERS = 2;
  private static final int SAVES = Integer.getInteger("mlsdm.concurrency.saves", 25);

  @TempDir Path dir;

  static SystemStateRecord state(int writer, int i) {
    return TestStates.sample(1000L * (writer + 1) + i, 16, 8);
  }

  /** Every state the writers of one run save, by QILM (which identifies it). */
  static Set<QilmStateRecord> written(int writers, int savesPerWriter, int childSaves) {
    Set<QilmStateRecord> out = new HashSet<>();
    out.add(state(0, -1).qilm());
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < savesPerWriter; i++) {
        out.add(state(w, i).qilm());
      }
    }
    for (int i = 0; i < childSaves; i++) {
      out.add(state(CHILD, i).qilm());
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void writersAndReadersInTwoProcesses_everyLoadIsACompleteSavedState(String ext) throws Exception {
    Path p = dir.resolve("state." + ext);
    int childSaves = SAVES * WRITERS;
    Set<QilmStateRecord> known = written(WRITERS, SAVES, childSaves);
    SystemStates.save(state(0, -1), p);
    Path stderr = dir.resolve("child.err");
    Process child =
        ChildJvm.start(
            ConcurrentWriterChild.class,
            stderr,
            p.toString(),
            Integer.toString(childSaves),
            Integer.toString(WRITERS),
            Integer.toString(SAVES));
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger loads = new AtomicInteger();
    List<Future<?>> writers = new ArrayList<>();
    List<Future<?>> readers = new ArrayList<>();
    try {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < SAVES; i++) {
                    SystemStates.save(state(writer, i), p);
                  }
                  return null;
                }));
      }
      for (int r = 0; r < READERS; r++) {
        readers.add(
            pool.submit(
                () -> {
                  start.await();
                  while (writing.get()) {
                    SystemStateRecord s = SystemStates.load(p);
                    assertThat(known).contains(s.qilm());
                    loads.incrementAndGet();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : writers) {
        f.get(10, TimeUnit.MINUTES);
      }
      assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
      writing.set(false);
      for (Future<?> f : readers) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("child: %s", Files.readString(stderr)).isZero();
    assertThat(known).contains(SystemStates.load(p).qilm());
    assertThat(StoreFiles.temps(dir)).isEmpty();
    assertThat(loads.get()).isPositive();
    System.out.printf(
        "CrossProcessConcurrencyTest %s: %d saves in this JVM, %d in the child, %d loads here"
            + " and %d in the child%n",
        ext, WRITERS * SAVES, childSaves, loads.get(), childSaves);
  }
}
