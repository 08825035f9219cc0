package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Real system calls: a child JVM ({@link StraceChild}) saves under Debian's {@code strace}. The
 * trace of a clean save must show, for the new main file: its writes, then {@code fsync} of its
 * descriptor, then its {@code rename} onto the state file, then {@code fsync} of a descriptor of
 * the directory (and likewise the checksum temp fsynced before its rename, and the directory
 * fsynced between the links and the first rename). With {@code fsync} failing ({@code EIO}) or
 * {@code rename} failing ({@code EXDEV}) by {@code strace}'s fault injection, the save must fail
 * with {@link StateSaveException} and leave the previous main, checksum and backup byte for byte.
 * Needs {@code strace} (CI installs it); without it the tests fail and say so.
 */
class StraceTest {
  private static final Pattern CALL = Pattern.compile("^(\\w+)\\((.*)\\)\\s+= (-?\\d+)");

  @TempDir Path dir;

  private record Call(String name, String args, long result) {
    String firstString() {
      Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(args);
      return m.find() ? m.group(1) : "";
    }

    String secondString() {
      Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(args);
      for (int i = 0; i < 2; i++) {
        if (!m.find()) {
          return "";
        }
      }
      return m.group(1);
    }

    long fd() {
      Matcher m = Pattern.compile("^(\\d+)").matcher(args);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
  }

  private record Run(String output, List<List<Call>> threads) {}

  private static Path strace() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(d, "strace");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return fail(
        "strace not found on PATH: install Debian's strace (apt-get install strace); .ci/run does");
  }

  private Run saveUnderStrace(Path state, long seed, String... straceOptions) throws Exception {
    Path traces = Files.createDirectories(dir.resolve("traces-" + seed));
    List<String> cmd = new ArrayList<>();
    cmd.add(strace().toString());
    cmd.addAll(
        List.of(
            "-ff",
            "-s",
            "0",
            "-o",
            traces.resolve("t").toString(),
            "-e",
            "trace=openat,close,write,pwrite64,fsync,fdatasync,rename,renameat,renameat2,link,linkat"));
    cmd.addAll(List.of(straceOptions));
    cmd.addAll(ChildJvm.javaCommand(StraceChild.class, state.toString(), Long.toString(seed)));
    Path out = dir.resolve("out-" + seed);
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("err-" + seed).toFile())
            .start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue())
        .as("strace exit status; stderr: %s", Files.readString(dir.resolve("err-" + seed)))
        .isZero();
    List<List<Call>> threads = new ArrayList<>();
    try (Stream<Path> s = Files.list(traces)) {
      for (Path t : s.sorted().toList()) {
        List<Call> calls = new ArrayList<>();
        for (String line : Files.readAllLines(t, StandardCharsets.ISO_8859_1)) {
          Matcher m = CALL.matcher(line);
          if (m.find()) {
            calls.add(new Call(m.group(1), m.group(2), Long.parseLong(m.group(3))));
          }
        }
        threads.add(calls);
      }
    }
    return new Run(Files.readString(out).strip(), threads);
  }

  private Path prepared(String ext) {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    return p;
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_issuesWritesThenFsyncThenRenameThenDirectoryFsync(String ext) throws Exception {
    Path p = prepared(ext);
    Run run = saveUnderStrace(p, 3);
    assertThat(run.output()).isEqualTo("saved");
    List<Call> calls =
        run.threads().stream()
            .filter(t -> t.stream().anyMatch(c -> c.firstString().contains(".main-")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no thread created the main temp file"));

    int mainOpen =
        indexOf(calls, 0, c -> c.name().equals("openat") && c.firstString().contains(".main-"));
    String mainTemp = calls.get(mainOpen).firstString();
    long fd = calls.get(mainOpen).result();
    int mainSync = indexOf(calls, mainOpen, c -> c.name().matches("f(data)?sync") && c.fd() == fd);
    int mainClose = indexOf(calls, mainOpen, c -> c.name().equals("close") && c.fd() == fd);
    List<Call> writes =
        calls.subList(mainOpen, mainClose).stream()
            .filter(c -> c.name().matches("p?write(64)?") && c.fd() == fd)
            .toList();
    assertThat(writes).as("writes to %s", mainTemp).isNotEmpty();
    assertThat(writes.stream().mapToLong(Call::result).sum()).isEqualTo(Files.size(p));
    assertThat(mainSync).isLessThan(mainClose);
    assertThat(calls.subList(mainSync, mainClose))
        .noneMatch(c -> c.name().matches("p?write(64)?") && c.fd() == fd);

    int sumOpen =
        indexOf(calls, 0, c -> c.name().equals("openat") && c.firstString().contains(".sum-"));
    long sumFd = calls.get(sumOpen).result();
    int sumSync = indexOf(calls, sumOpen, c -> c.name().matches("f(data)?sync") && c.fd() == sumFd);

    int lastLink = lastIndexOf(calls, c -> c.name().matches("link(at)?"));
    int firstRename = indexOf(calls, 0, c -> c.name().matches("rename(at2?)?"));
    int dirSyncBeforeRenames = directoryFsync(calls, lastLink, p.getParent());
    assertThat(dirSyncBeforeRenames).isBetween(lastLink, firstRename);

    int sumRename =
        indexOf(
            calls,
            0,
            c -> c.name().matches("rename(at2?)?") && c.secondString().endsWith(".checksum"));
    assertThat(sumSync).isLessThan(sumRename);
    int mainRename =
        indexOf(
            calls,
            0,
            c ->
                c.name().matches("rename(at2?)?")
                    && c.firstString().equals(mainTemp)
                    && c.secondString().equals(p.toString()));
    assertThat(mainSync).isLessThan(mainRename);
    int dirSync = directoryFsync(calls, mainRename, p.getParent());
    assertThat(dirSync).isGreaterThan(mainRename);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_everyFsyncFailsWithEio_failsCleanlyWithPreviousStateIntact(String ext)
      throws Exception {
    Path p = prepared(ext);
    Snapshot before = Snapshot.of(p);
    Run run = saveUnderStrace(p, 4, "-e", "inject=fsync,fdatasync:error=EIO");
    assertThat(run.output()).startsWith("StateSaveException").contains("after 3 attempt(s)");
    assertThat(Snapshot.of(p)).isEqualTo(before);
    assertThat(StoreFiles.temps(dir)).isEmpty();
    assertThat(SystemStates.load(p).memoryState()).isEqualTo(TestStates.sample(2).memoryState());
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_everyRenameFailsWithExdev_failsCleanlyWithPreviousStateIntact(String ext)
      throws Exception {
    Path p = prepared(ext);
    Snapshot before = Snapshot.of(p);
    Run run = saveUnderStrace(p, 5, "-e", "inject=rename,renameat,renameat2:error=EXDEV");
    assertThat(run.output())
        .startsWith("StateSaveException")
        .contains("after 3 attempt(s)")
        .contains("Invalid cross-device link");
    assertThat(Snapshot.of(p)).isEqualTo(before);
    assertThat(StoreFiles.temps(dir)).isEmpty();
    assertThat(SystemStates.load(p).memoryState()).isEqualTo(TestStates.sample(2).memoryState());
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_oneDirectoryFsyncFailsWithEio_retriesWithFreshTempsAndCommits(String ext)
      throws Exception {
    Path p = prepared(ext);
    byte[] previousMain = StoreFiles.bytes(p);
    // fsync 1 and 2 are the main and checksum temps, 3 is the directory before the renames.
    Run run = saveUnderStrace(p, 6, "-e", "inject=fsync:error=EIO:when=3");
    assertThat(run.output()).isEqualTo("saved");
    assertThat(SystemStates.load(p).memoryState()).isEqualTo(TestStates.sample(6).memoryState());
    assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(previousMain);
    assertThat(StoreFiles.temps(dir)).isEmpty();
    long mainTemps =
        run.threads().stream()
            .flatMap(List::stream)
            .filter(c -> c.name().equals("openat") && c.firstString().contains(".main-"))
            .map(Call::firstString)
            .distinct()
            .count();
    assertThat(mainTemps).isEqualTo(2);
  }

  private record Snapshot(String main, String sum, String backup) {
    static Snapshot of(Path p) {
      return new Snapshot(
          hex(StoreFiles.bytes(p)),
          hex(StoreFiles.bytes(SystemStates.checksumPath(p))),
          hex(StoreFiles.bytes(SystemStates.backupPath(p))));
    }

    private static String hex(byte[] b) {
      return b == null ? "absent" : HexFormat.of().formatHex(b);
    }
  }

  /** The first fsync, after {@code from}, of a descriptor opened on {@code directory}. */
  private static int directoryFsync(List<Call> calls, int from, Path directory) {
    List<Long> dirFds = new ArrayList<>();
    for (int i = from; i < calls.size(); i++) {
      Call c = calls.get(i);
      if (c.name().equals("openat") && c.firstString().equals(directory.toString())) {
        dirFds.add(c.result());
      } else if (c.name().equals("close")) {
        dirFds.remove(Long.valueOf(c.fd()));
      } else if (c.name().matches("f(data)?sync") && dirFds.contains(c.fd())) {
        return i;
      }
    }
    throw new AssertionError("no fsync of " + directory + " after call " + from);
  }

  private static int indexOf(List<Call> calls, int from, Predicate<Call> p) {
    for (int i = from; i < calls.size(); i++) {
      if (p.test(calls.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no matching system call after call " + from + " in " + calls);
  }

  private static int lastIndexOf(List<Call> calls, Predicate<Call> p) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      if (p.test(calls.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no matching system call");
  }
}
