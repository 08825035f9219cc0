package org.mlsdm.state.s3.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PID-file, stale-cluster and lease logic that lets one test cluster serve a whole build and
 * stop after it, on fake daemons (processes whose command line names the directory's {@code
 * ceph.conf}, as the real ones do) and a fake clock: nothing here waits for time to pass.
 */
class CephWatchdogTest {
  private static final Duration IDLE = Duration.ofMinutes(3);

  @TempDir Path tmp;
  private ClusterDir cluster;
  private final List<Process> processes = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void setUp() throws IOException {
    cluster = new ClusterDir(tmp.toRealPath().resolve("ceph"));
    Files.createDirectories(cluster.dir().resolve("pids"));
    Files.writeString(cluster.conf(), "");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A process whose command line names {@code conf}, as a daemon's does; runs until killed. */
  private Process fake(Path conf) throws IOException {
    Process p =
        new ProcessBuilder("tail", "-f", "/dev/null", conf.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(true)
            .start();
    processes.add(p);
    return p;
  }

  private Process daemon(String name) throws IOException {
    Process p = fake(cluster.conf());
    writePid(name, p.pid());
    return p;
  }

  private void writePid(String name, long pid) throws IOException {
    Files.writeString(cluster.pidFile(name), pid + "\n");
  }

  /** Another JVM holding a lease, as a test JVM does; returns once the lock is held. */
  private Process leaseHolder() throws IOException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LeaseHolderChild.class.getName(),
                cluster.leaseLock().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    processes.add(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("held");
    return p;
  }

  private static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private CephWatchdog watchdog() throws IOException {
    return new CephWatchdog(cluster, IDLE, clock::get);
  }

  @Test
  void clusterDir_relativeOrUnnormalizedPath_isRefused() {
    assertThatThrownBy(() -> new ClusterDir(Path.of("target/ceph")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target/ceph");
    assertThatThrownBy(() -> new ClusterDir(Path.of("/work/state-s3/../target/ceph")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state-s3/../target/ceph");
  }

  @Test
  void pid_missingOrNotANumber_isEmptyAndNotAlive() throws IOException {
    assertThat(cluster.pid("mon")).isEmpty();
    assertThat(cluster.alive("mon")).isFalse();
    Files.writeString(cluster.pidFile("mon"), "12ab\n");
    assertThat(cluster.pid("mon")).isEmpty();
    assertThat(cluster.alive("mon")).isFalse();
  }

  @Test
  void alive_deadPid_isFalse() throws IOException, InterruptedException {
    Process gone = fake(cluster.conf());
    kill9(gone);
    writePid("osd", gone.pid());

    assertThat(cluster.pid("osd")).isEqualTo(OptionalLong.of(gone.pid()));
    assertThat(cluster.alive("osd")).isFalse();
    assertThat(cluster.aliveNames()).isEmpty();
  }

  @Test
  void alive_livePidOfAnotherProcess_isFalseAndStopLeavesItRunning()
      throws IOException, InterruptedException {
    // A PID reused by an unrelated process: this JVM, and a "daemon" of another directory.
    writePid("mon", ProcessHandle.current().pid());
    Process other = fake(tmp.resolve("other/ceph.conf"));
    writePid("osd", other.pid());

    assertThat(cluster.alive("mon")).isFalse();
    assertThat(cluster.alive("osd")).isFalse();
    assertThat(cluster.stop(other.pid())).isTrue();
    assertThat(other.isAlive()).isTrue();
  }

  @Test
  void running_needsAllThreeDaemonsAndTheWatchdog() throws IOException, InterruptedException {
    daemon("mon");
    daemon("osd");
    daemon("rgw");
    assertThat(cluster.running()).isFalse();
    Process watchdog = daemon(ClusterDir.WATCHDOG);
    assertThat(cluster.running()).isTrue();

    // A build killed with its watchdog leaves daemons that only the PID files still find.
    kill9(watchdog);
    assertThat(cluster.running()).isFalse();
    assertThat(cluster.aliveNames()).containsExactly("rgw", "osd", "mon");
  }

  @Test
  void stop_ourProcess_isGone() throws IOException, InterruptedException {
    Process mon = daemon("mon");
    assertThat(cluster.stop(mon.pid())).isTrue();
    assertThat(mon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(cluster.alive("mon")).isFalse();
  }

  @Test
  void tick_whileAnotherJvmHoldsALease_neverStops() throws Exception {
    Process mon = daemon("mon");
    leaseHolder();
    try (CephWatchdog w = watchdog()) {
      assertThat(w.tick()).isFalse();
      clock.addAndGet(IDLE.multipliedBy(100).toNanos());
      assertThat(w.tick()).isFalse();
    }
    assertThat(mon.isAlive()).isTrue();
  }

  @Test
  void tick_afterTheLastLeaseHolderIsKilled_stopsByPidOnceIdleForTheIdleTime() throws Exception {
    List<Process> daemons = List.of(daemon("rgw"), daemon("osd"), daemon("mon"));
    writePid(ClusterDir.WATCHDOG, ProcessHandle.current().pid());
    Process first = leaseHolder();
    Process second = leaseHolder();
    try (CephWatchdog w = watchdog()) {
      assertThat(w.tick()).isFalse();
      kill9(first);
      assertThat(w.tick()).as("one JVM still holds a lease").isFalse();
      kill9(second);

      assertThat(w.tick()).as("idle clock starts").isFalse();
      clock.addAndGet(IDLE.toNanos() - 1);
      assertThat(w.tick()).isFalse();
      assertThat(daemons).allMatch(Process::isAlive);

      clock.addAndGet(1);
      assertThat(w.tick()).isTrue();
    }
    for (Process d : daemons) {
      assertThat(d.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(cluster.aliveNames()).isEmpty();
    for (String name : List.of("rgw", "osd", "mon", ClusterDir.WATCHDOG)) {
      assertThat(cluster.pidFile(name)).doesNotExist();
    }
    assertThat(Files.readString(cluster.dir().resolve("cluster.log")))
        .contains("no test JVM holds a lease")
        .contains("stopped the cluster");
  }

  @Test
  void tick_leaseTakenAgainWhileIdle_resetsTheIdleClock() throws Exception {
    Process mon = daemon("mon");
    try (CephWatchdog w = watchdog()) {
      assertThat(w.tick()).isFalse();
      clock.addAndGet(IDLE.toNanos() - 1);
      // The next module's test JVM arrives just in time.
      Process next = leaseHolder();
      assertThat(w.tick()).isFalse();
      kill9(next);
      assertThat(w.tick()).isFalse();
      clock.addAndGet(IDLE.toNanos() - 1);
      assertThat(w.tick()).isFalse();
      assertThat(mon.isAlive()).isTrue();
      clock.addAndGet(1);
      assertThat(w.tick()).isTrue();
    }
    assertThat(mon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(cluster.dir().resolve("cluster.log")))
        .contains("a test JVM took a lease after 179 s without one");
  }

  @Test
  void tick_pidFilesGoneOrRgwRestarted_stopsTheProcessesItLastSaw() throws Exception {
    Process mon = daemon("mon");
    Process oldRgw = daemon("rgw");
    try (CephWatchdog w = watchdog()) {
      assertThat(w.tick()).isFalse();
      // A test restarted radosgw: a new PID in the same file.
      kill9(oldRgw);
      Process rgw = daemon("rgw");
      assertThat(w.tick()).isFalse();
      // mvn clean under a running cluster: the PID files are gone, the daemons are not.
      Files.delete(cluster.pidFile("mon"));
      Files.delete(cluster.pidFile("rgw"));
      clock.addAndGet(IDLE.toNanos());
      assertThat(w.tick()).isTrue();
      assertThat(rgw.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(mon.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }
}
