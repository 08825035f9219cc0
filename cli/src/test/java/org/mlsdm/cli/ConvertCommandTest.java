package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.Phase;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateLayout;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine;

class ConvertCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"a.json, b.npz", "a.npz, b.json", "a.json, b.JSON", "a.npz, b.NPZ"})
  void convert_writesTheSameState_inTheOtherFormat(String inName, String outName) {
    Path in = dir.resolve(inName);
    Path out = dir.resolve(outName);
    SystemStateRecord source = Cli.saved(in, 4, "agent");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("converted " + in).contains("verified: ");
    SystemStateRecord converted = SystemStates.load(out);
    assertThat(ConvertCommand.sameContent(source, converted)).isTrue();
    assertThat(SystemStates.checksumPath(out)).exists();
  }

  @Test
  void convert_pythonPickledNpz_toJson() {
    Path in = Cli.pythonFile(dir, "state.npz");
    Path out = dir.resolve("from-python.json");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(SystemStates.load(out).id()).isEqualTo("python-agent");
    assertThat(Cli.run("diff", Cli.pythonFile(dir, "state.json"), out).exitCode()).isZero();
  }

  @Test
  void convert_legacyFile_isMigratedOnTheWay() {
    Path in = Cli.pythonFile(dir, "manager-legacy.json");
    Path out = dir.resolve("current.json");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(SystemStates.load(out).qilm().size()).isEqualTo(2);
  }

  @Test
  void convert_existingOut_isRefused_unlessForce() {
    Path in = dir.resolve("a.json");
    Path out = dir.resolve("b.json");
    Cli.saved(in, 3, "new");
    Cli.saved(out, 3, "old");
    byte[] old = Cli.bytes(out);

    Cli.Run refused = Cli.run("convert", in, out);
    assertThat(refused.exitCode()).isEqualTo(ExitCode.EXISTS.code());
    assertThat(Cli.bytes(out)).isEqualTo(old);

    Cli.Run forced = Cli.run("convert", "--force", in, out);
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(SystemStates.load(out).id()).isEqualTo("new");
    assertThat(Cli.bytes(SystemStates.backupPath(out))).isEqualTo(old);
  }

  @Test
  void convert_sameFile_isAUsageError() {
    Path in = dir.resolve("a.json");
    Cli.saved(in, 3, "a");

    Cli.Run r = Cli.run("convert", "--force", in, dir.resolve("x/../a.json"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("same file");
  }

  @Test
  void convert_unsupportedOutName_failsBeforeReading() {
    Cli.Run r = Cli.run("convert", dir.resolve("missing.json"), dir.resolve("b.csv"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("Unsupported file format");
  }

  @Test
  void convert_corruptIn_exits5_andWritesNothing() {
    Path in = dir.resolve("a.json");
    Cli.saved(in, 3, "a");
    Cli.flipByte(in);
    Path out = dir.resolve("b.json");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPT.code());
    assertThat(out).doesNotExist();
  }

  @Test
  void convert_missingIn_exits3() {
    assertThat(Cli.run("convert", dir.resolve("a.json"), dir.resolve("b.json")).exitCode())
        .isEqualTo(ExitCode.NOT_FOUND.code());
  }

  /** Makes convert's read-back check see a different state, as a faulty encoder would give. */
  static Consumer<CommandLine> failingReadBack() {
    return cmd -> {
      ConvertCommand convert = cmd.getSubcommands().get("convert").getCommand();
      convert.readBack = state -> state.withId("not-what-was-written");
    };
  }

  @Test
  void convert_pythonFileWithLabelledPhases_keepsTheLabels() {
    Path from = Cli.pythonFile(dir, "manager-labelled.json");
    Path to = dir.resolve("labelled.npz");

    Cli.Run r = Cli.run("convert", from, to);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    SystemStateRecord converted = SystemStates.load(to);
    assertThat(converted.qilm().hasLabels()).isTrue();
    assertThat(converted.qilm().phaseList())
        .isEqualTo(SystemStates.load(from).qilm().phaseList())
        .hasSize(5);
  }

  // ------------------------------------------------------------- --layout (issue 11, item 3)

  static Stream<Arguments> layouts() {
    List<Arguments> out = new ArrayList<>();
    for (StateLayout layout : StateLayout.values()) {
      for (String ext : List.of("json", "npz")) {
        out.add(Arguments.of(layout, ext));
      }
    }
    return out.stream();
  }

  /** A state with an id, awkward numbers and mixed phases, saved natively as {@code in.json}. */
  private SystemStateRecord source(Path in) {
    SystemStateRecord s =
        SystemStates.createEmpty(3)
            .withId("agent-7")
            .withMemoryState(
                new MemoryStateRecord(
                    3,
                    0.5,
                    0.1,
                    0.01,
                    1.0,
                    2.0,
                    0.5,
                    0.3,
                    new double[] {1, -2, 3.5},
                    new double[] {0, 1e-7, 0},
                    new double[] {-0.0, 2, 4}))
            .withQilm(
                QilmStateRecord.ofPhases(
                    new double[][] {{0.1, -2.5, 1e-300}, {4, 5, 6}, {7, 8.25, 9}},
                    List.of(Phase.of(0.5), Phase.of("sleep"), Phase.of("1.0"))));
    return SystemStates.save(s, in);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("layouts")
  void convert_withLayout_writesThatLayout_andConvertsBack(StateLayout layout, String ext)
      throws IOException {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("out." + ext);
    Path back = dir.resolve("back.json");
    SystemStateRecord source = source(in);

    Cli.Run r = Cli.run("convert", "--layout", layout, in, out);
    Cli.Run b = Cli.run("convert", out, back);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(b.exitCode()).as(b.toString()).isZero();
    assertThat(layoutOf(out))
        .isEqualTo(
            ext.equals("json") && layout == StateLayout.PYTHON_STATE_STORE
                ? StateLayout.NATIVE
                : layout);
    assertThat(Files.readString(SystemStates.checksumPath(out), StandardCharsets.US_ASCII))
        .isEqualTo(sha256(out));
    SystemStateRecord returned = SystemStates.load(back);
    assertThat(returned.memoryState()).isEqualTo(source.memoryState());
    assertThat(returned.qilm()).isEqualTo(source.qilm());
    if (layout == StateLayout.PYTHON_MEMORY_MANAGER) {
      assertThat(returned.id()).isNull();
      assertThat(returned.createdAt()).isAfter(source.updatedAt());
    } else {
      assertThat(ConvertCommand.sameContent(source, returned)).isTrue();
    }
  }

  @Test
  void convert_intoMemoryManagerLayout_printsOneLineNamingWhatWasDropped() {
    Path in = dir.resolve("in.json");
    SystemStateRecord source = source(in);

    Cli.Run r = Cli.run("convert", "--layout", "PYTHON_MEMORY_MANAGER", in, dir.resolve("m.npz"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("dropped: ")))
        .containsExactly(
            "dropped: the id \"agent-7\", created_at "
                + source.createdAt()
                + " and updated_at "
                + source.updatedAt()
                + " (the PYTHON_MEMORY_MANAGER layout has no id and no timestamps; a load gives no"
                + " id and the time of loading)");
    assertThat(r.out()).contains("hold the same parameters, levels and QILM rows and phases");
  }

  @Test
  void convert_intoMemoryManagerLayout_withoutId_dropsOnlyTheTimestamps() {
    Path in = Cli.pythonFile(dir, "manager-labelled.json");

    Cli.Run r = Cli.run("convert", "--layout", "PYTHON_MEMORY_MANAGER", in, dir.resolve("m.json"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("dropped: created_at ").doesNotContain("the id");
  }

  @ParameterizedTest
  @CsvSource({"NATIVE", "PYTHON_STATE_STORE"})
  void convert_intoLayoutThatHoldsEverything_dropsNothing(String layout) {
    Path in = dir.resolve("in.json");
    source(in);

    Cli.Run r = Cli.run("convert", "--layout", layout, in, dir.resolve("o.npz"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).doesNotContain("dropped").contains("hold the same state");
  }

  @Test
  void convert_layout_isCaseInsensitive() {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("o.npz");
    source(in);

    Cli.Run r = Cli.run("convert", "--layout", "python_state_store", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(layoutOf(out)).isEqualTo(StateLayout.PYTHON_STATE_STORE);
  }

  @ParameterizedTest
  @CsvSource({"pickled", "manager", "''"})
  void convert_unknownLayout_isAUsageError_andWritesNothing(String value) {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("o.npz");
    source(in);

    Cli.Run r = Cli.run("convert", "--layout", value, in, out);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err())
        .contains("--layout")
        .contains("NATIVE, PYTHON_STATE_STORE, PYTHON_MEMORY_MANAGER");
    assertThat(out).doesNotExist();
  }

  @Test
  void convert_pickledLayoutRefusingTheContents_exits1NamingTheLayout_andWritesNothing() {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("o.npz");
    SystemStates.save(SystemStates.createEmpty(2).withId("lone \ud800"), in);

    Cli.Run r = Cli.run("convert", "--layout", "PYTHON_STATE_STORE", in, out);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.FAILURE.code());
    assertThat(r.err())
        .contains("the PYTHON_STATE_STORE layout cannot hold the state of")
        .contains("lone surrogate")
        .contains("was not written");
    assertThat(out).doesNotExist();
    assertThat(Cli.run("convert", in, out).exitCode()).isZero();
  }

  @Test
  void convert_withLayout_overExistingOut_keepsItAsTheBackup() {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("o.npz");
    source(in);
    Cli.saved(out, 2, "old");
    byte[] old = Cli.bytes(out);

    Cli.Run r = Cli.run("convert", "--force", "--layout", "PYTHON_STATE_STORE", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(Cli.bytes(SystemStates.backupPath(out))).isEqualTo(old);
    assertThat(layoutOf(out)).isEqualTo(StateLayout.PYTHON_STATE_STORE);
  }

  @Test
  void convert_intoMemoryManagerLayout_comparesTheQilm_andWritesNothingWhenItDiffers() {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("m.json");
    source(in);

    Cli.Run r =
        Cli.run(
            cmd -> {
              ConvertCommand convert = cmd.getSubcommands().get("convert").getCommand();
              convert.readBack = state -> state.withQilm(QilmStateRecord.EMPTY);
            },
            "convert",
            "--layout",
            "PYTHON_MEMORY_MANAGER",
            in,
            out);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.FAILURE.code());
    assertThat(r.err()).contains("verification failed");
    assertThat(out).doesNotExist();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("layouts")
  void convert_withLayout_pythonLoadsItAsItsLoadersDo(StateLayout layout, String ext) {
    Path in = dir.resolve("in.json");
    Path out = dir.resolve("out." + ext);
    source(in);
    Cli.Run r = Cli.run("convert", "--layout", layout, in, out);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    String loader = layout == StateLayout.PYTHON_MEMORY_MANAGER ? "manager" : "store";

    for (String python : pythons()) {
      PythonRun p = python(python, loader, out, in);
      if (layout == StateLayout.NATIVE && ext.equals("npz")) {
        // Why the layouts exist: the Python state store cannot read the native NPZ.
        assertThat(p.exitCode()).as(python + ": " + p.output()).isEqualTo(1);
        assertThat(p.output()).as(python).contains("Missing required state data");
      } else {
        assertThat(p.exitCode()).as(python + ": " + p.output()).isZero();
        assertThat(p.output()).as(python).startsWith("OK " + loader + " numpy ");
      }
    }
  }

  /** Which layout a file holds, from its entries (NPZ) or its keys (JSON). */
  private static StateLayout layoutOf(Path file) {
    List<String> keys = new ArrayList<>();
    if (file.toString().endsWith(".npz")) {
      try (ZipFile zip = new ZipFile(file.toFile())) {
        zip.stream().map(ZipEntry::getName).forEach(keys::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (keys.equals(List.of("state.npy"))) {
        return StateLayout.PYTHON_STATE_STORE;
      }
      if (keys.equals(List.of("format_version.npy", "memory_state.npy", "qilm.npy"))) {
        return StateLayout.PYTHON_MEMORY_MANAGER;
      }
      assertThat(keys).contains("version.npy", "memory_state.state_l1.npy");
      return StateLayout.NATIVE;
    }
    Map<String, Object> json =
        Cli.object(Cli.json(new String(Cli.bytes(file), StandardCharsets.UTF_8)));
    Map<String, Object> memory = Cli.object(json.get("memory_state"));
    if (json.containsKey("format_version")) {
      assertThat(json).doesNotContainKeys("version", "id", "created_at", "updated_at");
      assertThat(memory).containsKeys("state_L1", "state_L2", "state_L3");
      return StateLayout.PYTHON_MEMORY_MANAGER;
    }
    assertThat(json).containsKeys("version", "id", "created_at", "updated_at");
    assertThat(memory).containsKeys("state_l1", "state_l2", "state_l3");
    return StateLayout.NATIVE;
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Cli.bytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** One run of {@code src/test/python/convert_check.py}: exit code and stdout with stderr. */
  private record PythonRun(int exitCode, String output) {}

  private static PythonRun python(String python, String loader, Path file, Path expected) {
    List<String> cmd =
        List.of(
            python,
            Path.of("src", "test", "python", "convert_check.py").toString(),
            loader,
            file.toString(),
            expected.toString());
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new PythonRun(p.waitFor(), output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    }
  }

  /**
   * The interpreters with NumPy, one per NumPy version: {@code $MLSDM_PYTHON}, Debian's {@code
   * /usr/bin/python3} (NumPy 1.x) and {@code python3} on the PATH (a NumPy 2.x, where present), as
   * the library's interop tests pick them. None at all skips the test, except under {@code
   * CI=true}, where interop is part of the contract and a missing NumPy fails it.
   */
  private static List<String> pythons() {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("MLSDM_PYTHON");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    List<String> found = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    for (String c : candidates) {
      String version;
      try {
        Process p =
            new ProcessBuilder(c, "-c", "import numpy; print(numpy.__version__)")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
          continue;
        }
      } catch (IOException e) {
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (!versions.contains(version)) {
        versions.add(version);
        found.add(c);
      }
    }
    if (found.isEmpty()) {
      String why = "no python3 with numpy among " + candidates + " (set MLSDM_PYTHON)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    return found;
  }
}
