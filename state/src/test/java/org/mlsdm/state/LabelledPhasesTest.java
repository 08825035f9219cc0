package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.state.internal.npz.NpzStateCodec;
import org.mlsdm.state.internal.store.StateCodec;
import org.mlsdm.testing.Python;
import org.mlsdm.testing.StoreFiles;

/** Labelled QILM phases (issue 11, item 1): the record, both formats, the Python files. */
class LabelledPhasesTest {
  @TempDir Path dir;

  private static final double[][] ROWS = {{1, 2}, {3, 4}, {5, 6}};

  static SystemStateRecord withQilm(QilmStateRecord q) {
    return SystemStates.createEmpty(2).withQilm(q);
  }

  @Nested
  class TheRecord {
    @Test
    void ofPhases_mixed_givesEachKindBack() {
      QilmStateRecord q =
          QilmStateRecord.ofPhases(ROWS, List.of(Phase.of(0.25), Phase.of("wake"), Phase.of("")));

      assertThat(q.hasLabels()).isTrue();
      assertThat(q.phaseAt(0)).isEqualTo(Phase.of(0.25));
      assertThat(q.phaseAt(1)).isEqualTo(Phase.of("wake"));
      assertThat(q.phaseList()).containsExactly(Phase.of(0.25), Phase.of("wake"), Phase.of(""));
      assertThat(q.phase(0)).isEqualTo(0.25);
      assertThat(q.labels()).containsExactly(null, "wake", "");
    }

    @Test
    void phase_ofLabelledEntry_throwsNamingTheLabel() {
      QilmStateRecord q =
          QilmStateRecord.ofPhases(ROWS, List.of(Phase.of(0.25), Phase.of("wake"), Phase.of(1)));

      assertThatThrownBy(() -> q.phase(1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("phases[1]")
          .hasMessageContaining("wake")
          .hasMessageContaining("phaseAt");
      assertThatThrownBy(q::phases)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("phaseList");
      assertThatThrownBy(() -> q.phase(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ofPhases_allNumbers_equalsNumericConstructor() {
      QilmStateRecord viaPhases =
          QilmStateRecord.ofPhases(ROWS, List.of(Phase.of(1), Phase.of(2), Phase.of(3)));
      QilmStateRecord numeric = new QilmStateRecord(ROWS, new double[] {1, 2, 3});
      QilmStateRecord allNullLabels =
          new QilmStateRecord(ROWS, new double[] {1, 2, 3}, new String[3]);

      assertThat(viaPhases).isEqualTo(numeric).isEqualTo(allNullLabels);
      assertThat(viaPhases.hashCode()).isEqualTo(numeric.hashCode());
      assertThat(viaPhases.hasLabels()).isFalse();
      assertThat(numeric.labels()).containsExactly(null, null, null);
    }

    @Test
    void equals_goesByKindAndContent() {
      QilmStateRecord a = QilmStateRecord.ofPhases(ROWS, List.of(p("a"), p("b"), p("c")));
      QilmStateRecord same = QilmStateRecord.ofPhases(ROWS, List.of(p("a"), p("b"), p("c")));
      QilmStateRecord other = QilmStateRecord.ofPhases(ROWS, List.of(p("a"), p("b"), p("d")));

      assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(other);
      assertThat(Phase.of(1.0)).isNotEqualTo(Phase.of("1.0"));
      assertThat(a.toString()).contains("\"a\", \"b\", \"c\"");
    }

    @Test
    void constructor_copiesLabels() {
      String[] labels = {"x", null, "y"};
      QilmStateRecord q = new QilmStateRecord(ROWS, new double[3], labels);
      labels[0] = "changed";
      q.labels()[2] = "changed";

      assertThat(q.labels()).containsExactly("x", null, "y");
    }

    @Test
    void constructor_labelledPositionWithNonZeroNumber_refused() {
      assertThatThrownBy(
              () ->
                  new QilmStateRecord(
                      ROWS, new double[] {0, 0.5, 0}, new String[] {null, "x", null}))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("phases[1]");
    }

    @Test
    void constructor_labelsOfOtherLength_refused() {
      assertThatThrownBy(() -> new QilmStateRecord(ROWS, new double[3], new String[2]))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("labels=2");
    }

    @Test
    void label_withNul_refused() {
      assertThatThrownBy(() -> Phase.of("wa\u0000ke"))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("U+0000");
      assertThatThrownBy(() -> Phase.of(Double.NaN)).isInstanceOf(StateValidationException.class);
    }

    private Phase p(String label) {
      return Phase.of(label);
    }
  }

  static Stream<QilmStateRecord> labelledQilms() {
    return Stream.of(
        QilmStateRecord.ofPhases(ROWS, List.of(Phase.of("wake"), Phase.of("sleep"), Phase.of(""))),
        QilmStateRecord.ofPhases(ROWS, List.of(Phase.of(0.25), Phase.of("wake"), Phase.of(-0.0))),
        QilmStateRecord.ofPhases(
            new double[][] {{1, 2}, {3}},
            List.of(Phase.of("ünïcödé 𝄞 \"quoted\" \\"), Phase.of(1e-300))),
        QilmStateRecord.ofPhases(
            ROWS, List.of(Phase.of("1.0"), Phase.of(1.0), Phase.of("\ud800 lone"))));
  }

  @ParameterizedTest
  @MethodSource("labelledQilms")
  void saveLoad_labelledPhases_roundTripExactlyInBothFormats(QilmStateRecord q) {
    for (String ext : List.of("json", "npz")) {
      Path p = dir.resolve("s." + ext);
      SystemStateRecord saved = SystemStates.save(withQilm(q), p);

      SystemStateRecord loaded = SystemStates.load(p);

      assertThat(loaded).as(ext).isEqualTo(saved);
      assertThat(loaded.qilm().phaseList()).as(ext).isEqualTo(q.phaseList());
    }
  }

  @Test
  void json_labels_areStringsInPhases() throws IOException {
    QilmStateRecord q =
        QilmStateRecord.ofPhases(
            ROWS, List.of(Phase.of(0.25), Phase.of("wake"), Phase.of("sleep")));

    String text = new String(write(JsonStateCodec.INSTANCE, withQilm(q)), StandardCharsets.UTF_8);

    assertThat(text).contains("\"phases\": [0.25, \"wake\", \"sleep\"]");
  }

  @Test
  void npz_labels_numpyReadsThemWithoutPickles() {
    Path all = dir.resolve("all.npz");
    Path mixed = dir.resolve("mixed.npz");
    SystemStates.save(
        withQilm(
            QilmStateRecord.ofPhases(
                ROWS, List.of(Phase.of("wake"), Phase.of("sleep"), Phase.of("wake")))),
        all);
    SystemStates.save(
        withQilm(
            QilmStateRecord.ofPhases(ROWS, List.of(Phase.of(0.5), Phase.of("sleep"), Phase.of(2)))),
        mixed);

    assertThat(Python.run("npz_describe.py", all.toString()))
        .contains("qilm.phases <U5 (3,) 'wake' 'sleep' 'wake'")
        .doesNotContain("phase_labels");
    assertThat(Python.run("npz_describe.py", mixed.toString()))
        .contains("qilm.phases_is_label |b1 (3,) 'False' 'True' 'False'")
        .contains("qilm.phases_labels <U5 (3,) '' 'sleep' ''")
        .contains(
            "qilm.phases <f8 (3,) "
                + Double.doubleToRawLongBits(0.5)
                + " 0 "
                + Double.doubleToRawLongBits(2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"numeric.json", "numeric.npz", "numeric-ragged.json", "numeric-ragged.npz"})
  void write_allNumericPhases_isByteForByteTheFormerOutput(String golden) throws IOException {
    byte[] expected = resource("golden/" + golden);
    StateCodec codec = golden.endsWith(".json") ? JsonStateCodec.INSTANCE : NpzStateCodec.INSTANCE;
    SystemStateRecord record =
        SystemStates.load(StoreFiles.resource("golden/" + golden, dir.resolve(golden)));

    assertThat(write(codec, record)).isEqualTo(expected);
  }

  @Test
  void load_pythonManagerLabelledJson_givesTheRhythmLabels() {
    assertLabelledManager(
        SystemStates.load(
            StoreFiles.resource("python-written/manager-labelled.json", dir.resolve("m.json"))));
  }

  @Test
  void load_pythonManagerLabelledNpz_givesTheRhythmLabels() {
    assertLabelledManager(
        SystemStates.load(
            StoreFiles.resource("python-written/manager-labelled.npz", dir.resolve("m.npz"))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "manager-labelled.json",
        "manager-labelled.npz",
        "manager-legacy.json",
        "manager-legacy.npz",
        "state.json",
        "state.npz"
      })
  void load_everyPythonFixture_loadsAndSurvivesOurRoundTrip(String fixture) {
    SystemStateRecord loaded =
        SystemStates.load(StoreFiles.resource("python-written/" + fixture, dir.resolve(fixture)));
    Path again = dir.resolve("again-" + fixture);

    SystemStateRecord saved = SystemStates.save(loaded, again);

    assertThat(SystemStates.load(again)).isEqualTo(saved);
    assertThat(saved.qilm()).isEqualTo(loaded.qilm());
  }

  @Test
  void load_pythonManagerLabelled_sameRecordFromBothFormats() {
    SystemStateRecord json =
        SystemStates.load(
            StoreFiles.resource("python-written/manager-labelled.json", dir.resolve("m.json")));
    SystemStateRecord npz =
        SystemStates.load(
            StoreFiles.resource("python-written/manager-labelled.npz", dir.resolve("m.npz")));

    assertThat(npz.memoryState()).isEqualTo(json.memoryState());
    assertThat(npz.qilm()).isEqualTo(json.qilm());
  }

  @Test
  void fromMap_phaseThatIsABoolean_refused() {
    var map = SystemStates.toMap(withQilm(new QilmStateRecord(ROWS, new double[3])));
    @SuppressWarnings("unchecked")
    var qilm = (java.util.Map<String, Object>) map.get("qilm");
    qilm.put("phases", new java.util.ArrayList<Object>(List.of("wake", true, 1.0)));

    assertThatThrownBy(() -> SystemStates.fromMap(map))
        .isInstanceOf(StateValidationException.class)
        .hasMessageContaining("phases[1] must be a number or a string, got Boolean");
  }

  @Test
  void toMapFromMap_labelledPhases_roundTrip() {
    SystemStateRecord s =
        withQilm(
            QilmStateRecord.ofPhases(ROWS, List.of(Phase.of(0.5), Phase.of("wake"), Phase.of(2))));

    assertThat(SystemStates.fromMap(SystemStates.toMap(s))).isEqualTo(s);
  }

  private static void assertLabelledManager(SystemStateRecord s) {
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.memoryState().dimension()).isEqualTo(4);
    assertThat(s.qilm().size()).isEqualTo(5);
    assertThat(s.qilm().phaseList())
        .containsExactly(
            Phase.of("wake"),
            Phase.of("wake"),
            Phase.of("wake"),
            Phase.of("sleep"),
            Phase.of("sleep"));
    assertThat(s.qilm().row(0)[0]).isEqualTo(0.10541424899789856);
  }

  static byte[] write(StateCodec codec, SystemStateRecord s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.write(s, out);
    return out.toByteArray();
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = LabelledPhasesTest.class.getResourceAsStream("/" + name)) {
      return Objects.requireNonNull(in, name).readAllBytes();
    }
  }
}
