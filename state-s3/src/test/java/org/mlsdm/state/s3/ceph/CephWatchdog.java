package org.mlsdm.state.s3.ceph;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The process that stops a test cluster once no test JVM has used it for a while, so that one
 * cluster serves every module of a build and none outlives the build by more than the idle time,
 * even when the build was killed.
 *
 * <p>{@link CephCluster} starts it beside the daemons, as {@code java -cp ... CephWatchdog
 * DIR/ceph.conf IDLE_SECONDS} (its command line names the {@code ceph.conf}, so {@link ClusterDir}
 * recognises its PID like a daemon's). Once a second it takes {@code start.lock} and tries {@code
 * lease.lock} exclusively: when that fails a test JVM holds a lease and the idle clock is reset;
 * when it succeeds nobody does, and after {@code IDLE_SECONDS} of that it stops rgw, osd and mon by
 * PID (SIGTERM, then SIGKILL), removes their PID files and its own, and exits. Both lock files are
 * opened once, at start: a {@code mvn clean} that deletes the directory under a running cluster
 * leaves the watchdog with the old files, which no new JVM can lease, so the orphaned cluster is
 * still stopped; the PIDs are remembered for the same reason.
 *
 * <p>It depends on nothing but the JDK and {@link ClusterDir}, so it runs from the test classes or
 * the test-jar alone.
 */
final class CephWatchdog implements Closeable {
  private final ClusterDir cluster;
  private final FileChannel startLock;
  private final FileChannel lease;
  private final long idleNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Long> pids = new LinkedHashMap<>();
  private long idleSince;
  private boolean idle;

  CephWatchdog(ClusterDir cluster, Duration idle, LongSupplier nanoClock) throws IOException {
    if (idle.isNegative()) {
      throw new IllegalArgumentException("idle must be >= 0, got " + idle);
    }
    this.cluster = cluster;
    this.idleNanos = idle.toNanos();
    this.nanoClock = nanoClock;
    this.startLock =
        FileChannel.open(cluster.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    this.lease =
        FileChannel.open(
            cluster.leaseLock(),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
  }

  /**
   * One round: refreshes the remembered PIDs, then checks the lease. Returns true when the cluster
   * has been idle for the idle time and was stopped; the watchdog is then done.
   */
  boolean tick() throws IOException, InterruptedException {
    for (String name : ClusterDir.DAEMONS) {
      // radosgw gets a new PID when a test restarts it.
      OptionalLong pid = cluster.pid(name);
      if (pid.isPresent()) {
        pids.put(name, pid.getAsLong());
      }
    }
    FileLock guard = startLock.lock();
    try {
      FileLock free = lease.tryLock();
      long now = nanoClock.getAsLong();
      if (free == null) {
        if (idle) {
          cluster.log(
              "watchdog",
              "a test JVM took a lease after " + seconds(now - idleSince) + " s without one");
        }
        idle = false;
        return false;
      }
      free.release();
      if (!idle) {
        idle = true;
        idleSince = now;
        cluster.log(
            "watchdog",
            "no test JVM holds a lease; stopping in " + seconds(idleNanos) + " s unless one does");
      }
      if (now - idleSince < idleNanos) {
        return false;
      }
      stop(now);
      return true;
    } finally {
      guard.release();
    }
  }

  private void stop(long now) throws IOException, InterruptedException {
    StringBuilder left = new StringBuilder();
    for (Map.Entry<String, Long> e : pids.entrySet()) {
      if (!cluster.stop(e.getValue())) {
        left.append(' ').append(e.getKey()).append('=').append(e.getValue());
      }
      deleteIfOurs(e.getKey(), e.getValue());
    }
    deleteIfOurs(ClusterDir.WATCHDOG, ProcessHandle.current().pid());
    cluster.log(
        "watchdog",
        "stopped the cluster "
            + pids
            + " after "
            + seconds(now - idleSince)
            + " s without a lease"
            + (left.length() == 0 ? "" : "; still running:" + left));
  }

  // Only the file that still names the stopped process: a later start may have written a new one.
  private void deleteIfOurs(String name, long pid) throws IOException {
    if (cluster.pid(name).equals(OptionalLong.of(pid))) {
      Files.deleteIfExists(cluster.pidFile(name));
    }
  }

  private static long seconds(long nanos) {
    return Duration.ofNanos(nanos).toSeconds();
  }

  @Override
  public void close() throws IOException {
    try {
      startLock.close();
    } finally {
      lease.close();
    }
  }

  /**
   * Runs until the cluster of {@code args[0]} (its {@code ceph.conf}) has had no lease for {@code
   * args[1]} seconds, then stops it.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: CephWatchdog DIR/ceph.conf IDLE_SECONDS");
    }
    ClusterDir cluster = new ClusterDir(Path.of(args[0]).getParent());
    try (CephWatchdog w =
        new CephWatchdog(cluster, Duration.ofSeconds(Long.parseLong(args[1])), System::nanoTime)) {
      while (!w.tick()) {
        Thread.sleep(1000);
      }
    }
  }
}
