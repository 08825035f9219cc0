package org.mlsdm.state.s3.ceph;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Ceph cluster (mon + osd + radosgw, {@code scripts/ceph-local.sh}) for the tests: started
 * once per build in {@code mlsdm.ceph.dir} (target/ceph), shared by test forks and by this fork's
 * classes, stopped by PID when the last fork using it exits.
 *
 * <p>Sharing: a fork starts the cluster under an exclusive lock on {@code DIR/start.lock}. Every
 * fork using it holds a shared lock on {@code DIR/users.lock} until its JVM exits. A fork that can
 * take {@code users.lock} exclusively knows nobody uses a cluster: whatever runs there was left by
 * a killed earlier run, and {@code ceph-local.sh start} stops it (by its PID files) and starts
 * afresh. At JVM exit a shutdown hook drops this fork's shared lock and, if it can then take the
 * lock exclusively (it was the last user), stops the cluster. {@code .ci/run} also stops leftovers
 * at its end.
 *
 * <p>{@code -Dmlsdm.ceph.external=true} uses a cluster already running in {@code mlsdm.ceph.dir}
 * and leaves it running (for quick iterations).
 *
 * <p>Without the Ceph binaries the tests are skipped with a message, unless {@code CI=true}: then
 * they fail, as they do whenever the binaries are there but the cluster does not start.
 */
// Public, with JUnit types in its signature, for the cli module's tests (state-s3's test-jar).
@SuppressWarnings("exports")
public final class CephCluster implements BeforeAllCallback {
  public static final String ACCESS_KEY = "mlsdm-local-access-key";
  public static final String SECRET_KEY = "mlsdm-local-secret-key-0123456789";

  private static Env env;
  // The first start failure, as text: later callers fail at once instead of trying again.
  private static String startFailure;

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
    Path dir = Path.of(System.getProperty("mlsdm.ceph.dir", "target/ceph")).toAbsolutePath();
    Path script =
        Path.of(System.getProperty("mlsdm.ceph.script", "../scripts/ceph-local.sh"))
            .toAbsolutePath()
            .normalize();
    Files.createDirectories(dir);
    if (Boolean.getBoolean("mlsdm.ceph.external")) {
      // A cluster someone else started in dir (scripts/ceph-local.sh start DIR) and will stop.
      return env(script, dir);
    }
    FileChannel users =
        FileChannel.open(
            dir.resolve("users.lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try (FileChannel startChannel =
        FileChannel.open(
            dir.resolve("start.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      // Held until the channel closes.
      startChannel.lock();
      FileLock alone = users.tryLock();
      if (alone != null) {
        // Nobody uses a cluster here: start one (start stops a leftover by its PID files first).
        run(script, 300, "start", dir.toString());
        alone.release();
      } else {
        run(script, 30, "status", dir.toString());
      }
      FileLock shared = users.lock(0, Long.MAX_VALUE, true);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> stopIfLast(script, dir, users, shared), "ceph-stop"));
    }
    return env(script, dir);
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

  private static void stopIfLast(Path script, Path dir, FileChannel users, FileLock shared) {
    try (FileChannel startChannel =
        FileChannel.open(
            dir.resolve("start.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      startChannel.lock();
      shared.release();
      FileLock last = users.tryLock();
      if (last != null) {
        run(script, 120, "stop", dir.toString());
        last.release();
      }
      users.close();
    } catch (IOException | RuntimeException e) {
      System.err.println("Could not stop the Ceph cluster in " + dir + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs the script; returns its stdout, or throws with its output when it fails. */
  static String run(Path script, int timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("ceph-local", ".log");
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
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
