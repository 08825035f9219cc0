package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.FileOps;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Fails each step of a save through the {@link FileOps} seam, once (a transient fault, which the
 * retry absorbs) and for good (a persistent one, which must leave the previous main file, checksum
 * and backup byte for byte), for each {@link Size} of state: a small one, and a large one whose
 * file takes many 64 KiB writes ({@code mlsdm.faults.largeKb}: 1,024 KB by default, 4,096 in the
 * {@code reliability} profile) with the failure reading as a full disk.
 */
class FaultInjectionTest {
  private static final SaveOptions FAST = SaveOptions.defaults().withRetryBackoff(Duration.ZERO);
  private static final String ENOSPC = "No space left on device";

  /** The states a suite saves, and what the injected failure says. */
  enum Size {
    SMALL("injected") {
      @Override
      SystemStateRecord state(long seed) {
        return TestStates.sample(seed);
      }
    },
    LARGE(ENOSPC) {
      /** About {@code mlsdm.faults.largeKb} KB of JSON: 27 vectors of doubles of ~21 bytes. */
      @Override
      SystemStateRecord state(long seed) {
        int dimension = Integer.getInteger("mlsdm.faults.largeKb", 1024) * 1000 / (21 * 27);
        return TestStates.sample(seed, dimension, 24);
      }
    };

    /** The text of the injected failure; the default one for the small size. */
    final String message;

    Size(String message) {
      this.message = message;
    }

    abstract SystemStateRecord state(long seed);

    FaultyFileOps ops() {
      FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE);
      return this == SMALL ? ops : ops.withMessage(message);
    }
  }

  @TempDir Path dir;

  private record Snapshot(byte[] main, byte[] sum, byte[] backup) {
    static Snapshot of(Path p) {
      return new Snapshot(
          StoreFiles.bytes(p),
          StoreFiles.bytes(SystemStates.checksumPath(p)),
          StoreFiles.bytes(SystemStates.backupPath(p)));
    }
  }

  /** A state file that has been saved twice (so it has a backup), and the third state to save. */
  private Path prepared(Size size, String ext) {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(size.state(1), p);
    SystemStates.save(size.state(2), p);
    return p;
  }

  /** How many file-system operations one overwriting save performs. */
  private static int operationsPerSave(Path dir, Size size, String ext) {
    Path p = dir.resolve("count-" + size + "." + ext);
    SystemStates.save(size.state(1), p);
    SystemStates.save(size.state(2), p);
    FaultyFileOps counting = new FaultyFileOps(RealFileOps.INSTANCE);
    new StateStore(counting, Clock.systemUTC()).save(size.state(3), p, FAST);
    SystemStates.delete(p, true);
    if (size == Size.LARGE) {
      long writes = counting.calls().stream().filter(c -> c.op() == FaultyFileOps.Op.WRITE).count();
      assertThat(writes).as("writes per large save").isGreaterThan(4);
    }
    return counting.calls().size();
  }

  static Stream<Arguments> everyStep() {
    Path scratch = StoreFiles.tempDirectory("faults");
    List<Arguments> out = new ArrayList<>();
    try {
      for (Size size : Size.values()) {
        StoreFiles.formats()
            .forEach(
                ext ->
                    IntStream.rangeClosed(1, operationsPerSave(scratch, size, ext))
                        .forEach(k -> out.add(Arguments.of(size, ext, k))));
      }
    } finally {
      StoreFiles.deleteRecursively(scratch);
    }
    return out.stream();
  }

  private static List<Path> created(FaultyFileOps ops) {
    return ops.calls().stream()
        .filter(c -> c.op() == FaultyFileOps.Op.CREATE)
        .map(FaultyFileOps.Call::path)
        .toList();
  }

  @ParameterizedTest(name = "{0} {1}: operation {2} fails once")
  @MethodSource("everyStep")
  void save_transientFaultAtAnyStep_retriesWithFreshTempsAndCommits(Size size, String ext, int k) {
    Path p = prepared(size, ext);
    Snapshot before = Snapshot.of(p);
    FaultyFileOps ops = size.ops().failOnce(k);
    SystemStateRecord written = new StateStore(ops, Clock.systemUTC()).save(size.state(3), p, FAST);

    assertThat(ops.failedCall()).isNotNull();
    assertThat(SystemStates.load(p)).isEqualTo(written);
    assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(before.main());
    assertThat(created(ops)).doesNotHaveDuplicates();
    if (ops.failedCall().op() != FaultyFileOps.Op.DELETE) {
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
    SystemStates.save(size.state(4), p);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}: operation {2} fails for good")
  @MethodSource("everyStep")
  void save_persistentFaultAtAnyStep_leavesPreviousStateByteForByte(Size size, String ext, int k) {
    Path p = prepared(size, ext);
    SystemStateRecord previous = SystemStates.load(p);
    Snapshot before = Snapshot.of(p);
    FaultyFileOps ops = size.ops().failFrom(k);
    Throwable thrown =
        catchThrowable(() -> new StateStore(ops, Clock.systemUTC()).save(size.state(3), p, FAST));

    FaultyFileOps.Call failed = ops.failedCall();
    assertThat(failed).isNotNull();
    if (thrown == null) {
      // Only the clean-up after the commit can fail without failing the save.
      assertThat(failed.op()).isEqualTo(FaultyFileOps.Op.DELETE);
      SystemStateRecord loaded = SystemStates.load(p);
      assertThat(loaded.memoryState()).isEqualTo(size.state(3).memoryState());
      assertThat(loaded.qilm()).isEqualTo(size.state(3).qilm());
      return;
    }
    assertThat(thrown).isInstanceOf(StateSaveException.class).hasMessageContaining(size.message);
    Snapshot after = Snapshot.of(p);
    assertThat(after.main()).isEqualTo(before.main());
    assertThat(after.sum()).isEqualTo(before.sum());
    assertThat(after.backup()).isEqualTo(before.backup());
    assertThat(SystemStates.load(p)).isEqualTo(previous);
    assertThat(created(ops)).doesNotHaveDuplicates();
    if (failed.op() != FaultyFileOps.Op.DELETE) {
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
  }

  @Test
  void save_diskFull_failsAfterThreeAttempts_withFreshTempsEachTime() {
    Path p = prepared(Size.SMALL, "json");
    Snapshot before = Snapshot.of(p);
    FaultyFileOps ops =
        new FaultyFileOps(RealFileOps.INSTANCE).withMessage("No space left on device");
    ops.failFrom(1 + countUntil(FaultyFileOps.Op.WRITE));
    Throwable thrown =
        catchThrowable(
            () -> new StateStore(ops, Clock.systemUTC()).save(TestStates.sample(3), p, FAST));
    assertThat(thrown)
        .isInstanceOf(StateSaveException.class)
        .hasMessageContaining("after 3 attempt(s)")
        .hasMessageContaining("No space left on device");
    assertThat(thrown.getSuppressed()).hasSize(2);
    List<Path> created =
        ops.calls().stream()
            .filter(c -> c.op() == FaultyFileOps.Op.CREATE)
            .map(FaultyFileOps.Call::path)
            .toList();
    assertThat(created).hasSize(3).doesNotHaveDuplicates();
    assertThat(Snapshot.of(p)).usingRecursiveComparison().isEqualTo(before);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @Test
  void save_failedFsync_isNeverRetriedOnTheSameFile() {
    Path p = prepared(Size.SMALL, "json");
    FaultyFileOps ops =
        new FaultyFileOps(RealFileOps.INSTANCE).failOnce(1 + countUntil(FaultyFileOps.Op.FORCE));
    new StateStore(ops, Clock.systemUTC()).save(TestStates.sample(3), p, FAST);
    List<FaultyFileOps.Call> calls = ops.calls();
    int failedAt = calls.indexOf(ops.failedCall());
    // After the failed fsync, the next operations close and delete that file, then a new one is
    // created.
    assertThat(calls.subList(failedAt + 1, calls.size()))
        .extracting(FaultyFileOps.Call::op)
        .startsWith(FaultyFileOps.Op.CLOSE)
        .contains(FaultyFileOps.Op.CREATE);
    assertThat(SystemStates.load(p).memoryState()).isEqualTo(TestStates.sample(3).memoryState());
  }

  /** Counts the operations a clean save performs before the first one of {@code op}. */
  private int countUntil(FaultyFileOps.Op op) {
    Path q = dir.resolve("probe.json");
    SystemStates.save(TestStates.sample(1), q);
    SystemStates.save(TestStates.sample(2), q);
    FaultyFileOps counting = new FaultyFileOps(RealFileOps.INSTANCE);
    new StateStore(counting, Clock.systemUTC()).save(TestStates.sample(3), q, FAST);
    SystemStates.delete(q, true);
    List<FaultyFileOps.Call> calls = counting.calls();
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).op() == op) {
        return i;
      }
    }
    throw new AssertionError("no " + op);
  }
}
