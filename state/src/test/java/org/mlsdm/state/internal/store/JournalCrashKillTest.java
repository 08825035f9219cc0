package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Process crashes during checkpoints and compactions: a child JVM ({@link JournalCrashChild})
 * checkpoints step after step with a compaction threshold of 0.05 (a compaction every few
 * checkpoints) and logs each acknowledged step; the test kills it with SIGKILL at a seeded random
 * instant and checks that a load (after {@code recover} when the kill fell between the checksum and
 * the main rename of a compaction) holds the last acknowledged step or the one in flight, with
 * every row of every step. {@code mlsdm.crash.kills} sets the kills per format.
 */
class JournalCrashKillTest {
  private static final int KILLS = Integer.getInteger("mlsdm.crash.kills", 50) / 2;
  private static final long SEED = Long.getLong("mlsdm.crash.seed", 20261130L);
  private static final int DIM = 64;

  @TempDir Path dir;

  static java.util.stream.Stream<String> formats() {
    return StoreFiles.formats();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void load_afterSigkillDuringCheckpointsAndCompactions_holdsEveryAcknowledgedStep(String ext)
      throws Exception {
    Path p = dir.resolve("state." + ext);
    Path ackLog = dir.resolve("acks.log");
    Path stderr = dir.resolve("child.err");
    SystemStates.save(TestStates.sample(1, DIM, 3), p);
    SystemStateRecord base = SystemStates.load(p);
    Random random = new Random(SEED ^ ext.hashCode());
    long lastStep = 0;
    int recovered = 0;
    int inFlight = 0;
    int midCompaction = 0;
    for (int k = 0; k < KILLS; k++) {
      Files.deleteIfExists(ackLog);
      Files.createFile(ackLog);
      Process child =
          ChildJvm.start(
              JournalCrashChild.class,
              stderr,
              p.toString(),
              ackLog.toString(),
              Integer.toString(DIM),
              "0.05");
      while (child.isAlive() && Files.size(ackLog) == 0) {
        Thread.sleep(5);
      }
      Thread.sleep(random.nextInt(300));
      assertThat(child.isAlive()).as("child alive before the kill; see %s", stderr).isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

      if (!StoreFiles.temps(dir).isEmpty()) {
        midCompaction++;
      }
      long acked = lastAck(ackLog, lastStep);
      SystemStateRecord got;
      try {
        got = SystemStates.load(p);
      } catch (StateLoadException e) {
        got = SystemStates.recover(p);
        recovered++;
        assertThat(SystemStates.load(p)).isEqualTo(got);
      }
      long step = Long.parseLong(got.id().substring("agent-step-".length()));
      assertThat(step).as("kill %d after ack %d", k, acked).isBetween(acked, acked + 1);
      if (step == acked + 1) {
        inFlight++;
      }
      assertThat(got.qilm().size()).isEqualTo(base.qilm().size() + 2 * (int) step);
      // Every step's rows, in order: rebuild them from the deterministic deltas.
      long from = base.qilm().size();
      for (int i = 1; i <= step; i++) {
        var d = JournalTesting.delta(from, i, DIM, 2);
        assertThat(got.qilm().row((int) from)).isEqualTo(d.rows()[0]);
        assertThat(got.qilm().row((int) from + 1)).isEqualTo(d.rows()[1]);
        from += 2;
      }
      lastStep = step;
    }
    System.out.printf(
        "JournalCrashKillTest %s: %d kills, %d steps checkpointed, %d loads needed recover,"
            + " %d kept the in-flight step, %d kills fell inside a compaction%n",
        ext, KILLS, lastStep, recovered, inFlight, midCompaction);
    assertThat(lastStep).isGreaterThan(KILLS);
  }

  private static long lastAck(Path log, long otherwise) throws IOException {
    String text = Files.readString(log, StandardCharsets.US_ASCII);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return otherwise;
    }
    String[] lines = text.substring(0, end).split("\n");
    return Long.parseLong(lines[lines.length - 1].substring("ack ".length()));
  }
}
