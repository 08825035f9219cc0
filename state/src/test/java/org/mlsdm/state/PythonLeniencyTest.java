package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.testing.Python;

/** Issue 11, items 4 and 5: what Java refuses at save, and where it is as lenient as Python. */
class PythonLeniencyTest {
  @TempDir Path dir;

  private static final String V1_WITHOUT_TIMESTAMPS =
      """
      {"version": 1, "id": "a",
       "memory_state": {"dimension": 1, "lambda_l1": 0.5, "lambda_l2": 0.1, "lambda_l3": 0.01,
         "theta_l1": 1.0, "theta_l2": 2.0, "gating12": 0.5, "gating23": 0.3,
         "state_l1": [1.0], "state_l2": [0.0], "state_l3": [0.0]},
       "qilm": {"memory": [], "phases": []}%s}
      """;

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_versionAboveCurrent_refusedBeforeAnythingIsTouched(String ext) {
    Path p = dir.resolve("s." + ext);
    SystemStateRecord newer =
        new SystemStateRecord(
            SystemStates.CURRENT_SCHEMA_VERSION + 1,
            null,
            Instant.EPOCH,
            Instant.EPOCH,
            SystemStates.createEmpty(2).memoryState(),
            QilmStateRecord.EMPTY);

    assertThatThrownBy(() -> SystemStates.save(newer, p))
        .isInstanceOf(StateValidationException.class)
        .hasMessageContaining("version must be at most " + SystemStates.CURRENT_SCHEMA_VERSION)
        .hasMessageContaining("got " + (SystemStates.CURRENT_SCHEMA_VERSION + 1));
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void load_v1WithoutTimestamps_usesTheTimeOfLoading() throws Exception {
    Path p = dir.resolve("s.json");
    Files.writeString(p, V1_WITHOUT_TIMESTAMPS.formatted(""), StandardCharsets.UTF_8);
    Instant before = Instant.now().minusMillis(1);

    SystemStateRecord s = SystemStates.load(p);

    assertThat(s.createdAt()).isAfter(before).isEqualTo(s.updatedAt());
    assertThat(s.id()).isEqualTo("a");
  }

  @Test
  void load_v1WithOnlyUpdatedAt_createdAtIsThatTime() throws Exception {
    Path p = dir.resolve("s.json");
    Files.writeString(
        p,
        V1_WITHOUT_TIMESTAMPS.formatted(", \"updated_at\": \"2020-01-01T00:00:00Z\""),
        StandardCharsets.UTF_8);

    SystemStateRecord s = SystemStates.load(p);

    assertThat(s.createdAt())
        .isEqualTo(s.updatedAt())
        .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u00a0", "\u2007", "\u202f", " \u00a0\t", "\u0085", "\u3000"})
  void id_blankAsPythonStripSeesIt_refused(String id) {
    SystemStateRecord s = SystemStates.createEmpty(1);

    assertThatThrownBy(() -> s.withId(id))
        .isInstanceOf(StateValidationException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> SaveOptions.defaults().withStateId(id))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void blank_isExactlyPythonsIsspaceOverTheBmp() {
    List<Integer> python = new ArrayList<>();
    for (String hex : Python.run("isspace.py").strip().split(" ")) {
      python.add(Integer.parseInt(hex, 16));
    }
    List<Integer> java = new ArrayList<>();
    for (int c = 0; c < 0x10000; c++) {
      if (Checks.blank(String.valueOf((char) c))) {
        java.add(c);
      }
    }

    assertThat(java).isEqualTo(python).contains(0xa0, 0x2007, 0x202f);
    assertThat(Checks.blank("a\u00a0")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "\"0.5\""})
  void load_booleanOrNumericStringForANumber_refusedNamingTheField(String value) throws Exception {
    Path p = dir.resolve("s.json");
    Files.writeString(
        p,
        V1_WITHOUT_TIMESTAMPS
            .formatted("")
            .replace("\"lambda_l1\": 0.5", "\"lambda_l1\": " + value),
        StandardCharsets.UTF_8);

    assertThatThrownBy(() -> SystemStates.load(p))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("lambda_l1");
  }
}
