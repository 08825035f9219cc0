package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.DurableFile;
import org.mlsdm.state.internal.io.PathLocks;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * {@link FaultInjectionTest} for states whose file takes many 64 KiB writes ({@code
 * mlsdm.faults.largeKb}: 1,024 KB by default, 4,096 in the {@code reliability} profile): every
 * operation of an overwriting save fails once (the retry commits with fresh temporary files) and
 * for good (the save fails and the previous main, checksum and backup stay byte for byte), the
 * failure reading as a full disk ({@code No space left on device}).
 */
class LargeStateFaultInjectionTest {
  private static final SaveOptions FAST = SaveOptions.defaults().withRetryBackoff(Duration.ZERO);
  private static final int KILOBYTES = Integer.getInteger("mlsdm.faults.largeKb", 1024);
  private static final String ENOSPC = "No space left on device";

  @TempDir Path dir;

  /** About {@link #KILOBYTES} KB of JSON: 27 vectors of doubles at about 21 bytes each. */
  private static SystemStateRecord large(long seed) {
    int dimension = KILOBYTES * 1000 / (21 * 27);
    return TestStates.sample(seed, dimension, 24);
  }

  private static int operationsPerSave(String ext) throws IOException {
    Path scratch = Files.createTempDirectory("large-faults");
    Path p = scratch.resolve("count." + ext);
    SystemStates.save(large(1), p);
    SystemStates.save(large(2), p);
    FaultyFileOps counting = new FaultyFileOps(RealFileOps.INSTANCE);
    new StateStore(counting, Clock.systemUTC()).save(large(3), p, FAST);
    SystemStates.delete(p, true);
    Files.delete(PathLocks.lockFile(p));
    Files.delete(scratch);
    long writes = counting.calls().stream().filter(c -> c.op() == FaultyFileOps.Op.WRITE).count();
    assertThat(writes).as("writes per save").isGreaterThan(4);
    return counting.calls().size();
  }

  static Stream<Arguments> everyStep() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String ext : StoreFiles.formats().toList()) {
      IntStream.rangeClosed(1, operationsPerSave(ext)).forEach(k -> out.add(Arguments.of(ext, k)));
    }
    return out.stream();
  }

  /** The SHA-256 of the main file, checksum and backup ("absent" for a missing one). */
  private record Snapshot(String main, String sum, String backup) {
    static Snapshot of(Path p) {
      return new Snapshot(
          digest(p), digest(SystemStates.checksumPath(p)), digest(SystemStates.backupPath(p)));
    }

    private static String digest(Path p) {
      try {
        return Files.exists(p) ? DurableFile.sha256(p) : "absent";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Path prepared(String ext) {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(large(1), p);
    SystemStates.save(large(2), p);
    return p;
  }

  private static List<Path> created(FaultyFileOps ops) {
    return ops.calls().stream()
        .filter(c -> c.op() == FaultyFileOps.Op.CREATE)
        .map(FaultyFileOps.Call::path)
        .toList();
  }

  @ParameterizedTest(name = "{0}: operation {1} fails once")
  @MethodSource("everyStep")
  void save_transientFaultAtAnyStepOfALargeSave_retriesWithFreshTempsAndCommits(String ext, int k) {
    Path p = prepared(ext);
    byte[] previousMain = StoreFiles.bytes(p);
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE).withMessage(ENOSPC).failOnce(k);
    SystemStateRecord written = new StateStore(ops, Clock.systemUTC()).save(large(3), p, FAST);

    assertThat(ops.failedCall()).isNotNull();
    assertThat(SystemStates.load(p)).isEqualTo(written);
    assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(previousMain);
    assertThat(created(ops)).doesNotHaveDuplicates();
    if (ops.failedCall().op() != FaultyFileOps.Op.DELETE) {
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}: operation {1} fails for good")
  @MethodSource("everyStep")
  void save_persistentFaultAtAnyStepOfALargeSave_leavesPreviousStateByteForByte(String ext, int k) {
    Path p = prepared(ext);
    SystemStateRecord previous = SystemStates.load(p);
    Snapshot before = Snapshot.of(p);
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE).withMessage(ENOSPC).failFrom(k);
    Throwable thrown =
        catchThrowable(() -> new StateStore(ops, Clock.systemUTC()).save(large(3), p, FAST));

    FaultyFileOps.Call failed = ops.failedCall();
    assertThat(failed).isNotNull();
    if (thrown == null) {
      assertThat(failed.op()).isEqualTo(FaultyFileOps.Op.DELETE);
      assertThat(SystemStates.load(p).qilm()).isEqualTo(large(3).qilm());
      return;
    }
    assertThat(thrown).isInstanceOf(StateSaveException.class).hasMessageContaining(ENOSPC);
    assertThat(Snapshot.of(p)).isEqualTo(before);
    assertThat(SystemStates.load(p)).isEqualTo(previous);
    assertThat(created(ops)).doesNotHaveDuplicates();
    if (failed.op() != FaultyFileOps.Op.DELETE) {
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
  }
}
