package org.mlsdm.state.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mlsdm.state.internal.json.JsonStateCodecSupport.SOURCE;
import static org.mlsdm.state.internal.json.JsonStateCodecSupport.read;
import static org.mlsdm.state.internal.json.JsonStateCodecSupport.resource;
import static org.mlsdm.state.internal.json.JsonStateCodecSupport.roundTrip;
import static org.mlsdm.state.internal.json.JsonStateCodecSupport.sample;
import static org.mlsdm.state.internal.json.JsonStateCodecSupport.write;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.MigrationRegistry;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.schema.StateMaps;
import org.mlsdm.testing.BytesChannel;

class JsonStateCodecTest {

  private static final double[][] TWO_ROWS = {{0.1, 0.2, 1e-300}, {1.5, -2.0, 3.0}};
  private static final double[] TWO_PHASES = {0.25, 0.75};

  @SuppressWarnings("unchecked")
  private static Map<String, Object> submap(Map<String, Object> map, String key) {
    return (Map<String, Object>) map.get(key);
  }

  @Nested
  class RoundTrip {
    @Test
    void roundTrip_edgeValues_equalRecord() throws IOException {
      SystemStateRecord s = sample("agent-1", TWO_ROWS, TWO_PHASES);

      SystemStateRecord back = roundTrip(s);

      assertThat(back).isEqualTo(s);
      assertThat(Double.doubleToRawLongBits(back.memoryState().stateL1()[1]))
          .isEqualTo(Double.doubleToRawLongBits(-0.0));
      assertThat(back.memoryState().stateL2()[0]).isEqualTo(4.9e-324);
    }

    @Test
    void roundTrip_emptyQilm_equalRecord() throws IOException {
      SystemStateRecord s = sample("a", new double[0][], new double[0]);

      assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void roundTrip_raggedAndEmptyQilmRows_equalRecord() throws IOException {
      double[][] rows = {{1.0}, {}, {1e-300, -0.0, 7.0, 8.0}};
      SystemStateRecord s = sample("a", rows, new double[] {0.0, 0.5, 1.0});

      assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void roundTrip_nullId_writesNullAndReadsNull() throws IOException {
      SystemStateRecord s = sample(null, TWO_ROWS, TWO_PHASES);
      byte[] bytes = write(s);

      assertThat(new String(bytes, UTF_8)).contains("\"id\": null,");
      assertThat(read(bytes)).containsEntry("id", null);
      assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void roundTrip_longUnicodeId_equalRecordAndUtf8OnDisk() throws IOException {
      String id = "agent-é漢字😀\"\\\n\t".repeat(2000);
      SystemStateRecord s = sample(id, TWO_ROWS, TWO_PHASES);
      byte[] bytes = write(s);

      assertThat(new String(bytes, UTF_8)).contains("é漢字😀\\\"\\\\\\n\\t");
      assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void roundTrip_loneSurrogatesInId_escapedAndEqualRecord() throws IOException {
      SystemStateRecord s = sample("a\uD800b\uDC00", TWO_ROWS, TWO_PHASES);

      assertThat(new String(write(s), UTF_8)).contains("a\\uD800b\\uDC00");
      assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void roundTrip_throughFileChannel_equalRecord(@TempDir Path dir) throws IOException {
      SystemStateRecord s = sample("file", TWO_ROWS, TWO_PHASES);
      Path file = dir.resolve("state.json");
      Files.write(file, write(s));

      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        Map<String, Object> map = JsonStateCodec.INSTANCE.read(ch, file.toString()).asMap();

        assertThat(StateMaps.toRecord(map, StateMaps.Arrays.DECODED)).isEqualTo(s);
        assertThat(ch.isOpen()).isTrue();
      }
    }
  }

  @Nested
  class Writing {
    @Test
    void write_layout_isHumanReadableWithOneQilmRowPerLine() {
      SystemStateRecord s =
          new SystemStateRecord(
              1,
              "agent-1",
              Instant.parse("2026-11-26T10:24:07.010760Z"),
              Instant.parse("2026-11-26T10:24:07.012194Z"),
              new MemoryStateRecord(
                  3,
                  MemoryParameters.DEFAULTS,
                  new double[] {0.0, 0.0, 0.0},
                  new double[] {0.0, 1e-300, 0.0},
                  new double[] {0.0, 0.0, -0.0}),
              new QilmStateRecord(TWO_ROWS, TWO_PHASES));

      String text = new String(write(s), UTF_8);

      assertThat(text)
          .isEqualTo(
              """
              {
                "version": 1,
                "id": "agent-1",
                "created_at": "2026-11-26T10:24:07.010760Z",
                "updated_at": "2026-11-26T10:24:07.012194Z",
                "memory_state": {
                  "dimension": 3,
                  "lambda_l1": 0.5,
                  "lambda_l2": 0.1,
                  "lambda_l3": 0.01,
                  "theta_l1": 1.0,
                  "theta_l2": 2.0,
                  "gating12": 0.5,
                  "gating23": 0.3,
                  "state_l1": [0.0, 0.0, 0.0],
                  "state_l2": [0.0, 1.0E-300, 0.0],
                  "state_l3": [0.0, 0.0, -0.0]
                },
                "qilm": {
                  "memory": [
                    [0.1, 0.2, 1.0E-300],
                    [1.5, -2.0, 3.0]
                  ],
                  "phases": [0.25, 0.75]
                }
              }
              """);
    }

    @Test
    void write_emptyQilm_writesEmptyArrays() {
      String text = new String(write(sample("a", new double[0][], new double[0])), UTF_8);

      assertThat(text).contains("\"memory\": [],").contains("\"phases\": []");
    }

    @Test
    void write_timestamps_utcWithSixFractionDigits() {
      SystemStateRecord s =
          sample("a", TWO_ROWS, TWO_PHASES).withUpdatedAt(Instant.parse("2027-01-02T03:04:05Z"));

      assertThat(new String(write(s), UTF_8))
          .contains("\"updated_at\": \"2027-01-02T03:04:05.000000Z\"");
    }

    @Test
    void write_idAtReaderLimit_roundTrips() throws IOException {
      SystemStateRecord s =
          sample("é".repeat(JsonStateCodec.MAX_STRING_LENGTH), TWO_ROWS, TWO_PHASES);

      assertThat(roundTrip(s)).isEqualTo(s);
    }

    @Test
    void write_idLongerThanReaderLimit_throwsBeforeWritingAnything() {
      SystemStateRecord s =
          sample("x".repeat(JsonStateCodec.MAX_STRING_LENGTH + 1), TWO_ROWS, TWO_PHASES);
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      assertThatThrownBy(() -> JsonStateCodec.INSTANCE.write(s, out))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("id must be at most 65536 characters, got 65537");
      assertThat(out.size()).isZero();
    }

    @Test
    void write_leavesStreamOpenAndFlushed() throws IOException {
      class Tracking extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
          closed = true;
        }
      }
      Tracking sink = new Tracking();
      BufferedOutputStream out = new BufferedOutputStream(sink, 1 << 16);

      JsonStateCodec.INSTANCE.write(sample("a", TWO_ROWS, TWO_PHASES), out);

      assertThat(sink.closed).isFalse();
      assertThat(sink.toByteArray()).isEqualTo(write(sample("a", TWO_ROWS, TWO_PHASES)));
      out.write('x');
      out.flush();
      assertThat(sink.size()).isEqualTo(write(sample("a", TWO_ROWS, TWO_PHASES)).length + 1);
    }
  }

  @Nested
  class PythonFiles {
    @Test
    void read_pythonStateJson_exactValues() throws IOException {
      Map<String, Object> map = read(resource("python-written/state.json"));

      assertThat(map.get("version")).isInstanceOf(Number.class);
      assertThat(((Number) map.get("version")).intValue()).isEqualTo(1);
      assertThat(map).containsEntry("created_at", "2026-11-26T10:35:19.917208Z");
      SystemStateRecord s = StateMaps.toRecord(map, StateMaps.Arrays.DECODED);
      assertThat(s.id()).isEqualTo("python-agent");
      assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-11-26T10:35:19.917208Z"));
      assertThat(s.updatedAt()).isEqualTo(Instant.parse("2026-11-26T10:35:19.918680Z"));
      assertThat(s.memoryState().dimension()).isEqualTo(4);
      assertThat(s.memoryState().thetaL1()).isEqualTo(1.5);
      assertThat(s.memoryState().stateL1())
          .containsExactly(
              -0.7931224751578991, 0.24057128353827487, -1.8963263495990657, 1.3957717101086942);
      assertThat(s.memoryState().stateL2()[1]).isEqualTo(1e-300);
      assertThat(s.qilm().size()).isEqualTo(3);
      assertThat(s.qilm().row(2)[3]).isEqualTo(-0.6140183945189056);
      assertThat(s.qilm().phases()).containsExactly(0.1, 0.5, 0.9);
    }

    @Test
    void read_pythonManagerLegacyJson_noVersionAndAliasesMapped() throws IOException {
      Map<String, Object> map = read(resource("python-written/manager-legacy.json"));

      // The raw form migrations take: the file's values, known keys spelled as the schema does.
      assertThat(map).doesNotContainKey("version").containsEntry("format_version", 1L);
      assertThat(StateMaps.version(map)).isZero();
      Map<String, Object> m = submap(map, "memory_state");
      assertThat(m).doesNotContainKeys("state_L1", "state_L2", "state_L3");
      assertThat((double[]) m.get("state_l1")).containsExactly(1.0, 2.0, 3.0);
      assertThat((double[]) m.get("state_l3")).containsExactly(0.5, 0.5, 0.5);
      Map<String, Object> q = submap(map, "qilm");
      assertThat((List<?>) q.get("memory"))
          .satisfiesExactly(
              r -> assertThat((double[]) r).containsExactly(1.0, 2.0, 3.0),
              r -> assertThat((double[]) r).containsExactly(4.0, 5.0, 6.0));
      assertThat(MigrationRegistry.global().migrate(map, 0, 1))
          .doesNotContainKey("format_version")
          .containsEntry("version", 1);
    }
  }

  @Nested
  class Leniency {
    private static final String MEMORY =
        "\"dimension\": 2, \"lambda_l1\": 0.5, \"lambda_l2\": 0.1, \"lambda_l3\": 0.01,"
            + " \"theta_l1\": 1.0, \"theta_l2\": 2.0, \"gating12\": 0.5, \"gating23\": 0.3";

    private String doc(String created, String updated, String memoryExtra, String qilm) {
      return "{\"version\": 1, \"created_at\": \""
          + created
          + "\", \"updated_at\": \""
          + updated
          + "\", \"memory_state\": {"
          + MEMORY
          + memoryExtra
          + "}, \"qilm\": "
          + qilm
          + "}";
    }

    private String levels() {
      return ", \"state_l1\": [1, 2], \"state_l2\": [0, 0], \"state_l3\": [0.5, 0.5]";
    }

    @Test
    void read_keysInAnyOrder_sameRecord() throws IOException {
      String json =
          "{\"qilm\": {\"phases\": [0.5], \"memory\": [[1, 2]]}, \"memory_state\": {"
              + "\"state_l3\": [0.5, 0.5], \"gating23\": 0.3, \"state_l1\": [1, 2],"
              + " \"gating12\": 0.5, \"theta_l2\": 2.0, \"state_l2\": [0, 0], \"theta_l1\": 1.0,"
              + " \"lambda_l3\": 0.01, \"lambda_l2\": 0.1, \"lambda_l1\": 0.5, \"dimension\": 2},"
              + " \"updated_at\": \"2026-01-01T00:00:01Z\", \"id\": \"x\","
              + " \"created_at\": \"2026-01-01T00:00:00Z\", \"version\": 1}";
      String ordered =
          doc(
              "2026-01-01T00:00:00Z",
              "2026-01-01T00:00:01Z",
              levels(),
              "{\"memory\": [[1, 2]], \"phases\": [0.5]}");

      SystemStateRecord a = StateMaps.toRecord(read(json), StateMaps.Arrays.DECODED);
      SystemStateRecord b = StateMaps.toRecord(read(ordered), StateMaps.Arrays.DECODED);

      assertThat(a).isEqualTo(b.withId("x"));
    }

    @Test
    void read_integersForDoubles_readAsDoubles() throws IOException {
      String json =
          "{\"version\": 1, \"created_at\": \"2026-01-01T00:00:00Z\","
              + " \"updated_at\": \"2026-01-01T00:00:00Z\", \"memory_state\": {"
              + "\"dimension\": 2, \"lambda_l1\": 1, \"lambda_l2\": 1, \"lambda_l3\": 1,"
              + " \"theta_l1\": 3, \"theta_l2\": 4, \"gating12\": 0, \"gating23\": 1,"
              + " \"state_l1\": [1, -2], \"state_l2\": [0, 0], \"state_l3\": [7, 123456789012]},"
              + " \"qilm\": {\"memory\": [[1, 2]], \"phases\": [0]}}";

      SystemStateRecord s = StateMaps.toRecord(read(json), StateMaps.Arrays.DECODED);

      assertThat(s.memoryState().lambdaL1()).isEqualTo(1.0);
      assertThat(s.memoryState().thetaL2()).isEqualTo(4.0);
      assertThat(s.memoryState().stateL1()).containsExactly(1.0, -2.0);
      assertThat(s.memoryState().stateL3()).containsExactly(7.0, 123456789012.0);
      assertThat(s.qilm().row(0)).containsExactly(1.0, 2.0);
      assertThat(s.qilm().phase(0)).isEqualTo(0.0);
    }

    @Test
    void read_uppercaseAliases_mappedToLowercase() throws IOException {
      String json =
          doc(
              "2026-01-01T00:00:00Z",
              "2026-01-01T00:00:00Z",
              ", \"state_L1\": [1, 2], \"state_L2\": [3, 4], \"state_l3\": [5, 6]",
              "{\"memory\": [], \"phases\": []}");

      SystemStateRecord s = StateMaps.toRecord(read(json), StateMaps.Arrays.DECODED);

      assertThat(s.memoryState().stateL1()).containsExactly(1.0, 2.0);
      assertThat(s.memoryState().stateL2()).containsExactly(3.0, 4.0);
      assertThat(s.memoryState().stateL3()).containsExactly(5.0, 6.0);
    }

    @Test
    void read_timestampsWithOffsetOrNone_passedThroughAndParsedAsUtc() throws IOException {
      String json =
          doc(
              "2026-11-26T12:35:19.917208+02:00",
              "2026-11-26T10:35:20.5",
              levels(),
              "{\"memory\": [], \"phases\": []}");

      Map<String, Object> map = read(json);
      SystemStateRecord s = StateMaps.toRecord(map, StateMaps.Arrays.DECODED);

      assertThat(map).containsEntry("created_at", "2026-11-26T12:35:19.917208+02:00");
      assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-11-26T10:35:19.917208Z"));
      assertThat(s.updatedAt()).isEqualTo(Instant.parse("2026-11-26T10:35:20.500Z"));
    }

    @Test
    void read_unknownKeysAtEveryLevel_ignored() throws IOException {
      String json =
          "{\"version\": 1, \"extra\": {\"deep\": [1, {\"x\": null, \"y\": [[true]]}],"
              + " \"s\": \"t\"}, \"format_version\": 1, "
              + doc(
                      "2026-01-01T00:00:00Z",
                      "2026-01-01T00:00:00Z",
                      levels() + ", \"note\": \"hi\", \"more\": {\"a\": [1, 2]}",
                      "{\"memory\": [[1]], \"meta\": [[1], {\"k\": 2}], \"phases\": [0.5]}")
                  .substring("{\"version\": 1, ".length());

      Map<String, Object> map = read(json);

      assertThat(map)
          .containsOnlyKeys("version", "created_at", "updated_at", "memory_state", "qilm");
      assertThat(submap(map, "memory_state")).doesNotContainKeys("note", "more");
      assertThat(submap(map, "qilm")).containsOnlyKeys("memory", "phases");
      assertThat(StateMaps.toRecord(map, StateMaps.Arrays.DECODED).qilm().row(0))
          .containsExactly(1.0);
    }

    @Test
    void read_numberBeyondDoubleRange_readsInfinityWhichTheRecordRejects() throws IOException {
      String json =
          doc(
              "2026-01-01T00:00:00Z",
              "2026-01-01T00:00:00Z",
              levels(),
              "{\"memory\": [[1]], \"phases\": [-1e999]}");

      Map<String, Object> map = read(json);

      assertThat((double[]) submap(map, "qilm").get("phases"))
          .containsExactly(Double.NEGATIVE_INFINITY);
      assertThatThrownBy(() -> StateMaps.toRecord(map, StateMaps.Arrays.DECODED))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("phases[0] must be finite");
    }

    @Test
    void read_hugeDeclaredDimensionInTinyFile_readsSmallArraysAndRecordRejects()
        throws IOException {
      String json =
          doc(
                  "2026-01-01T00:00:00Z",
                  "2026-01-01T00:00:00Z",
                  levels(),
                  "{\"memory\": [[1]], \"phases\": [0.5]}")
              .replace("\"dimension\": 2", "\"dimension\": 100000000");

      Map<String, Object> map = read(json);

      assertThat((double[]) submap(map, "memory_state").get("state_l1")).hasSize(2);
      assertThatThrownBy(() -> StateMaps.toRecord(map, StateMaps.Arrays.DECODED))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("state_l1");
    }

    @Test
    void read_channelLeftOpen_onSuccessAndOnFailure() throws IOException {
      BytesChannel good = new BytesChannel(resource("python-written/state.json"));
      BytesChannel bad = new BytesChannel("{\"x\": ".getBytes(UTF_8));

      JsonStateCodec.INSTANCE.read(good, SOURCE);
      assertThatThrownBy(() -> JsonStateCodec.INSTANCE.read(bad, SOURCE))
          .isInstanceOf(StateLoadException.class);

      assertThat(good.isOpen()).isTrue();
      assertThat(bad.isOpen()).isTrue();
    }
  }

  @Nested
  class Malformed {
    /**
     * Type errors are the typed path's, which a current-version file takes: bodies without a
     * version get one in front (a file without one is raw, type-checked after migration).
     */
    static Stream<Arguments> cases() {
      return bodies()
          .map(
              a -> {
                String json = (String) a.get()[0];
                return json.startsWith("{\"") && !json.startsWith("{\"version")
                    ? Arguments.of("{\"version\": 1, " + json.substring(1), a.get()[1])
                    : a;
              });
    }

    static Stream<Arguments> bodies() {
      return Stream.of(
          Arguments.of("", "empty"),
          Arguments.of("  \n\t ", "empty"),
          Arguments.of("[]", "top level"),
          Arguments.of("42", "top level"),
          Arguments.of("\"state\"", "top level"),
          Arguments.of("{\"version\": \"1\"}", "version: expected a number"),
          Arguments.of("{\"version\": null}", "version: expected a number"),
          Arguments.of("{\"id\": 5}", "id: expected a string"),
          Arguments.of("{\"created_at\": null}", "created_at: expected a string"),
          Arguments.of("{\"updated_at\": [\"x\"]}", "updated_at: expected a string"),
          Arguments.of("{\"memory_state\": []}", "memory_state: expected an object"),
          Arguments.of("{\"qilm\": \"none\"}", "qilm: expected an object"),
          Arguments.of(
              "{\"memory_state\": {\"dimension\": true}}", "memory_state.dimension: expected"),
          Arguments.of(
              "{\"memory_state\": {\"lambda_l1\": {}}}", "memory_state.lambda_l1: expected"),
          Arguments.of(
              "{\"memory_state\": {\"state_l1\": 5}}", "memory_state.state_l1: expected an array"),
          Arguments.of(
              "{\"memory_state\": {\"state_l1\": [1, 2, 3, \"x\"]}}",
              "memory_state.state_l1[3]: expected a number, got a string"),
          Arguments.of(
              "{\"memory_state\": {\"state_L2\": [1, [2]]}}",
              "memory_state.state_L2[1]: expected a number, got an array"),
          Arguments.of(
              "{\"memory_state\": {\"state_l3\": [null]}}", "memory_state.state_l3[0]: expected"),
          Arguments.of(
              "{\"memory_state\": {\"state_l1\": [1], \"state_L1\": [1]}}",
              "both state_l1 and state_L1"),
          Arguments.of(
              "{\"memory_state\": {\"state_L2\": [1], \"state_l2\": [1]}}",
              "both state_l2 and state_L2"),
          Arguments.of("{\"qilm\": {\"memory\": {}}}", "qilm.memory: expected an array of arrays"),
          Arguments.of("{\"qilm\": {\"memory\": [[1], 2]}}", "qilm.memory[1]: expected an array"),
          Arguments.of(
              "{\"qilm\": {\"memory\": [[1], [2], [[3]]]}}",
              "qilm.memory[2][0]: expected a number"),
          Arguments.of("{\"qilm\": {\"phases\": [0.5, NaN]}}", "qilm.phases"),
          Arguments.of("{\"qilm\": {\"phases\": [Infinity]}}", "qilm.phases"),
          Arguments.of("{\"qilm\": {\"phases\": [-Infinity]}}", "qilm.phases"),
          Arguments.of("{\"version\": 1, \"version\": 1}", "version"),
          Arguments.of("{\"qilm\": {\"phases\": [], \"phases\": []}}", "qilm.phases"),
          Arguments.of("{} {}", "after the root object"),
          Arguments.of("{} x", "Unrecognized token"),
          Arguments.of("{\"version\": 1,}", "version"),
          Arguments.of("{\"version\": 1 // note\n}", "version"),
          Arguments.of("{'version': 1}", "line 1"),
          Arguments.of(
              "{\"memory_state\": {\"state_l1\": [1, 2",
              "memory_state.state_l1[1]: truncated: unexpected end of file"),
          Arguments.of(
              "{\"qilm\": {\"memory\": [[1, 2], [3",
              "qilm.memory[1][0]: truncated: unexpected end of file"),
          Arguments.of("{\"id\": \"abc", "id: truncated"),
          Arguments.of("{\"qilm\": {", "truncated"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("cases")
    void read_malformed_throwsMalformedNamingSourcePathAndLocation(String json, String expected) {
      StateLoadException e = catchThrowableOfType(StateLoadException.class, () -> read(json));

      assertThat(e).as("read(%s)", json).isNotNull();
      assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED);
      assertThat(e.getMessage()).startsWith(SOURCE + ": ").contains(expected);
      if (!json.isBlank()) {
        assertThat(e.getMessage()).containsPattern("line \\d+, column \\d+, offset \\d+");
      }
    }

    @Test
    void read_duplicateKey_messageNamesTheKey() {
      assertThatThrownBy(() -> read("{\"qilm\": {\"memory\": [], \"memory\": []}}"))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("Duplicate")
          .hasMessageContaining("'memory'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "note"})
    void read_invalidUtf8InKnownOrSkippedString_throwsMalformedNamingField(String key) {
      byte[] bytes = ("{\"" + key + "\": \"ab__\"}").getBytes(UTF_8);
      bytes[key.length() + 8] = (byte) 0xff;
      bytes[key.length() + 9] = (byte) 0xfe;

      assertThatThrownBy(() -> read(bytes))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining(SOURCE + ": " + key + ": ")
          .hasMessageContaining("UTF-8");
    }
  }

  @Nested
  class Limits {
    @ParameterizedTest
    @ValueSource(strings = {"{\"x\": ", "{\"x\": {\"y\": ", "["})
    void read_nestingBombInUnknownKey_throwsMalformedAtDepthLimit(String prefix) {
      String json = prefix + "[".repeat(100_000);

      assertThatThrownBy(() -> read(json))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining(prefix.equals("[") ? "top level" : "nesting depth");
    }

    @Test
    void read_nestingBombInQilmMemory_throwsMalformedAtThirdLevel() {
      String json = "{\"version\": 1, \"qilm\": {\"memory\": " + "[".repeat(100_000);

      assertThatThrownBy(() -> read(json))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("qilm.memory[0][0]: expected a number, got an array");
    }

    @Test
    void read_nestingWithinLimitInUnknownKey_skipped() throws IOException {
      int depth = JsonStateCodec.MAX_DEPTH - 1;
      String json =
          "{\"version\": 1, \"x\": " + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";

      assertThat(read(json)).containsOnlyKeys("version");
    }

    @Test
    void read_tenMegabyteNumber_throwsMalformedNamingField() {
      String json = "{\"qilm\": {\"phases\": [1" + "1".repeat(10_000_000) + "]}}";

      assertThatThrownBy(() -> read(json))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("qilm.phases[0]")
          .hasMessageContaining("exceeds the maximum allowed");
    }

    @Test
    void read_numberLongerThanLimit_throwsMalformedNamingField() {
      String json = "{\"memory_state\": {\"dimension\": 1" + "0".repeat(200) + "}}";

      assertThatThrownBy(() -> read(json))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("memory_state.dimension")
          .hasMessageContaining("Number value length");
    }

    @Test
    void read_hugeString_throwsMalformedNamingField() {
      String json = "{\"id\": \"" + "a".repeat(JsonStateCodec.MAX_STRING_LENGTH + 1) + "\"}";

      assertThatThrownBy(() -> read(json))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("id")
          .hasMessageContaining("String value length");
    }

    @Test
    void read_hugeKey_throwsMalformed() {
      String json = "{\"" + "k".repeat(JsonStateCodec.MAX_NAME_LENGTH + 1) + "\": 1}";

      assertThatThrownBy(() -> read(json))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("Name length");
    }

    @Test
    void read_moreValuesThanTheReportedSizeAllows_throwsMalformed() {
      StringBuilder sb = new StringBuilder("{\"qilm\": {\"phases\": [0");
      for (int i = 0; i < 1000; i++) {
        sb.append(",0");
      }
      byte[] bytes = sb.append("]}}").toString().getBytes(UTF_8);
      BytesChannel lying = new BytesChannel(bytes, 100);

      assertThatThrownBy(() -> JsonStateCodec.INSTANCE.read(lying, SOURCE))
          .isInstanceOf(StateLoadException.class)
          .hasMessageContaining("qilm.phases")
          .hasMessageContaining("more than the file can hold");
    }

    @Test
    void read_longVector_arrayHasExactLength() throws IOException {
      double[] values = new double[100_003];
      Arrays.setAll(values, i -> i * 0.5);
      SystemStateRecord s = sample("a", new double[][] {values, {}}, new double[] {1, 2});

      assertThat(roundTrip(s).qilm().row(0)).isEqualTo(values);
    }
  }

  @Nested
  class Corruption {
    private void assertLoadsOrFailsCleanly(byte[] bytes, String what) {
      Map<String, Object> map;
      try {
        map = read(bytes);
      } catch (StateLoadException e) {
        assertThat(e.reason()).as(what).isEqualTo(StateLoadException.Reason.MALFORMED);
        assertThat(e.getMessage()).as(what).startsWith(SOURCE);
        return;
      } catch (Throwable t) {
        throw new AssertionError(what + ": unexpected " + t, t);
      }
      try {
        StateMaps.toRecord(map, StateMaps.Arrays.DECODED);
      } catch (StateValidationException e) {
        assertThat(e.getMessage()).as(what).isNotBlank();
      }
    }

    @Test
    void read_everyTruncationOfPythonFile_throwsStateLoadException() {
      byte[] full = resource("python-written/state.json");
      for (int len = 0; len < full.length; len++) {
        byte[] cut = Arrays.copyOf(full, len);
        String what = "truncated to " + len;
        assertThatThrownBy(() -> read(cut)).as(what).isInstanceOf(StateLoadException.class);
      }
    }

    @Test
    void read_everyTruncationOfJavaFile_throwsStateLoadException() {
      byte[] full = write(sample("é😀", TWO_ROWS, TWO_PHASES));
      // The last byte is the trailing newline, which is not needed.
      for (int len = 0; len < full.length - 1; len++) {
        byte[] cut = Arrays.copyOf(full, len);
        String what = "truncated to " + len;
        assertThatThrownBy(() -> read(cut)).as(what).isInstanceOf(StateLoadException.class);
      }
    }

    @Test
    void read_everySingleBitFlipOfPythonFile_loadsOrThrowsStateLoadException() {
      byte[] full = resource("python-written/state.json");
      for (int i = 0; i < full.length; i++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] flipped = full.clone();
          flipped[i] ^= (byte) (1 << bit);
          assertLoadsOrFailsCleanly(flipped, "bit " + bit + " of byte " + i);
        }
      }
    }

    @Test
    void read_everyByteOverwrittenInJavaFile_loadsOrThrowsStateLoadException() {
      byte[] full = write(sample("é😀", TWO_ROWS, TWO_PHASES));
      byte[] replacements = {0, '"', '[', ']', '{', '}', ',', ':', '-', 'e', (byte) 0xc3};
      for (int i = 0; i < full.length; i++) {
        for (byte r : replacements) {
          byte[] changed = full.clone();
          changed[i] = r;
          assertLoadsOrFailsCleanly(changed, "byte " + i + " set to " + r);
        }
      }
    }
  }
}
