package org.mlsdm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's Python scripts (under {@code src/test/python}) with an interpreter that has
 * NumPy: {@code $MLSDM_PYTHON} if set, else Debian's {@code /usr/bin/python3} (CI installs {@code
 * python3-numpy}), else {@code python3} on the PATH. A missing interpreter or NumPy fails the test:
 * interop is part of the contract, never skipped silently.
 */
public final class Python {
  private static volatile String interpreter;

  private Python() {}

  /** The result of one script run. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /**
   * Runs a script from {@code src/test/python} with arguments and returns its output; fails if it
   * exits non-zero.
   */
  public static String run(String script, String... args) {
    Result r = runAllowingFailure(script, args);
    if (r.exitCode() != 0) {
      throw new AssertionError(
          "python "
              + script
              + " exited "
              + r.exitCode()
              + "\nstdout:\n"
              + r.stdout()
              + "\nstderr:\n"
              + r.stderr());
    }
    return r.stdout();
  }

  /** Runs a script from {@code src/test/python} and returns its exit code and output. */
  public static Result runAllowingFailure(String script, String... args) {
    return exec(command(interpreter(), script, args));
  }

  /**
   * Every interpreter with NumPy among {@link #interpreter()}, Debian's {@code /usr/bin/python3}
   * (NumPy 1.x) and {@code python3} on the PATH (where present, e.g. a pyenv with NumPy 2.x), one
   * per NumPy version, the default first. Fails if there is none, as {@link #interpreter()} does.
   */
  public static List<String> interpreters() {
    List<String> found = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    for (String c : List.of(interpreter(), "/usr/bin/python3", "python3")) {
      Result r;
      try {
        r = exec(List.of(c, "-c", "import numpy; print(numpy.__version__)"));
      } catch (AssertionError e) {
        continue;
      }
      String version = r.stdout().strip();
      if (r.exitCode() == 0 && !versions.contains(version)) {
        versions.add(version);
        found.add(c);
      }
    }
    return found;
  }

  /** Runs a script with a given interpreter; fails if it exits non-zero. */
  public static String runWith(String python, String script, String... args) {
    Result r = exec(command(python, script, args));
    if (r.exitCode() != 0) {
      throw new AssertionError(
          python + " " + script + " exited " + r.exitCode() + "\n" + r.stdout() + r.stderr());
    }
    return r.stdout();
  }

  /** Runs a script with a given interpreter that must fail; returns its output. */
  public static String runWithFailure(String python, String script, String... args) {
    Result r = exec(command(python, script, args));
    if (r.exitCode() == 0) {
      throw new AssertionError(python + " " + script + " succeeded:\n" + r.stdout());
    }
    return r.stdout() + r.stderr();
  }

  private static List<String> command(String python, String script, String... args) {
    Path file = scriptDir().resolve(script);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no such script: " + file.toAbsolutePath());
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(python);
    cmd.add(file.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The interpreter in use, checked once to import numpy. */
  public static String interpreter() {
    String found = interpreter;
    if (found != null) {
      return found;
    }
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("MLSDM_PYTHON");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    StringBuilder tried = new StringBuilder();
    for (String c : candidates) {
      try {
        Result r = exec(List.of(c, "-c", "import numpy"));
        if (r.exitCode() == 0) {
          interpreter = c;
          return c;
        }
        tried.append(c).append(": ").append(r.stderr().strip()).append('\n');
      } catch (AssertionError e) {
        tried.append(c).append(": ").append(e.getMessage()).append('\n');
      }
    }
    throw new AssertionError(
        "No python3 with numpy found (install Debian's python3-numpy or set MLSDM_PYTHON):\n"
            + tried);
  }

  private static Path scriptDir() {
    return Path.of("src", "test", "python");
  }

  private static Result exec(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
      var out = p.getInputStream();
      var err = p.getErrorStream();
      var errText = new java.util.concurrent.CompletableFuture<String>();
      Thread t =
          new Thread(
              () -> {
                try {
                  errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                  errText.complete("<" + e + ">");
                }
              });
      t.start();
      String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      t.join();
      return new Result(p.exitValue(), stdout, errText.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    }
  }
}
