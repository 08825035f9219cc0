package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlsdm.state.internal.npz.NpzTesting.MANAGER_MEMORY;
import static org.mlsdm.state.internal.npz.NpzTesting.MANAGER_QILM;
import static org.mlsdm.state.internal.npz.NpzTesting.STATE_JSON;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.MigrationRegistry;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.schema.StateMaps;
import org.mlsdm.state.internal.schema.Timestamps;
import org.mlsdm.testing.Python;

class NpzStateCodecTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123456Z");

  static SystemStateRecord state(String id, double[][] memory) {
    int d = 3;
    double[] phases = new double[memory.length];
    for (int i = 0; i < phases.length; i++) {
      phases[i] = i / 7.0;
    }
    return new SystemStateRecord(
        1,
        id,
        T0,
        T0.plusMillis(1500),
        new MemoryStateRecord(
            d,
            MemoryParameters.CALIBRATED,
            new double[] {0.1, -0.0, 1e-300},
            new double[] {Double.MIN_VALUE, 2.5, -3},
            new double[] {Double.MAX_VALUE, 1 / 3.0, 0}),
        new QilmStateRecord(memory, phases));
  }

  static Stream<Arguments> javaStates() {
    return Stream.of(
        Arguments.of(
            "rectangular", state("agent-ü-𝄞", new double[][] {{1, 2, 3}, {0.1, 0.2, 1e-300}})),
        Arguments.of("ragged", state("agent-1", new double[][] {{1, 2, 3}, {}, {0.5}})),
        Arguments.of("empty", state("agent-1", new double[0][])),
        Arguments.of("nullId", state(null, new double[][] {{1, 2, 3}})),
        Arguments.of("state.json", STATE_JSON));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("javaStates")
  void write_thenRead_returnsEqualRecord(String name, SystemStateRecord state) throws IOException {
    Path file = NpzTesting.write(state, dir.resolve(name + ".npz"));

    assertThat(NpzTesting.readRecord(file)).isEqualTo(state);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("javaStates")
  void write_numpyLoadsWithoutPickle_exactDtypesShapesAndValues(
      String name, SystemStateRecord state) throws IOException {
    Path file = NpzTesting.write(state, dir.resolve(name + ".npz"));

    String described = Python.run("npz_describe.py", file.toAbsolutePath().toString());

    assertThat(described.strip()).isEqualTo(expectedDescription(state));
  }

  @Test
  void write_sameStateTwice_givesSameBytes() throws IOException {
    SystemStateRecord s = state("a", new double[][] {{1, 2, 3}});

    assertThat(NpzTesting.bytes(s)).isEqualTo(NpzTesting.bytes(s));
  }

  @Test
  void write_dataOfEveryEntryStartsOn64ByteBoundaryWithinItsNpy() throws IOException {
    for (Map.Entry<String, byte[]> e : NpzTesting.entries(STATE_JSON).entrySet()) {
      byte[] npy = e.getValue();
      int headerLength = (npy[8] & 0xFF) | (npy[9] & 0xFF) << 8;
      assertThat(npy[6]).as(e.getKey()).isEqualTo((byte) 1);
      assertThat((10 + headerLength) % 64).as(e.getKey()).isZero();
    }
  }

  /** What npz_describe.py must print for a state written per API.md §5. */
  private static String expectedDescription(SystemStateRecord s) {
    List<String> lines = new ArrayList<>();
    lines.add("version <i8 () " + s.version());
    if (s.id() != null) {
      lines.add("id <U" + s.id().codePointCount(0, s.id().length()) + " () '" + s.id() + "'");
    }
    String created = Timestamps.format(s.createdAt());
    String updated = Timestamps.format(s.updatedAt());
    lines.add("created_at <U" + created.length() + " () '" + created + "'");
    lines.add("updated_at <U" + updated.length() + " () '" + updated + "'");
    MemoryStateRecord m = s.memoryState();
    lines.add("memory_state.dimension <i8 () " + m.dimension());
    String[] names = {
      "lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2", "gating12", "gating23"
    };
    double[] values = {
      m.lambdaL1(), m.lambdaL2(), m.lambdaL3(), m.thetaL1(), m.thetaL2(), m.gating12(), m.gating23()
    };
    for (int i = 0; i < names.length; i++) {
      lines.add("memory_state." + names[i] + " <f8 () " + bits(values[i]));
    }
    lines.add(vectorLine("memory_state.state_l1", m.stateL1()));
    lines.add(vectorLine("memory_state.state_l2", m.stateL2()));
    lines.add(vectorLine("memory_state.state_l3", m.stateL3()));
    double[][] rows = s.qilm().memory();
    boolean rectangular = true;
    for (double[] row : rows) {
      rectangular &= row.length == (rows.length == 0 ? 0 : rows[0].length);
    }
    StringBuilder flat = new StringBuilder();
    StringBuilder lengths = new StringBuilder();
    for (double[] row : rows) {
      for (double v : row) {
        flat.append(' ').append(bits(v));
      }
      lengths.append(' ').append(row.length);
    }
    if (rectangular) {
      int width = rows.length == 0 ? 0 : rows[0].length;
      lines.add("qilm.memory <f8 (" + rows.length + ", " + width + ")" + flat);
    } else {
      int total = 0;
      for (double[] row : rows) {
        total += row.length;
      }
      lines.add("qilm.memory_flat <f8 (" + total + ",)" + flat);
      lines.add("qilm.memory_lengths <i8 (" + rows.length + ",)" + lengths);
    }
    lines.add(vectorLine("qilm.phases", s.qilm().phases()));
    lines.sort(null);
    return String.join("\n", lines);
  }

  private static String vectorLine(String name, double[] values) {
    StringBuilder b = new StringBuilder(name + " <f8 (" + values.length + ",)");
    for (double v : values) {
      b.append(' ').append(bits(v));
    }
    return b.toString();
  }

  private static String bits(double v) {
    return Long.toString(Double.doubleToRawLongBits(v));
  }

  // ---- reading what Python writes ----

  static Stream<String> goldenStateFiles() {
    return Stream.of("numpy1", "numpy2")
        .flatMap(
            v ->
                Stream.of(
                        "native-savez.npz",
                        "native-savez-compressed.npz",
                        "native-ragged.npz",
                        "native-fortran.npz",
                        "native-big-endian.npz",
                        "native-streamed.npz",
                        "native-npy-v2.npz",
                        "native-npy-v3.npz",
                        "pickled-state.npz",
                        "pickled-state-compressed.npz",
                        "pickled-state-protocol2.npz",
                        "pickled-state-protocol5.npz")
                    .map(f -> v + "/" + f));
  }

  static Stream<String> goldenManagerFiles() {
    return Stream.of("numpy1", "numpy2")
        .flatMap(
            v ->
                Stream.of("manager.npz", "manager-compressed.npz", "manager-protocol2.npz")
                    .map(f -> v + "/" + f));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenStateFiles")
  void read_goldenStateVariant_givesStateJsonValues(String golden) throws IOException {
    Path file = NpzTesting.RESOURCES.resolve("npz").resolve(golden);

    assertThat(NpzTesting.readRecord(file)).isEqualTo(STATE_JSON);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenManagerFiles")
  void read_goldenManagerVariant_givesVersionZeroMapOfManagerJsonValues(String golden)
      throws IOException {
    Map<String, Object> map = NpzTesting.read(NpzTesting.RESOURCES.resolve("npz").resolve(golden));

    assertManagerLegacy(map);
  }

  @Test
  void read_pythonWrittenStateNpz_givesStateJsonValuesAndItsOwnUpdatedAt() throws IOException {
    SystemStateRecord read =
        NpzTesting.readRecord(NpzTesting.RESOURCES.resolve("python-written/state.npz"));

    assertThat(read)
        .isEqualTo(STATE_JSON.withUpdatedAt(Instant.parse("2026-11-26T10:35:19.919847Z")));
  }

  @Test
  void read_pythonWrittenManagerLegacyNpz_givesVersionZeroMapOfManagerJsonValues()
      throws IOException {
    assertManagerLegacy(
        NpzTesting.read(NpzTesting.RESOURCES.resolve("python-written/manager-legacy.npz")));
  }

  @Test
  void read_everyVariantNumpyWritesNow_givesTheSameValues() throws IOException {
    Path out = Files.createDirectories(dir.resolve("variants"));
    String names =
        Python.run(
            "npz_write_variants.py",
            NpzTesting.RESOURCES.resolve("python-written/state.json").toAbsolutePath().toString(),
            NpzTesting.RESOURCES
                .resolve("python-written/manager-legacy.json")
                .toAbsolutePath()
                .toString(),
            out.toAbsolutePath().toString());

    List<String> files = names.strip().lines().toList();
    assertThat(files).hasSize(15);
    for (String f : files) {
      Map<String, Object> map = NpzTesting.read(out.resolve(f));
      if (f.startsWith("manager")) {
        assertManagerLegacy(map);
      } else {
        assertThat(StateMaps.toRecord(map, StateMaps.Arrays.DECODED)).as(f).isEqualTo(STATE_JSON);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "python-written/manager-legacy.npz",
        "npz/numpy2/manager.npz",
        "npz/numpy1/manager-protocol2.npz"
      })
  void load_legacyManagerNpzThroughTheStore_migratesToVersion1(String name) throws IOException {
    Path copy = dir.resolve("manager.npz");
    Files.copy(NpzTesting.RESOURCES.resolve(name), copy);

    SystemStateRecord loaded = SystemStates.load(copy);

    assertThat(loaded.version()).isEqualTo(SystemStates.CURRENT_SCHEMA_VERSION);
    assertThat(loaded.memoryState()).isEqualTo(MANAGER_MEMORY);
    assertThat(loaded.qilm()).isEqualTo(MANAGER_QILM);
  }

  @Test
  void saveAndLoadThroughTheStore_npzRoundTrips() throws IOException {
    Path file = dir.resolve("store.npz");

    SystemStateRecord saved = SystemStates.save(STATE_JSON, file);

    assertThat(SystemStates.load(file)).isEqualTo(saved);
    assertThat(Python.run("npz_describe.py", file.toAbsolutePath().toString()))
        .contains("qilm.memory <f8 (3, 4)");
  }

  @Test
  void read_archiveWithZip64EndRecords_givesTheState() throws IOException {
    byte[] zip = NpzTesting.bytes(STATE_JSON);
    ByteBuffer in = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int end = zip.length - 22;
    long entries = in.getShort(end + 10);
    long size = in.getInt(end + 12);
    long start = in.getInt(end + 16);
    ByteBuffer out = ByteBuffer.allocate(end + 56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    out.put(zip, 0, end);
    out.putInt(0x06064b50)
        .putLong(44)
        .putShort((short) 45)
        .putShort((short) 45)
        .putInt(0)
        .putInt(0)
        .putLong(entries)
        .putLong(entries)
        .putLong(size)
        .putLong(start);
    out.putInt(0x07064b50).putInt(0).putLong(end).putInt(1);
    out.putInt(0x06054b50)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) -1)
        .putShort((short) -1)
        .putInt(-1)
        .putInt(-1)
        .putShort((short) 0);

    Path file = NpzTesting.file(dir, out.array());

    assertThat(NpzTesting.readRecord(file)).isEqualTo(STATE_JSON);
  }

  private static void assertManagerLegacy(Map<String, Object> map) {
    assertThat(map).doesNotContainKey("version");
    assertThat(map.get("format_version")).isEqualTo(1L);
    SystemStateRecord r = NpzTesting.legacyAsRecord(map);
    assertThat(r.memoryState()).isEqualTo(MANAGER_MEMORY);
    assertThat(r.qilm()).isEqualTo(MANAGER_QILM);
  }

  /**
   * A native-layout file at an older schema version is read into the raw form before any type
   * check, so that a migration can repair a value of the wrong type.
   */
  @Test
  void load_nativeLayoutAtOlderVersion_migrationSeesRawEntriesAndRepairsTypes(@TempDir Path dir)
      throws IOException {
    SystemStateRecord s = STATE_JSON;
    String dimension = String.valueOf(s.memoryState().dimension());
    Map<String, byte[]> e = NpzTesting.entries(s);
    e.put(
        "version.npy",
        NpzTesting.npy("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[8]));
    e.put("memory_state.dimension.npy", NpzTesting.entries(s.withId(dimension)).get("id.npy"));
    Path file = dir.resolve("old.npz");
    Files.write(file, NpzTesting.zip(false, e));

    Map<String, Object> raw = NpzTesting.read(file);

    assertThat(raw.get("version")).isEqualTo(0L);
    @SuppressWarnings("unchecked")
    Map<String, Object> memory = (Map<String, Object>) raw.get("memory_state");
    assertThat(memory.get("dimension")).isEqualTo(dimension);
    assertThat((double[]) memory.get("state_l1")).containsExactly(s.memoryState().stateL1());
    MigrationRegistry r = MigrationRegistry.create();
    r.register(
        0,
        1,
        m -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> ms = (Map<String, Object>) m.get("memory_state");
          ms.put("dimension", Long.parseLong((String) ms.get("dimension")));
          return m;
        });
    assertThat(SystemStates.load(file, LoadOptions.defaults().withMigrations(r))).isEqualTo(s);
  }
}
