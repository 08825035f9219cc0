package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Process crashes: a child JVM ({@link CrashKillChild}) saves a growing sequence of states and logs
 * each acknowledged one; the test kills it with SIGKILL at a seeded random instant, then checks
 * that {@code recover} returns exactly the last acknowledged state or the one in flight, and that a
 * plain {@code load} returns the same afterwards. The next child continues the sequence on the same
 * files. {@code mlsdm.crash.kills} sets the kills per format (the {@code reliability} profile:
 * 1,000).
 */
class CrashKillTest {
  private static final int KILLS = Integer.getInteger("mlsdm.crash.kills", 50);
  private static final long SEED = Long.getLong("mlsdm.crash.seed", 20261126L);

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    // Small states: many saves per second, so kills land in every step. Multi-MB states: kills
    // land inside long streams of writes.
    return StoreFiles.formats()
        .flatMap(
            ext ->
                Stream.of(
                    Arguments.of(ext, "small", 4, 3, KILLS - KILLS / 4, 400),
                    Arguments.of(ext, "multi-MB", 4096, 48, KILLS / 4, 2500)));
  }

  @ParameterizedTest(name = "{0} {1}: {4} kills")
  @MethodSource("cases")
  void recover_afterSigkillAtRandomInstant_returnsLastAcknowledgedOrInFlightState(
      String ext, String size, int dimension, int rows, int kills, int maxDelayMillis)
      throws Exception {
    Path p = dir.resolve("state." + ext);
    Path ackLog = dir.resolve("acks.log");
    Path stderr = dir.resolve("child.err");
    Random random = new Random(SEED ^ ext.hashCode() ^ size.hashCode());
    long lastAck = 0;
    int inFlightResults = 0;
    int midSaveKills = 0;
    for (int k = 0; k < kills; k++) {
      Files.deleteIfExists(ackLog);
      Files.createFile(ackLog);
      Process child =
          ChildJvm.start(
              CrashKillChild.class,
              stderr,
              p.toString(),
              ackLog.toString(),
              Long.toString(lastAck + 1),
              Integer.toString(dimension),
              Integer.toString(rows));
      // Mostly after the first acknowledged save of this child, sometimes during JVM start or
      // the very first save.
      if (random.nextInt(10) > 0) {
        while (child.isAlive() && acks(ackLog).isEmpty()) {
          Thread.sleep(5);
        }
      }
      Thread.sleep(random.nextInt(maxDelayMillis));
      assertThat(child.isAlive()).as("child alive before the kill; see %s", stderr).isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);

      if (!StoreFiles.temps(dir).isEmpty()) {
        midSaveKills++;
      }
      List<Long> acks = acks(ackLog);
      long acked = acks.isEmpty() ? lastAck : acks.get(acks.size() - 1);
      long inFlight = acked + 1;
      if (acked == 0) {
        Throwable t = catchThrowable(() -> SystemStates.recover(p));
        if (t != null) {
          assertThat(t).isInstanceOf(StateRecoveryException.class);
          continue;
        }
      }
      SystemStateRecord got = SystemStates.recover(p);
      long index = indexOf(got, dimension, rows, acked, inFlight);
      assertThat(index).as("kill %d: recovered state after ack %d", k, acked).isIn(acked, inFlight);
      assertThat(SystemStates.load(p)).isEqualTo(got);
      if (index == inFlight) {
        inFlightResults++;
      }
      lastAck = index;
    }
    System.out.printf(
        "CrashKillTest %s %s (%d-byte file): %d kills, %d states saved, %d kills left an"
            + " interrupted save's temporary files, %d recoveries returned the in-flight state%n",
        ext, size, Files.size(p), kills, lastAck, midSaveKills, inFlightResults);
    assertThat(lastAck).isGreaterThan(kills / 2);
  }

  private static long indexOf(
      SystemStateRecord r, int dimension, int rows, long acked, long inFlight) {
    for (long i : new long[] {acked, inFlight}) {
      SystemStateRecord expected = TestStates.sample(i, dimension, rows);
      if (r.id().equals(expected.id())
          && r.memoryState().equals(expected.memoryState())
          && r.qilm().equals(expected.qilm())) {
        return i;
      }
    }
    return -1;
  }

  private static List<Long> acks(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.US_ASCII);
    List<Long> out = new ArrayList<>();
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return out;
    }
    for (String line : text.substring(0, end).split("\n")) {
      out.add(Long.parseLong(line.substring("ack ".length())));
    }
    return out;
  }
}
