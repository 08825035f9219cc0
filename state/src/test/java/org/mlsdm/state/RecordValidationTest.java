package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordValidationTest {
  private static final double[] Z3 = {0, 0, 0};

  static MemoryStateRecord memory(double[] p) {
    return new MemoryStateRecord(3, p[0], p[1], p[2], p[3], p[4], p[5], p[6], Z3, Z3, Z3);
  }

  static double[] defaults() {
    return new double[] {0.5, 0.1, 0.01, 1.0, 2.0, 0.5, 0.3};
  }

  static Stream<Arguments> badParameters() {
    return Stream.of(
        Arguments.of(0, 0.0, "lambda_l1", "(0, 1]"),
        Arguments.of(0, 1.5, "lambda_l1", "got 1.5"),
        Arguments.of(1, -0.1, "lambda_l2", "(0, 1]"),
        Arguments.of(2, 1.0000001, "lambda_l3", "(0, 1]"),
        Arguments.of(3, 0.0, "theta_l1", "> 0"),
        Arguments.of(4, -2.0, "theta_l2", "> 0"),
        Arguments.of(5, -0.01, "gating12", "[0, 1]"),
        Arguments.of(6, 1.01, "gating23", "[0, 1]"),
        Arguments.of(0, Double.NaN, "lambda_l1", "finite"),
        Arguments.of(3, Double.POSITIVE_INFINITY, "theta_l1", "finite"),
        Arguments.of(6, Double.NEGATIVE_INFINITY, "gating23", "finite"));
  }

  @Nested
  class MemoryState {
    @Test
    void constructor_boundaryValues_accepted() {
      MemoryStateRecord m = memory(new double[] {1.0, 1.0, 1.0, 1e-300, 1e300, 0.0, 1.0});
      assertThat(m.lambdaL1()).isEqualTo(1.0);
      assertThat(m.gating12()).isZero();
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.state.RecordValidationTest#badParameters")
    void constructor_parameterOutOfRange_namesFieldAndValue(
        int index, double value, String field, String text) {
      double[] p = defaults();
      p[index] = value;
      assertThatThrownBy(() -> memory(p))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining(field)
          .hasMessageContaining(text)
          .satisfies(e -> assertThat(((StateValidationException) e).field()).isEqualTo(field));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void constructor_nonPositiveDimension_rejected(int dimension) {
      assertThatThrownBy(
              () -> new MemoryStateRecord(dimension, MemoryParameters.DEFAULTS, Z3, Z3, Z3))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("dimension must be > 0, got " + dimension);
    }

    @Test
    void constructor_levelLengthMismatch_namesLevel() {
      assertThatThrownBy(
              () ->
                  new MemoryStateRecord(3, MemoryParameters.DEFAULTS, Z3, new double[] {1, 2}, Z3))
          .isInstanceOf(StateValidationException.class)
          .hasMessage("state_l2 must have dimension=3 values, got 2");
    }

    @Test
    void constructor_nonFiniteLevelValue_namesIndex() {
      assertThatThrownBy(
              () ->
                  new MemoryStateRecord(
                      3, MemoryParameters.DEFAULTS, Z3, Z3, new double[] {0, Double.NaN, 0}))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("state_l3[1]")
          .hasMessageContaining("NaN");
    }

    @Test
    void constructor_nullLevel_rejectedWithField() {
      assertThatThrownBy(() -> new MemoryStateRecord(3, MemoryParameters.DEFAULTS, null, Z3, Z3))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("state_l1");
    }

    @Test
    void arrays_mutatingInputOrOutput_doesNotChangeRecord() {
      double[] in = {1, 2, 3};
      MemoryStateRecord m = new MemoryStateRecord(3, MemoryParameters.DEFAULTS, in, Z3, Z3);
      in[0] = 99;
      m.stateL1()[1] = 99;
      assertThat(m.stateL1()).containsExactly(1, 2, 3);
    }

    @Test
    void equalsAndHashCode_byContent() {
      MemoryStateRecord a =
          new MemoryStateRecord(3, MemoryParameters.DEFAULTS, new double[] {1, 2, 3}, Z3, Z3);
      MemoryStateRecord b =
          new MemoryStateRecord(3, MemoryParameters.DEFAULTS, new double[] {1, 2, 3}, Z3, Z3);
      MemoryStateRecord c =
          new MemoryStateRecord(3, MemoryParameters.DEFAULTS, new double[] {1, 2, 4}, Z3, Z3);
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
      assertThat(a.parameters()).isEqualTo(MemoryParameters.DEFAULTS);
    }

    @Test
    void toString_longLevel_isAbbreviated() {
      double[] big = new double[10_000];
      MemoryStateRecord m = new MemoryStateRecord(10_000, MemoryParameters.DEFAULTS, big, big, big);
      assertThat(m.toString()).hasSizeLessThan(600).contains("10000 values");
    }
  }

  @Nested
  class Qilm {
    @Test
    void constructor_lengthMismatch_rejected() {
      assertThatThrownBy(() -> new QilmStateRecord(new double[][] {{1}}, new double[] {0.1, 0.2}))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("memory=1")
          .hasMessageContaining("phases=2");
    }

    @Test
    void constructor_nonFiniteValues_namesRowOrPhase() {
      assertThatThrownBy(
              () ->
                  new QilmStateRecord(
                      new double[][] {{1}, {Double.POSITIVE_INFINITY}}, new double[] {0, 1}))
          .hasMessageContaining("memory[1][0]");
      assertThatThrownBy(() -> new QilmStateRecord(new double[][] {{1}}, new double[] {Double.NaN}))
          .hasMessageContaining("phases[0]");
    }

    @Test
    void constructor_nullRow_rejected() {
      assertThatThrownBy(() -> new QilmStateRecord(new double[][] {null}, new double[] {0}))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("memory[0]");
    }

    @Test
    void arrays_deepCopies_andCheapAccessors() {
      double[][] m = {{1, 2}, {3}};
      double[] p = {0.25, 0.75};
      QilmStateRecord q = new QilmStateRecord(m, p);
      m[0][0] = 99;
      p[1] = 99;
      q.memory()[1][0] = 99;
      q.row(0)[1] = 99;
      assertThat(q.size()).isEqualTo(2);
      assertThat(q.row(0)).containsExactly(1, 2);
      assertThat(q.row(1)).containsExactly(3);
      assertThat(q.phase(1)).isEqualTo(0.75);
      assertThat(q)
          .isEqualTo(new QilmStateRecord(new double[][] {{1, 2}, {3}}, new double[] {0.25, 0.75}));
    }
  }

  @Nested
  class SystemState {
    private final MemoryStateRecord m =
        new MemoryStateRecord(3, MemoryParameters.DEFAULTS, Z3, Z3, Z3);
    private final Instant t = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void constructor_versionBelowOne_rejected() {
      assertThatThrownBy(() -> new SystemStateRecord(0, null, t, t, m, QilmStateRecord.EMPTY))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("version must be >= 1, got 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void constructor_emptyOrBlankId_rejected(String id) {
      assertThatThrownBy(() -> new SystemStateRecord(1, id, t, t, m, QilmStateRecord.EMPTY))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("id must not be empty");
    }

    @Test
    void constructor_createdAfterUpdated_rejected() {
      assertThatThrownBy(
              () -> new SystemStateRecord(1, null, t.plusMillis(1), t, m, QilmStateRecord.EMPTY))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("created_at");
    }

    @Test
    void constructor_nullComponents_rejectedWithField() {
      assertThatThrownBy(() -> new SystemStateRecord(1, null, null, t, m, QilmStateRecord.EMPTY))
          .hasMessageContaining("created_at");
      assertThatThrownBy(() -> new SystemStateRecord(1, null, t, t, null, QilmStateRecord.EMPTY))
          .hasMessageContaining("memory_state");
      assertThatThrownBy(() -> new SystemStateRecord(1, null, t, t, m, null))
          .hasMessageContaining("qilm");
    }

    @Test
    void constructor_nanosecondTimestamps_truncatedToMicros() {
      Instant fine = Instant.parse("2026-01-01T00:00:00.123456789Z");
      SystemStateRecord s = new SystemStateRecord(1, null, fine, fine, m, QilmStateRecord.EMPTY);
      assertThat(s.createdAt()).isEqualTo(fine.truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void withers_returnChangedCopies_andValidate() {
      SystemStateRecord s = new SystemStateRecord(1, "a", t, t, m, QilmStateRecord.EMPTY);
      assertThat(s.withId("b").id()).isEqualTo("b");
      assertThat(s.withId(null).id()).isNull();
      assertThat(s.withUpdatedAt(t.plusSeconds(5)).updatedAt()).isEqualTo(t.plusSeconds(5));
      QilmStateRecord q = new QilmStateRecord(new double[][] {{1, 2, 3}}, new double[] {0.5});
      assertThat(s.withQilm(q).qilm()).isEqualTo(q);
      assertThat(s.withMemoryState(m).memoryState()).isEqualTo(m);
      assertThat(s.id()).isEqualTo("a");
      assertThatThrownBy(() -> s.withUpdatedAt(t.minusSeconds(1)))
          .isInstanceOf(StateValidationException.class);
    }
  }

  /** A delta's levels pass the same check as a memory state's, the length set by level 1. */
  @Nested
  class Delta {
    private StateDelta delta(double[] l1, double[] l2, double[] l3) {
      return new StateDelta(0, null, Instant.EPOCH, l1, l2, l3, new double[0][], new double[0]);
    }

    @Test
    void constructor_levelLengthMismatch_namesLevelAndLength() {
      assertThatThrownBy(() -> delta(Z3, Z3, new double[] {1, 2}))
          .isInstanceOf(StateValidationException.class)
          .hasMessage("state_l3 must have len(state_l1)=3 values, got 2")
          .extracting(e -> ((StateValidationException) e).field())
          .isEqualTo("state_l3");
    }

    @Test
    void constructor_nonFiniteOrNullLevel_namesField() {
      assertThatThrownBy(() -> delta(Z3, new double[] {0, Double.POSITIVE_INFINITY, 0}, Z3))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("state_l2[1]");
      assertThatThrownBy(() -> delta(Z3, Z3, null))
          .isInstanceOf(StateValidationException.class)
          .hasMessageContaining("state_l3");
    }

    @Test
    void constructor_levels_areCopiedBeforeTheyAreKept() {
      double[] l1 = {1, 2, 3};
      StateDelta d = delta(l1, Z3, Z3);
      l1[0] = Double.NaN;
      assertThat(d.stateL1()).containsExactly(1, 2, 3);
    }
  }
}
