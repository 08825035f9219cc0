package org.mlsdm.state.s3.ceph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The files of a test cluster's directory, as {@code scripts/ceph-local.sh} and the test JVMs share
 * them.
 *
 * <pre>
 * DIR/ceph.conf          the cluster's configuration; every daemon and the watchdog name it
 *                        on their command line, which is how a PID is recognised as ours
 * DIR/pids/NAME.pid      the PID of mon, osd, rgw and watchdog (written by whoever started it)
 * DIR/port               radosgw's S3 port
 * DIR/start.lock         fcntl lock held while a JVM starts or adopts the cluster, and while the
 *                        watchdog decides to stop it: the two never interleave
 * DIR/lease.lock         a shared fcntl lock held by every test JVM using the cluster for as long
 *                        as it lives; the kernel drops it when the JVM exits, even on kill -9
 * DIR/cluster.log        one line per start, adoption and stop, from every process
 * </pre>
 *
 * <p>A PID counts as alive only while {@code /proc/PID/cmdline} names this directory's {@code
 * ceph.conf}, so a dead daemon's PID reused by an unrelated process is never mistaken for it nor
 * killed (the same rule as the script's {@code alive}).
 */
final class ClusterDir {
  /** The daemons, in the order they are stopped. */
  static final List<String> DAEMONS = List.of("rgw", "osd", "mon");

  static final String WATCHDOG = "watchdog";

  private final Path dir;

  /** {@code dir} must be absolute and normalized: the daemons' command lines name it so. */
  ClusterDir(Path dir) {
    if (!dir.isAbsolute() || !dir.equals(dir.normalize())) {
      throw new IllegalArgumentException("dir must be absolute and normalized, got " + dir);
    }
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path conf() {
    return dir.resolve("ceph.conf");
  }

  Path startLock() {
    return dir.resolve("start.lock");
  }

  Path leaseLock() {
    return dir.resolve("lease.lock");
  }

  Path pidFile(String name) {
    return dir.resolve("pids").resolve(name + ".pid");
  }

  /** The PID in {@code name}'s PID file; empty when the file is missing or not a number. */
  OptionalLong pid(String name) {
    try {
      String text = Files.readString(pidFile(name), StandardCharsets.US_ASCII).trim();
      return text.matches("[0-9]{1,18}")
          ? OptionalLong.of(Long.parseLong(text))
          : OptionalLong.empty();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code name}'s PID file names a live process of this cluster. */
  boolean alive(String name) {
    OptionalLong pid = pid(name);
    return pid.isPresent() && isOurs(pid.getAsLong());
  }

  /** Whether {@code pid} is alive and names this directory's {@code ceph.conf}. */
  boolean isOurs(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          raw[i] = ' ';
        }
      }
      return new String(raw, StandardCharsets.UTF_8).contains(conf().toString());
    } catch (IOException e) {
      // Gone (no /proc entry) or not ours to read: either way not a process we may stop.
      return false;
    }
  }

  /** Whether the three daemons and the watchdog all run. */
  boolean running() {
    return DAEMONS.stream().allMatch(this::alive) && alive(WATCHDOG);
  }

  /** The names (daemons and watchdog) whose PID files name a live process of this cluster. */
  List<String> aliveNames() {
    return Stream.concat(DAEMONS.stream(), Stream.of(WATCHDOG)).filter(this::alive).toList();
  }

  /** The radosgw port, if the cluster wrote one. */
  Optional<Integer> port() {
    try {
      return Optional.of(Integer.parseInt(Files.readString(dir.resolve("port")).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Stops {@code pid} if it is still ours: SIGTERM, then SIGKILL after 10 s. Returns whether it is
   * gone.
   */
  boolean stop(long pid) throws InterruptedException {
    if (!isOurs(pid)) {
      return true;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return true;
    }
    h.get().destroy();
    if (waitGone(pid, 100)) {
      return true;
    }
    h.get().destroyForcibly();
    return waitGone(pid, 50);
  }

  private boolean waitGone(long pid, int tenths) throws InterruptedException {
    for (int i = 0; i < tenths; i++) {
      if (!isOurs(pid)) {
        return true;
      }
      Thread.sleep(100);
    }
    return !isOurs(pid);
  }

  /** Appends one line to {@code cluster.log}; never fails the caller (the log is a record). */
  void log(String who, String message) {
    String line =
        Instant.now()
            + " "
            + who
            + " (pid "
            + ProcessHandle.current().pid()
            + "): "
            + message
            + "\n";
    try {
      Files.writeString(
          dir.resolve("cluster.log"),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.print("cluster.log not written (" + e + "): " + line);
    }
  }
}
