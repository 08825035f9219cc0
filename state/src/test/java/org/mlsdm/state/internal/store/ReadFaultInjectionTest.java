package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * I/O errors injected into the reads of load, inspect (verify) and recover — opening the main file,
 * the checksum and the backup, and listing the directory — once and for good, at every read each
 * operation performs. A failed read is reported as unreadable and never changes a file: in
 * particular recover never restores the backup over a main file it merely could not read.
 */
class ReadFaultInjectionTest {
  @TempDir Path dir;

  /** The read-only or repairing operations whose reads are broken. */
  enum Operation {
    LOAD,
    INSPECT,
    RECOVER;

    void run(StateStore store, Path p) {
      switch (this) {
        case LOAD -> store.load(p, LoadOptions.defaults());
        case INSPECT -> store.inspect(p, LoadOptions.defaults());
        case RECOVER -> store.recover(p);
      }
    }
  }

  private Path prepared(String ext) {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    return p;
  }

  private static int readsOf(Operation op, String ext) {
    Path scratch = StoreFiles.tempDirectory("read-faults");
    try {
      Path p = scratch.resolve("state." + ext);
      SystemStates.save(TestStates.sample(1), p);
      SystemStates.save(TestStates.sample(2), p);
      FaultyFileOps counting = new FaultyFileOps(RealFileOps.INSTANCE);
      op.run(new StateStore(counting, Clock.systemUTC()), p);
      return counting.reads();
    } finally {
      StoreFiles.deleteRecursively(scratch);
    }
  }

  static Stream<Arguments> everyRead() {
    List<Arguments> out = new ArrayList<>();
    StoreFiles.formats()
        .forEach(
            ext -> {
              for (Operation op : Operation.values()) {
                IntStream.rangeClosed(1, readsOf(op, ext))
                    .forEach(k -> out.add(Arguments.of(ext, op, k)));
              }
            });
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}: read {2} fails for good")
  @MethodSource("everyRead")
  void persistentReadFault_reportsUnreadableAndChangesNothing(String ext, Operation op, int k) {
    Path p = prepared(ext);
    SystemStateRecord saved = SystemStates.load(p);
    List<String> names = StoreFiles.names(dir);
    byte[] main = StoreFiles.bytes(p);
    byte[] backup = StoreFiles.bytes(SystemStates.backupPath(p));
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE).failReadFrom(k);

    Throwable thrown = catchThrowable(() -> op.run(new StateStore(ops, Clock.systemUTC()), p));

    if (thrown != null) {
      if (op == Operation.RECOVER) {
        assertThat(thrown).isInstanceOf(StateRecoveryException.class);
      } else {
        assertThat(thrown)
            .isInstanceOfSatisfying(
                StateLoadException.class,
                e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.UNREADABLE));
      }
    }
    assertThat(StoreFiles.names(dir)).isEqualTo(names);
    assertThat(StoreFiles.bytes(p)).isEqualTo(main);
    assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(backup);
    assertThat(SystemStates.load(p)).isEqualTo(saved);
  }

  @ParameterizedTest(name = "{0} {1}: read {2} fails once")
  @MethodSource("everyRead")
  void transientReadFault_theNextAttemptSucceeds(String ext, Operation op, int k) {
    Path p = prepared(ext);
    SystemStateRecord saved = SystemStates.load(p);
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE).failReadOnce(k);
    StateStore store = new StateStore(ops, Clock.systemUTC());

    Throwable first = catchThrowable(() -> op.run(store, p));
    if (first != null) {
      assertThat(first).isInstanceOfAny(StateLoadException.class, StateRecoveryException.class);
    }
    op.run(store, p);

    assertThat(SystemStates.load(p)).isEqualTo(saved);
    assertThat(SystemStates.recoverReport(p).replacedKeptAt()).isEmpty();
  }
}
