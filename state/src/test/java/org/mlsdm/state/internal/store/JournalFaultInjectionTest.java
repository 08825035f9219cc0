package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Fails each file-system step of a checkpoint session once and for good: opening the journal, three
 * checkpoints (the first creates the journal), then a compaction, then a fourth checkpoint on the
 * new base. Every checkpoint that returned must be in what a load returns.
 */
class JournalFaultInjectionTest {
  private static final SaveOptions FAST = SaveOptions.defaults().withRetryBackoff(Duration.ZERO);
  private static final int DIM = 4;

  @TempDir Path dir;

  /** Runs the session; returns the deltas whose checkpoint returned. */
  private static List<StateDelta> session(StateStore store, Path p) {
    List<StateDelta> acked = new ArrayList<>();
    JournalWriter w;
    try {
      w = JournalWriter.open(store, p, null, 100, FAST).writer();
    } catch (RuntimeException e) {
      return acked;
    }
    try {
      for (int i = 1; i <= 4; i++) {
        if (i == 4) {
          try {
            w.compact();
          } catch (RuntimeException e) {
            // A failed compaction leaves base + journal: checked below through the load.
          }
        }
        StateDelta d = JournalTesting.delta(w.rows(), i, DIM, 2);
        try {
          w.checkpoint(rows -> frameOf(d));
          acked.add(d);
        } catch (RuntimeException e) {
          // Not acknowledged; a later delta must extend the durable rows.
          break;
        }
      }
    } finally {
      w.close();
    }
    return acked;
  }

  static JournalFormat.Delta frameOf(StateDelta d) {
    return new JournalFormat.Delta(
        d.updatedAt(),
        d.id(),
        d.stateL1(),
        d.stateL2(),
        d.stateL3(),
        d.fromRow(),
        d.rows(),
        d.phases());
  }

  private static int operations(Path scratch, String ext) {
    Path p = scratch.resolve("count." + ext);
    SystemStates.save(TestStates.sample(1), p);
    FaultyFileOps counting = new FaultyFileOps(RealFileOps.INSTANCE);
    List<StateDelta> acked = session(new StateStore(counting, Clock.systemUTC()), p);
    assertThat(acked).hasSize(4);
    return counting.calls().size();
  }

  static Stream<Arguments> everyStep() throws IOException {
    Path scratch = Files.createTempDirectory("journal-faults");
    List<Arguments> out = new ArrayList<>();
    StoreFiles.formats()
        .forEach(
            ext ->
                IntStream.rangeClosed(1, operations(scratch, ext))
                    .forEach(
                        k -> {
                          out.add(Arguments.of(ext, k, false));
                          out.add(Arguments.of(ext, k, true));
                        }));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: operation {1} fails (persistent: {2})")
  @MethodSource("everyStep")
  void everyAcknowledgedCheckpoint_survivesAFaultAtAnyStep(String ext, int k, boolean persistent) {
    Path p = dir.resolve("state." + ext);
    SystemStateRecord start = TestStates.sample(1);
    SystemStates.save(start, p);
    SystemStateRecord base = SystemStates.load(p);
    FaultyFileOps ops = new FaultyFileOps(RealFileOps.INSTANCE);
    if (persistent) {
      ops.failFrom(k);
    } else {
      ops.failOnce(k);
    }
    List<StateDelta> acked = session(new StateStore(ops, Clock.systemUTC()), p);
    if (!persistent) {
      assertThat(acked).as("a transient fault is retried").hasSize(4);
    }
    SystemStateRecord got = SystemStates.load(p);
    SystemStateRecord expected = JournalTesting.apply(base, acked);
    // Every acknowledged row is there, in order; a frame whose fsync failed may survive beyond.
    assertThat(got.qilm().size()).isGreaterThanOrEqualTo(expected.qilm().size());
    for (int i = 0; i < expected.qilm().size(); i++) {
      assertThat(got.qilm().row(i)).isEqualTo(expected.qilm().row(i));
    }
    if (got.qilm().size() == expected.qilm().size()) {
      assertThat(got.memoryState()).isEqualTo(expected.memoryState());
      assertThat(got.id()).isEqualTo(expected.id());
    }
    // The next writer continues from whatever the load saw.
    JournalWriter.Opened o = JournalWriter.open(p, null, 100, FAST);
    try (JournalWriter w = o.writer()) {
      assertThat(o.state()).isEqualTo(got);
      StateDelta d = JournalTesting.delta(w.rows(), 9, DIM, 1);
      w.checkpoint(rows -> frameOf(d));
    }
    assertThat(SystemStates.load(p).id()).isEqualTo("agent-step-9");
  }
}
