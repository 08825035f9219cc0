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
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Power loss at every operation of a sequence of saves, under the page-cache model of {@link
 * PowerLossFileOps}: for each crash point, every disk the model allows (bounded, see {@code
 * mlsdm.powerloss.subsets}) is written to a fresh directory and recovered with the real file
 * system. Recovery must return the last acknowledged state or the one in flight (only the in-flight
 * one once its save has fsynced the directory after the renames), and a plain load must return the
 * same afterwards, with no temporary file left.
 */
class PowerLossTest {
  /** Saves per sequence; the {@code reliability} profile raises it. */
  private static final int SAVES = Integer.getInteger("mlsdm.powerloss.saves", 4);

  /** Pending-operation subsets tried per crash point, beyond which they are sampled. */
  private static final int SUBSETS = Integer.getInteger("mlsdm.powerloss.subsets", 64);

  /** Repairs interrupted by a second power loss, and the subsets tried per crash point there. */
  private static final int NESTED = Integer.getInteger("mlsdm.powerloss.nested", 40);

  private static final int NESTED_SUBSETS = Integer.getInteger("mlsdm.powerloss.nestedSubsets", 8);

  @TempDir Path tmp;

  static Stream<Arguments> cases() {
    return StoreFiles.formats()
        .flatMap(ext -> Stream.of(Arguments.of(ext, "small"), Arguments.of(ext, "multi-write")));
  }

  private static SystemStateRecord state(int i, String size) {
    // 2048 x 24 doubles are about 1 MB of JSON: many 64 KiB writes per file.
    return size.equals("small") ? TestStates.sample(i) : TestStates.sample(i, 2048, 24);
  }

  /** A sequence of saves through the model: what each returned and where each ended. */
  private record Sequence(
      String name,
      List<SystemStateRecord> saved,
      List<Integer> ends,
      List<PowerLossFileOps.Snapshot> snapshots) {

    /** What a crash after snapshot {@code s} may recover to, and whether only the new state may. */
    Expectation expectation(PowerLossFileOps.Snapshot s) {
      int save = 0;
      while (s.op() > ends.get(save)) {
        save++;
      }
      SystemStateRecord lastAck = save == 0 ? null : saved.get(save - 1);
      SystemStateRecord inFlight = s.op() == 0 ? null : saved.get(save);
      int from = save == 0 ? 0 : ends.get(save - 1);
      return new Expectation(
          lastAck, inFlight, s.op() >= durablePoint(snapshots, from, ends.get(save)));
    }
  }

  private record Expectation(
      SystemStateRecord lastAck, SystemStateRecord inFlight, boolean mustBeNew) {}

  private Sequence saveSequence(String ext, String size, int saves) throws IOException {
    Path work = Files.createDirectory(tmp.resolve("work"));
    String name = "state." + ext;
    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, work);
    StateStore store = new StateStore(ops, Clock.systemUTC());
    List<SystemStateRecord> saved = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (int i = 1; i <= saves; i++) {
      saved.add(store.save(state(i, size), work.resolve(name), SaveOptions.defaults()));
      ends.add(ops.operations());
    }
    return new Sequence(name, saved, ends, ops.snapshots());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void recover_afterPowerLossAtAnyOperation_returnsLastAcknowledgedOrInFlightState(
      String ext, String size) throws IOException {
    int saves = size.equals("small") ? SAVES : Math.max(2, SAVES / 2);
    Sequence seq = saveSequence(ext, size, saves);
    List<String> failures = new ArrayList<>();
    int images = 0;
    for (PowerLossFileOps.Snapshot s : seq.snapshots()) {
      Expectation expected = seq.expectation(s);
      images +=
          s.crashImages(
              SUBSETS,
              s.op(),
              image -> {
                String problem = check(materialize(image), seq.name(), expected);
                if (problem != null && failures.size() < 10) {
                  failures.add(
                      "after operation "
                          + s.op()
                          + " ("
                          + s.kind()
                          + "): "
                          + problem
                          + "; disk "
                          + describe(image));
                }
              });
    }
    System.out.printf(
        "PowerLossTest %s %s: %d saves, %d crash points, %d crash states recovered%n",
        ext, size, saves, seq.snapshots().size(), images);
    assertThat(failures).isEmpty();
    assertThat(images).isGreaterThan(seq.snapshots().size());
  }

  /**
   * A second power loss while {@code recover} repairs the first one's disk: for each crash state
   * that needs a repair (a plain load fails), up to {@code mlsdm.powerloss.nested} of them, the
   * repair runs through the model and every crash point of it is recovered again.
   */
  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_afterPowerLossDuringRecovery_stillReturnsLastAcknowledgedOrInFlightState(String ext)
      throws IOException {
    Sequence seq = saveSequence(ext, "small", SAVES);
    List<String> failures = new ArrayList<>();
    int[] counts = new int[3];
    for (PowerLossFileOps.Snapshot s : seq.snapshots()) {
      Expectation expected = seq.expectation(s);
      s.crashImages(
          NESTED_SUBSETS,
          s.op(),
          image -> {
            if (counts[0] >= NESTED) {
              return;
            }
            Path disk = materialize(image);
            Path p = disk.resolve(seq.name());
            if (loads(p) || (expected.lastAck() == null && !expected.mustBeNew())) {
              return;
            }
            counts[0]++;
            PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, disk);
            try {
              new StateStore(ops, Clock.systemUTC()).recover(p);
            } catch (RuntimeException e) {
              failures.add("first recovery after operation " + s.op() + " threw " + e);
              return;
            }
            for (PowerLossFileOps.Snapshot r : ops.snapshots()) {
              counts[1]++;
              counts[2] +=
                  r.crashImages(
                      NESTED_SUBSETS,
                      r.op(),
                      again -> {
                        String problem = check(materialize(again), seq.name(), expected);
                        if (problem != null && failures.size() < 10) {
                          failures.add(
                              "after operation "
                                  + s.op()
                                  + " and recovery operation "
                                  + r.op()
                                  + " ("
                                  + r.kind()
                                  + "): "
                                  + problem
                                  + "; disk "
                                  + describe(again));
                        }
                      });
            }
          });
    }
    System.out.printf(
        "PowerLossTest %s crash during recovery: %d repairs interrupted at %d crash points,"
            + " %d crash states recovered%n",
        ext, counts[0], counts[1], counts[2]);
    assertThat(failures).isEmpty();
    assertThat(counts[0]).isPositive();
  }

  private static boolean loads(Path p) {
    try {
      SystemStates.load(p);
      return true;
    } catch (StateLoadException e) {
      return false;
    }
  }

  /** The operation after which save {@code (from, to]} is durable: its last directory fsync. */
  private static int durablePoint(List<PowerLossFileOps.Snapshot> snapshots, int from, int to) {
    int at = to;
    for (int i = from + 1; i <= to; i++) {
      if (snapshots.get(i).kind().equals("forceDirectory")) {
        at = i;
      }
    }
    return at;
  }

  private static String check(Path disk, String name, Expectation expected) {
    SystemStateRecord lastAck = expected.lastAck();
    SystemStateRecord inFlight = expected.inFlight();
    boolean mustBeNew = expected.mustBeNew();
    Path p = disk.resolve(name);
    SystemStateRecord got;
    try {
      got = SystemStates.recover(p);
    } catch (StateRecoveryException e) {
      return lastAck == null && !mustBeNew ? null : "recover failed: " + e;
    } catch (RuntimeException e) {
      return "recover threw " + e;
    }
    if (mustBeNew ? !got.equals(inFlight) : !got.equals(lastAck) && !got.equals(inFlight)) {
      return "recover returned "
          + got.id()
          + " updated "
          + got.updatedAt()
          + ", expected "
          + (mustBeNew ? "" : describe(lastAck) + " or ")
          + describe(inFlight);
    }
    try {
      SystemStateRecord loaded = SystemStates.load(p);
      if (!loaded.equals(got)) {
        return "load after recover returned another state";
      }
    } catch (RuntimeException e) {
      return "load after recover threw " + e;
    }
    if (!StoreFiles.temps(disk).isEmpty()) {
      return "recover left temporary files " + StoreFiles.temps(disk);
    }
    return null;
  }

  private int disks;

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

  private static String describe(SystemStateRecord r) {
    return r == null ? "no state" : r.id() + " updated " + r.updatedAt();
  }

  private static String describe(Map<String, byte[]> image) {
    StringBuilder sb = new StringBuilder("{");
    image.forEach((n, b) -> sb.append(' ').append(n).append('=').append(b.length).append('B'));
    return sb.append(" }").toString();
  }
}
