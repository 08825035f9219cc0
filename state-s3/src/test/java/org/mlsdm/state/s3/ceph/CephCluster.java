package org.mlsdm.state.s3.ceph;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Ceph cluster (mon + osd + radosgw, {@code scripts/ceph-local.sh}) for the tests: started
 * once per build in {@code mlsdm.ceph.dir} (the root's target/ceph), shared by every test JVM of
 * every module, and stopped by PID by a watchdog process once no test JVM has used it for {@code
 * mlsdm.ceph.idleSeconds} (default {@value #DEFAULT_IDLE_SECONDS}), also when the build failed or
 * was killed. The files involved are described in {@link ClusterDir}, the stopping in {@link
 * CephWatchdog}.
 *
 * <p>A JVM's first {@link #get()} takes {@code DIR/start.lock} and then either
 *
 * <ul>
 *   <li>adopts the cluster another live test JVM holds a lease on,
 *   <li>adopts the cluster an earlier test JVM left (daemons and watchdog alive by their PID files,
 *       radosgw answering HTTP): this is how the cli module reuses state-s3's cluster, or
 *   <li>starts a fresh one: {@code ceph-local.sh start} first stops whatever its PID files name (a
 *       cluster whose watchdog was killed too, or half of one), then this JVM starts the watchdog;
 * </ul>
 *
 * <p>and takes a shared lock on {@code DIR/lease.lock} that it holds until it exits. Each of these
 * is printed and appended to {@code DIR/cluster.log}. {@code .ci/run} stops any leftover at its end
 * without waiting for the watchdog.
 *
 * <p>{@code -Dmlsdm.ceph.external=true} uses a cluster already running in {@code mlsdm.ceph.dir}
 * and leaves it alone (for quick iterations).
 *
 * <p>Without the Ceph binaries the tests are skipped with a message, unless {@code CI=true}: then
 * they fail, as they do whenever the binaries are there but the cluster does not start.
 */
// Public, with JUnit types in its signature, for the cli module's tests (state-s3's test-jar).
@SuppressWarnings("exports")
public final class CephCluster implements BeforeAllCallback {
  public static final String ACCESS_KEY = "mlsdm-local-access-key";
  public static final String SECRET_KEY = "mlsdm-local-secret-key-0123456789";

  /**
   * Long enough to cover the gap between state-s3's test JVM and the cli module's (packaging
   * state-s3, compiling cli with Error Prone on a loaded machine); see README's S3 testing notes.
   */
  static final int DEFAULT_IDLE_SECONDS = 180;

  private static Env env;
  // The first start failure, as text: later callers fail at once instead of trying again.
  private static String startFailure;
  // Open for the JVM's life and never closed: closing any channel on the file would drop the
  // JVM's lock on it (fcntl semantics), and the kernel drops it when the JVM dies, however.
  private static FileChannel lease;

  /** Where the running cluster is. */
  public record Env(URI endpoint, Path dir, Path script) {}

  /** Made by JUnit for {@code @ExtendWith}. */
  public CephCluster() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    get();
  }

  /** The cluster, started if needed; skips or fails the calling test as described above. */
  public static synchronized Env get() {
    if (env != null) {
      return env;
    }
    if (startFailure != null) {
      fail("the Ceph cluster did not start: " + startFailure);
    }
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci && !Files.isExecutable(Path.of("/usr/bin/radosgw"))) {
      Assumptions.abort(
          "Ceph is not installed, so the S3 tests against a real RGW are skipped. Install it with"
              + " `apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw"
              + " ceph-common` (CI=true makes this a failure).");
    }
    try {
      env = start();
      return env;
    } catch (IOException | RuntimeException e) {
      startFailure = e.toString();
      return fail("the Ceph cluster did not start (see target/ceph/log): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted while starting Ceph", e);
    }
  }

  private static Env start() throws IOException, InterruptedException {
    Path given = Path.of(System.getProperty("mlsdm.ceph.dir", "target/ceph"));
    Files.createDirectories(given);
    // Every module names the directory from its own basedir (state-s3/../target/ceph): the real
    // path is the one spelling the daemons' command lines share.
    Path dir = given.toRealPath();
    Path script =
        Path.of(System.getProperty("mlsdm.ceph.script", "../scripts/ceph-local.sh"))
            .toAbsolutePath()
            .normalize();
    if (Boolean.getBoolean("mlsdm.ceph.external")) {
      // A cluster someone else started in dir (scripts/ceph-local.sh start DIR) and will stop.
      return env(script, dir);
    }
    ClusterDir cluster = new ClusterDir(dir);
    String who = "test JVM in " + Path.of("").toAbsolutePath().getFileName();
    lease =
        FileChannel.open(
            cluster.leaseLock(),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try (FileChannel startChannel =
        FileChannel.open(
            cluster.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      // Held until the channel closes.
      startChannel.lock();
      FileLock alone = lease.tryLock();
      if (alone == null) {
        report(cluster, who, "reusing the Ceph cluster in " + dir + ": another test JVM uses it");
      } else {
        alone.release();
        if (cluster.running() && answers(cluster)) {
          report(
              cluster,
              who,
              "reusing the Ceph cluster an earlier test JVM left running in "
                  + dir
                  + " (watchdog pid "
                  + cluster.pid(ClusterDir.WATCHDOG).getAsLong()
                  + ")");
        } else {
          startFresh(cluster, script, who);
        }
      }
      lease.lock(0, Long.MAX_VALUE, true);
    }
    return env(script, dir);
  }

  private static void startFresh(ClusterDir cluster, Path script, String who)
      throws IOException, InterruptedException {
    List<String> left = cluster.aliveNames();
    if (!left.isEmpty()) {
      report(
          cluster,
          who,
          "stopping what an earlier run left in "
              + cluster.dir()
              + " (alive by PID file: "
              + left
              + ")");
    }
    long t0 = System.nanoTime();
    // start stops every PID its files name (the old watchdog first), then wipes and starts.
    try {
      run(script, 300, "start", cluster.dir().toString());
    } catch (IOException | RuntimeException e) {
      // No watchdog yet: the half that did start is stopped here, not left to the next start.
      try {
        run(script, 120, "stop", cluster.dir().toString());
      } catch (IOException | RuntimeException stopFailure) {
        e.addSuppressed(stopFailure);
      }
      throw e;
    }
    long idle = Long.getLong("mlsdm.ceph.idleSeconds", DEFAULT_IDLE_SECONDS);
    long watchdog = startWatchdog(cluster, idle);
    report(
        cluster,
        who,
        String.format(
            Locale.ROOT,
            "started a new Ceph cluster in %s in %.1f s; watchdog pid %d stops it %d s after the"
                + " last test JVM exits",
            cluster.dir(),
            (System.nanoTime() - t0) / 1e9,
            watchdog,
            idle));
  }

  private static long startWatchdog(ClusterDir cluster, long idleSeconds) throws IOException {
    Path classes;
    try {
      classes =
          Path.of(CephWatchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("where CephWatchdog was loaded from", e);
    }
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx16m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classes.toString(),
                CephWatchdog.class.getName(),
                cluster.conf().toString(),
                Long.toString(idleSeconds))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(cluster.dir().resolve("watchdog.out").toFile()))
            .redirectErrorStream(true)
            .start();
    Files.writeString(cluster.pidFile(ClusterDir.WATCHDOG), p.pid() + "\n");
    return p.pid();
  }

  /** Whether radosgw answers HTTP on its port (any status: it is serving). */
  private static boolean answers(ClusterDir cluster) {
    Optional<Integer> port = cluster.port();
    if (port.isEmpty()) {
      return false;
    }
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port.get() + "/").toURL().openConnection();
      c.setConnectTimeout(5000);
      c.setReadTimeout(5000);
      try {
        return c.getResponseCode() > 0;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static void report(ClusterDir cluster, String who, String message) {
    System.out.println("[CephCluster] " + message);
    cluster.log(who, message);
  }

  private static Env env(Path script, Path dir) throws IOException, InterruptedException {
    Map<String, String> vars = new HashMap<>();
    for (String line : run(script, 30, "env", dir.toString()).split("\n")) {
      if (line.startsWith("export ")) {
        String[] kv = line.substring(7).split("=", 2);
        vars.put(kv[0], kv[1]);
      }
    }
    return new Env(URI.create(vars.get("AWS_ENDPOINT_URL")), dir, script);
  }

  /** Runs the script; returns its stdout, or throws with its output when it fails. */
  static String run(Path script, int timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("ceph-local", ".log");
    try {
      List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
      cmd.addAll(List.of(args));
      Process p =
          new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectErrorStream(true).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd) + " took more than " + timeoutSeconds + " s: " + read(log));
      }
      String out = read(log);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Kills radosgw with SIGKILL (the restart test); mon and osd keep running. */
  public static void killRgw() throws IOException, InterruptedException {
    Env e = get();
    long pid = Long.parseLong(Files.readString(e.dir().resolve("pids/rgw.pid")).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    for (int i = 0;
        i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        i++) {
      Thread.sleep(50);
    }
  }

  /** Starts radosgw again and waits for its port. */
  public static void restartRgw() throws IOException, InterruptedException {
    Env e = get();
    run(e.script(), 120, "restart-rgw", e.dir().toString());
  }
}
