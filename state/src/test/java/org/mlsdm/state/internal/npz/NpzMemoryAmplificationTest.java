package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.testing.Python;
import org.mlsdm.testing.ReaderFuzzing;

/**
 * Issue 10, item 1, for NPZ: files of at most 1 MB that decode into far more heap than they hold
 * (written by {@code src/test/python/make_hostile_inputs.py}, which says how each is built) fail
 * with {@link StateLoadException} once they pass the {@link LoadBudget}, in this JVM and under
 * {@code -Xmx256m} in a child JVM; and files the library and the Python system write stay well
 * inside the budget.
 */
class NpzMemoryAmplificationTest {
  @TempDir static Path hostile;

  /** File name to size, in the order the script wrote them. */
  private static final Map<String, Long> FILES = new LinkedHashMap<>();

  @BeforeAll
  static void writeHostileFiles() {
    for (String line : Python.run("make_hostile_inputs.py", hostile.toString()).split("\n")) {
      String[] nameAndSize = line.strip().split(" ");
      FILES.put(nameAndSize[0], Long.parseLong(nameAndSize[1]));
    }
  }

  /** Each file, the place its message names, and what it names there. */
  static Stream<Arguments> amplifyingFiles() {
    return Stream.of(
        arguments(
            "pickle-encode-memo.npz",
            "entry 'state.npy': pickle at offset",
            "the result of _codecs.encode"),
        arguments("pickle-shared-row.npz", "entry 'state.npy': a list of 512 numbers", ""),
        arguments("pickle-list-dag.npz", "entry 'state.npy': a ", " of 2 "),
        arguments(
            "npy-widened-narrow-types.npz",
            "entry 'memory_state.state_l1.npy': 20000000 values",
            " of |i1 as doubles"),
        arguments(
            "npy-column-matrix.npz",
            "entry 'qilm.memory.npy': 16000000 × 1 values",
            " of |i1 as rows of doubles"),
        arguments(
            "npy-lengths-widened.npz",
            "entry 'qilm.memory_lengths.npy': 30000000 values",
            " of |i1 as doubles"),
        arguments(
            "npy-lengths-empty-rows.npz", "entry 'qilm.memory_lengths.npy': 8000000 rows", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("amplifyingFiles")
  void read_amplifyingFile_failsAtTheBudgetNamingTheValue(String name, String place, String value)
      throws IOException {
    Path file = hostile.resolve(name);
    long size = Files.size(file);
    LoadBudget budget = LoadBudget.forFileSize(size);

    StateLoadException e = catchThrowableOfType(StateLoadException.class, () -> read(file, budget));

    assertThat(size).isEqualTo(FILES.get(name)).isLessThanOrEqualTo(1_000_000);
    assertThat(e).as(name).isNotNull();
    assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED);
    assertThat(e)
        .hasMessageContaining(place)
        .hasMessageContaining(value)
        .hasMessageContaining(
            "over the load budget of "
                + budget.limit()
                + " bytes (64 MiB + 32 ×"
                + " the file's "
                + size
                + " bytes)");
    assertThat(budget.charged()).isLessThanOrEqualTo(budget.limit());
    System.out.printf(
        "NpzMemoryAmplificationTest %s: %,d bytes, refused with %,d bytes charged%n",
        name, size, budget.charged());
  }

  /**
   * The NPZ fuzz target's body on each hostile file: a load that runs into the budget allocates
   * less than {@link FuzzAllocation} allows, so the fuzz check only fires where a charge is
   * missing.
   */
  @Test
  void fuzzBody_eachHostileFile_allocatesWithinTheFuzzBudget() throws IOException {
    for (String name : FILES.keySet()) {
      byte[] input = Files.readAllBytes(hostile.resolve(name));
      long before = JvmMemory.threadAllocatedBytes();

      FuzzAllocation.check(
          input.length,
          () -> ReaderFuzzing.readAndDecode(NpzStateCodec.INSTANCE, input, Path.of(name)));

      System.out.printf(
          "NpzMemoryAmplificationTest fuzz body %s: %,d bytes allocated%n",
          name, JvmMemory.threadAllocatedBytes() - before);
    }
  }

  /**
   * Every hostile file, loaded as a user would under {@code -Xmx256m}: each fails with {@code
   * MALFORMED}, and no {@link OutOfMemoryError} (or anything else) reaches the caller.
   */
  @Test
  void load_eachHostileFileUnderXmx256m_failsMalformedWithoutOutOfMemoryError()
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(HostileLoadChild.class.getName());
    for (String name : FILES.keySet()) {
      cmd.add(hostile.resolve(name).toString());
    }
    Path out = hostile.resolve("child.out");
    Path err = hostile.resolve("child.err");
    Process child =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    // A guard against a hang, not a timing assertion: the loads take seconds.
    if (!child.waitFor(10, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      throw new AssertionError("the child JVM did not finish: " + Files.readString(err));
    }

    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(Files.readString(err)).isZero();
    assertThat(lines).hasSize(FILES.size());
    for (String line : lines) {
      String[] f = line.split("\t", 5);
      assertThat(f[1]).as(line).isEqualTo("StateLoadException MALFORMED");
      assertThat(f[4]).as(line).contains("over the load budget");
      System.out.printf(
          "NpzMemoryAmplificationTest -Xmx256m %s: %,d bytes, %s, %,d bytes allocated,"
              + " heap peak %,d bytes%n",
          f[0], FILES.get(f[0]), f[1], Long.parseLong(f[2]), Long.parseLong(f[3]));
    }
  }

  /**
   * Every NumPy layout of three state shapes as the Python system writes it, and the library's own
   * files (one of them ragged), load while charging at most half the budget's factor per file byte:
   * the margin that {@link LoadBudget#BYTES_PER_FILE_BYTE} is documented to leave.
   */
  @Test
  void read_filesThePythonSystemAndTheLibraryWrite_chargeAtMostHalfTheFactor(@TempDir Path dir)
      throws IOException {
    List<Path> files = new ArrayList<>();
    int[][] shapes = {{1, 20_000}, {64, 2_000}, {384, 300}};
    for (int[] shape : shapes) {
      Path d = Files.createDirectories(dir.resolve(shape[0] + "x" + shape[1]));
      SystemStateRecord state = randomState(shape[0], shape[1], false);
      try (OutputStream o = Files.newOutputStream(d.resolve("state.json"))) {
        JsonStateCodec.INSTANCE.write(state, o);
      }
      Python.run(
          "npz_write_variants.py",
          d.resolve("state.json").toString(),
          NpzTesting.RESOURCES.resolve("python-written/manager-legacy.json").toString(),
          d.toString());
      NpzTesting.write(state, d.resolve("java.npz"));
      NpzTesting.write(randomState(shape[0], shape[1], true), d.resolve("java-ragged.npz"));
      try (Stream<Path> list = Files.list(d)) {
        list.filter(p -> p.toString().endsWith(".npz") && !p.toString().contains("manager"))
            .sorted()
            .forEach(files::add);
      }
    }

    assertThat(files).hasSize(shapes.length * 14);
    for (Path file : files) {
      long size = Files.size(file);
      LoadBudget budget = LoadBudget.forFileSize(size);
      Map<String, Object> map = read(file, budget);

      assertThat(map).as("%s", file).containsKey("qilm");
      assertThat(budget.charged())
          .as("%s of %d bytes", file, size)
          .isLessThanOrEqualTo(LoadBudget.BYTES_PER_FILE_BYTE / 2 * size);
      System.out.printf(
          "NpzMemoryAmplificationTest %s/%s: %,d bytes, %,d charged (%.2f×)%n",
          file.getParent().getFileName(),
          file.getFileName(),
          size,
          budget.charged(),
          budget.charged() / (double) size);
    }
  }

  private static Map<String, Object> read(Path file, LoadBudget budget) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return NpzStateCodec.INSTANCE.read(ch, file.toString(), budget).asMap();
    }
  }

  /** A state of {@code n} random rows of {@code d} values, or of 1 to {@code d} when ragged. */
  private static SystemStateRecord randomState(int d, int n, boolean ragged) {
    SplittableRandom r = new SplittableRandom(31L * n + d);
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = r.doubles(ragged ? 1 + r.nextInt(d) : d, -1, 1).toArray();
    }
    Instant t = Instant.parse("2026-11-30T00:00:00Z");
    return new SystemStateRecord(
        1,
        "calibration",
        t,
        t,
        new MemoryStateRecord(
            d,
            0.5,
            0.1,
            0.01,
            1.5,
            2.0,
            0.5,
            0.3,
            r.doubles(d, -1, 1).toArray(),
            new double[d],
            r.doubles(d, -1, 1).toArray()),
        new QilmStateRecord(rows, r.doubles(n, 0, 1).toArray()));
  }
}
