package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.TestStates;

/**
 * Power loss at every operation of a checkpoint session, under the page-cache model of {@link
 * PowerLossFileOps}: a whole-file save of the start state, then checkpoints with a compaction
 * threshold of 0.1 (a compaction every few checkpoints). For every crash point after the start
 * state is durable, every disk the model allows (bounded) is loaded (after {@code recover} when a
 * compaction's renames were cut between the checksum and the main file) and must hold the last
 * acknowledged checkpoint or the one in flight, with every row of every step.
 */
class JournalPowerLossTest {
  private static final int CHECKPOINTS = Integer.getInteger("mlsdm.powerloss.saves", 3) * 2;
  private static final int SUBSETS = Integer.getInteger("mlsdm.powerloss.subsets", 64) / 4;
  private static final int DIM = 4;

  @TempDir Path tmp;

  private int disks;

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void load_afterPowerLossAtAnyOperation_holdsEveryAcknowledgedCheckpoint(String ext)
      throws IOException {
    Path work = Files.createDirectory(tmp.resolve("work"));
    String name = "state." + ext;
    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, work);
    StateStore store = new StateStore(ops, Clock.systemUTC());
    SystemStateRecord start = TestStates.sample(1);
    JournalWriter.Opened o =
        JournalWriter.open(store, work.resolve(name), start, 0.1, SaveOptions.defaults());
    int startDurable = ops.operations();
    long baseRows = start.qilm().size();
    List<Integer> ends = new ArrayList<>();
    long compactions;
    try (JournalWriter w = o.writer()) {
      for (int i = 1; i <= CHECKPOINTS; i++) {
        StateDelta d = JournalTesting.delta(w.rows(), i, DIM, 2);
        w.checkpoint(rows -> JournalFaultInjectionTest.frameOf(d));
        ends.add(ops.operations());
      }
      compactions = w.counters()[4];
    }
    assertThat(compactions).isPositive();
    assertEveryCrashLoads(
        ops, startDurable, 0, ends, work.resolve(name), baseRows, ext, compactions);
  }

  /**
   * A torn tail left by an earlier crash is cut when a writer opens the journal (a truncate, then
   * an fsync) and checkpoints follow: a power loss at any operation, the cut not yet durable
   * included, loses no acknowledged checkpoint.
   */
  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void load_afterPowerLossWhileCuttingATornTail_holdsEveryAcknowledgedCheckpoint(String ext)
      throws IOException {
    Path work = Files.createDirectory(tmp.resolve("work"));
    String name = "state." + ext;
    Path p = work.resolve(name);
    SystemStateRecord start = TestStates.sample(1);
    long baseRows = start.qilm().size();
    StateStore plain = new StateStore(RealFileOps.INSTANCE, Clock.systemUTC());
    int before = 2;
    try (JournalWriter w =
        JournalWriter.open(plain, p, start, 100, SaveOptions.defaults()).writer()) {
      for (int i = 1; i <= before; i++) {
        StateDelta d = JournalTesting.delta(w.rows(), i, DIM, 2);
        w.checkpoint(rows -> JournalFaultInjectionTest.frameOf(d));
      }
    }
    Path journal = JournalFormat.journalPath(p);
    byte[] whole = Files.readAllBytes(journal);
    // A crash mid-append of a third frame: half of a copy of the last frame's bytes.
    Files.write(
        journal,
        java.util.Arrays.copyOfRange(whole, whole.length - 60, whole.length - 30),
        java.nio.file.StandardOpenOption.APPEND);

    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, work);
    StateStore store = new StateStore(ops, Clock.systemUTC());
    List<Integer> ends = new ArrayList<>();
    long compactions;
    try (JournalWriter w =
        JournalWriter.open(store, p, null, 100, SaveOptions.defaults()).writer()) {
      assertThat(Files.size(journal)).isEqualTo(whole.length);
      for (int i = before + 1; i <= before + CHECKPOINTS; i++) {
        StateDelta d = JournalTesting.delta(w.rows(), i, DIM, 2);
        w.checkpoint(rows -> JournalFaultInjectionTest.frameOf(d));
        ends.add(ops.operations());
      }
      compactions = w.counters()[4];
    }
    assertThat(ops.snapshots()).anyMatch(s -> s.kind().equals("truncate"));
    assertEveryCrashLoads(ops, 0, before, ends, p, baseRows, ext + " torn tail", compactions);
  }

  /**
   * Loads every disk a crash after each operation from {@code startDurable} on could leave; each
   * must hold the last acknowledged checkpoint ({@code ackedBefore} plus those of {@code ends} done
   * by then) or the one in flight.
   */
  private void assertEveryCrashLoads(
      PowerLossFileOps ops,
      int startDurable,
      int ackedBefore,
      List<Integer> ends,
      Path target,
      long baseRows,
      String label,
      long compactions) {
    String name = target.getFileName().toString();
    List<String> failures = new ArrayList<>();
    int images = 0;
    int recovered = 0;
    for (PowerLossFileOps.Snapshot s : ops.snapshots()) {
      if (s.op() < startDurable) {
        continue;
      }
      int acked = 0;
      while (acked < ends.size() && ends.get(acked) <= s.op()) {
        acked++;
      }
      int ack = ackedBefore + acked;
      int[] rec = new int[1];
      images +=
          s.crashImages(
              SUBSETS,
              s.op(),
              image -> {
                String problem = check(materialize(image).resolve(name), baseRows, ack, rec);
                if (problem != null && failures.size() < 10) {
                  failures.add("after operation " + s.op() + " (" + s.kind() + "): " + problem);
                }
              });
      recovered += rec[0];
    }
    System.out.printf(
        "JournalPowerLossTest %s: %d checkpoints, %d compactions, %d crash points, %d crash"
            + " states loaded (%d after recover)%n",
        label, ends.size(), compactions, ops.snapshots().size() - startDurable, images, recovered);
    assertThat(failures).isEmpty();
  }

  private static String check(Path p, long baseRows, int acked, int[] recovered) {
    SystemStateRecord got;
    try {
      got = SystemStates.load(p);
    } catch (StateLoadException e) {
      try {
        got = SystemStates.recover(p);
        recovered[0]++;
      } catch (RuntimeException r) {
        return "load threw " + e + " and recover " + r;
      }
    }
    String id = got.id();
    long step = id.startsWith("agent-step-") ? Long.parseLong(id.substring(11)) : 0;
    if (step != acked && step != acked + 1) {
      return "loaded step " + step + ", acknowledged " + acked;
    }
    if (got.qilm().size() != baseRows + 2 * step) {
      return "loaded " + got.qilm().size() + " rows at step " + step;
    }
    long from = baseRows;
    for (int i = 1; i <= step; i++) {
      StateDelta d = JournalTesting.delta(from, i, DIM, 2);
      if (!java.util.Arrays.equals(got.qilm().row((int) from), d.rows()[0])
          || !java.util.Arrays.equals(got.qilm().row((int) from + 1), d.rows()[1])) {
        return "rows of step " + i + " differ";
      }
      from += 2;
    }
    return null;
  }

  private Path materialize(Map<String, byte[]> image) {
    try {
      Path d = Files.createDirectory(tmp.resolve("disk-" + disks++));
      for (Map.Entry<String, byte[]> e : image.entrySet()) {
        Files.write(d.resolve(e.getKey()), e.getValue());
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
