package org.mlsdm.state;

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

  @TempDir Path tmp;

  static Stream<Arguments> cases() {
    return StoreFiles.formats()
        .flatMap(ext -> Stream.of(Arguments.of(ext, "small"), Arguments.of(ext, "multi-write")));
  }

  private static SystemStateRecord state(int i, String size) {
    // 2048 x 24 doubles are about 1 MB of JSON: many 64 KiB writes per file.
    return size.equals("small") ? TestStates.sample(i) : TestStates.sample(i, 2048, 24);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void recover_afterPowerLossAtAnyOperation_returnsLastAcknowledgedOrInFlightState(
      String ext, String size) throws IOException {
    Path work = Files.createDirectory(tmp.resolve("work"));
    String name = "state." + ext;
    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, work);
    StateStore store = new StateStore(ops, Clock.systemUTC());
    List<SystemStateRecord> saved = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    int saves = size.equals("small") ? SAVES : Math.max(2, SAVES / 2);
    for (int i = 1; i <= saves; i++) {
      saved.add(store.save(state(i, size), work.resolve(name), SaveOptions.defaults()));
      ends.add(ops.operations());
    }

    List<PowerLossFileOps.Snapshot> snapshots = ops.snapshots();
    List<String> failures = new ArrayList<>();
    int images = 0;
    int save = 0;
    int durablePoint = durablePoint(snapshots, 0, ends.get(0));
    for (PowerLossFileOps.Snapshot s : snapshots) {
      if (s.op() > ends.get(save)) {
        save++;
        durablePoint = durablePoint(snapshots, ends.get(save - 1), ends.get(save));
      }
      SystemStateRecord lastAck = save == 0 ? null : saved.get(save - 1);
      SystemStateRecord inFlight = s.op() == 0 ? null : saved.get(save);
      boolean mustBeNew = s.op() >= durablePoint;
      int op = s.op();
      images +=
          s.crashImages(
              SUBSETS,
              op,
              image -> {
                String problem = check(image, name, lastAck, inFlight, mustBeNew);
                if (problem != null && failures.size() < 10) {
                  failures.add("after operation " + op + " (" + s.kind() + "): " + problem + "; disk " + describe(image));
                }
              });
    }
    System.out.printf(
        "PowerLossTest %s %s: %d saves, %d crash points, %d crash states recovered%n",
        ext, size, saves, snapshots.size(), images);
    assertThat(failures).isEmpty();
    assertThat(images).isGreaterThan(snapshots.size());
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

  private String check(
      Map<String, byte[]> image,
      String name,
      SystemStateRecord lastAck,
      SystemStateRecord inFlight,
      boolean mustBeNew) {
    Path disk = materialize(image);
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
      return "recover returned " + got.id() + " updated " + got.updatedAt()
          + ", expected " + (mustBeNew ? "" : describe(lastAck) + " or ") + describe(inFlight);
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
