package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.ChecksumCheck;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Fails each file-system step of {@code accept} through the {@code FileOps} seam: once, which the
 * retry absorbs, and for good, which must leave the main file as it was and the checksum file
 * either as it was or (only when the directory's fsync after the rename fails) recording the
 * accepted digest, never anything else and never a torn file.
 */
class AcceptFaultTest {
  @TempDir Path dir;

  /** A stale state: valid contents written over the main file behind its checksum. */
  private Path stale() throws IOException {
    Path p = dir.resolve("state.json");
    SystemStates.save(TestStates.sample(1), p);
    Path other = Files.createDirectory(dir.resolve("other")).resolve("state.json");
    SystemStates.save(TestStates.sample(2), other);
    Files.copy(other, p, StandardCopyOption.REPLACE_EXISTING);
    return p;
  }

  /** Every file-system operation of one accept that writes, counted on a scratch copy. */
  static Stream<Integer> everyStep() throws IOException {
    Path scratch = StoreFiles.tempDirectory("accept-faults");
    try {
      AcceptFaultTest t = new AcceptFaultTest();
      t.dir = scratch;
      FaultyFileOps counting = new FaultyFileOps(RealFileOps.INSTANCE);
      new StateStore(counting, Clock.systemUTC()).accept(t.stale());
      return IntStream.rangeClosed(1, counting.calls().size()).boxed();
    } finally {
      StoreFiles.deleteRecursively(scratch);
    }
  }

  @ParameterizedTest(name = "operation {0} fails once")
  @MethodSource("everyStep")
  void accept_transientFault_retriesAndAccepts(int k) throws IOException {
    Path p = stale();
    SystemStateRecord asItIs =
        SystemStates.load(p, LoadOptions.defaults().withVerifyChecksum(false));
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE).failOnce(k);

    SystemStateRecord accepted = new StateStore(ops, Clock.systemUTC()).accept(p);

    assertThat(accepted).isEqualTo(asItIs);
    assertThat(SystemStates.load(p)).isEqualTo(asItIs);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest(name = "operation {0} fails for good")
  @MethodSource("everyStep")
  void accept_persistentFault_leavesTheMainAndAWholeChecksum(int k) throws IOException {
    Path p = stale();
    byte[] main = StoreFiles.bytes(p);
    byte[] sum = StoreFiles.bytes(SystemStates.checksumPath(p));
    String actual = SystemStates.inspect(p).checksum().actual().orElseThrow();
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE).failFrom(k);

    Throwable thrown = catchThrowable(() -> new StateStore(ops, Clock.systemUTC()).accept(p));

    assertThat(StoreFiles.bytes(p)).isEqualTo(main);
    FaultyFileOps.Call failed = ops.failedCall();
    if (thrown == null) {
      // Only deleting the temp after the rename (it is gone already) may fail harmlessly.
      assertThat(failed == null || failed.op() == FaultyFileOps.Op.DELETE).isTrue();
      assertThat(SystemStates.inspect(p).checksum().status()).isEqualTo(ChecksumCheck.Status.OK);
      return;
    }
    assertThat(thrown).isInstanceOf(StateSaveException.class).hasMessageContaining("injected");
    byte[] after = StoreFiles.bytes(SystemStates.checksumPath(p));
    if (failed.op() == FaultyFileOps.Op.FORCE_DIR) {
      assertThat(new String(after, StandardCharsets.US_ASCII)).isEqualTo(actual);
    } else {
      assertThat(after).isEqualTo(sum);
      assertThat(SystemStates.inspect(p).checksum().status()).isEqualTo(ChecksumCheck.Status.STALE);
    }
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }
}
