package org.mlsdm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;

class MultiLevelSynapticMemoryTest {
  private static final MemoryParameters FREQUENT =
      new MemoryParameters(0.05, 0.02, 0.001, 0.01, 0.02, 0.9, 0.8);

  private static MultiLevelSynapticMemory fedMemory() {
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(3, FREQUENT);
    m.update(new float[] {2f, -1f, 0.5f});
    m.update(new float[] {3f, 0.25f, -4f});
    return m;
  }

  private static MemoryStateRecord stateOf(MultiLevelSynapticMemory m) {
    return m.toRecord();
  }

  @Test
  void new_dimensionOnly_usesCalibratedParametersAndZeroLevels() {
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(4);

    assertThat(m.dimension()).isEqualTo(4);
    assertThat(m.parameters()).isEqualTo(MemoryParameters.CALIBRATED);
    assertThat(m.l1()).containsExactly(0f, 0f, 0f, 0f);
    assertThat(m.l2()).containsExactly(0f, 0f, 0f, 0f);
    assertThat(m.l3()).containsExactly(0f, 0f, 0f, 0f);
  }

  @Test
  void new_nonPositiveDimension_throwsNamingIt() {
    assertThatThrownBy(() -> new MultiLevelSynapticMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> new MultiLevelSynapticMemory(-3, MemoryParameters.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }

  @Test
  void new_nullParameters_throwsNullPointer() {
    assertThatThrownBy(() -> new MultiLevelSynapticMemory(2, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void update_belowThreshold_decaysAndAddsToL1Only() {
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(2, MemoryParameters.CALIBRATED);
    m.update(new float[] {1f, -0.5f});
    m.update(new float[] {0.25f, 0f});

    assertThat(m.l1()).containsExactly(0.75f, -0.25f);
    assertThat(m.l2()).containsExactly(0f, 0f);
    assertThat(m.l3()).containsExactly(0f, 0f);
  }

  @Test
  void update_aboveThresholds_movesGatedFractionsDown() {
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(1, MemoryParameters.DEFAULTS);
    m.update(new float[] {8f});

    // L1 = 8 > 1: 4 moves to L2; L2 = 4 > 2: 0.3f * 4 moves to L3.
    float t23 = 4f * 0.3f;
    assertThat(m.l1()).containsExactly(4f);
    assertThat(m.l2()).containsExactly(4f - t23);
    assertThat(m.l3()).containsExactly(t23);
  }

  @Test
  void update_valueExactlyAtFloat32Threshold_doesNotTransfer() {
    float theta = (float) MemoryParameters.CALIBRATED.thetaL1();
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(2);
    // (float) 1.2 is above the double 1.2; NumPy compares in float32, so it is not above.
    m.update(new float[] {theta, Math.nextUp(theta)});

    assertThat(m.l2()[0]).isZero();
    assertThat(m.l2()[1]).isPositive();
    assertThat(m.l1()[0]).isEqualTo(theta);
  }

  @Test
  void update_wrongLength_throwsAndLeavesStateUnchanged() {
    MultiLevelSynapticMemory m = fedMemory();
    MemoryStateRecord before = stateOf(m);

    assertThatThrownBy(() -> m.update(new float[] {1f, 2f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension=3")
        .hasMessageContaining("got 2");
    assertThat(stateOf(m)).isEqualTo(before);
  }

  @Test
  void update_nonFiniteValue_throwsNamingIndexAndLeavesStateUnchanged() {
    MultiLevelSynapticMemory m = fedMemory();
    MemoryStateRecord before = stateOf(m);

    assertThatThrownBy(() -> m.update(new float[] {5f, Float.NaN, 1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event[1]")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> m.update(new float[] {5f, 1f, Float.NEGATIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event[2]")
        .hasMessageContaining("Infinity");
    assertThat(stateOf(m)).isEqualTo(before);
  }

  @Test
  void update_overflowingFloat32_throwsAndLeavesStateUnchanged() {
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(2, MemoryParameters.DEFAULTS);
    m.update(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
    MemoryStateRecord before = stateOf(m);

    assertThatThrownBy(() -> m.update(new float[] {1f, -Float.MAX_VALUE}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflow")
        .hasMessageContaining("[1]");
    assertThatThrownBy(() -> m.update(new float[] {Float.MAX_VALUE, 1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0]");
    assertThat(stateOf(m)).isEqualTo(before);
    m.update(new float[] {1f, 1f});
    assertThat(stateOf(m)).isNotEqualTo(before);
  }

  @Test
  void update_null_throwsNullPointer() {
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(2);
    assertThatThrownBy(() -> m.update(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void levels_returnCopies() {
    MultiLevelSynapticMemory m = fedMemory();
    MemoryStateRecord before = stateOf(m);

    m.l1()[0] = 99f;
    m.l2()[1] = 99f;
    m.l3()[2] = 99f;

    assertThat(stateOf(m)).isEqualTo(before);
  }

  @Test
  void reset_zeroesLevelsAndKeepsParameters() {
    MultiLevelSynapticMemory m = fedMemory();

    m.reset();

    assertThat(m.l1()).containsExactly(0f, 0f, 0f);
    assertThat(m.l2()).containsExactly(0f, 0f, 0f);
    assertThat(m.l3()).containsExactly(0f, 0f, 0f);
    assertThat(m.parameters()).isEqualTo(FREQUENT);
    m.update(new float[] {0.005f, 0f, 0f});
    assertThat(m.l1()).containsExactly(0.005f, 0f, 0f);
  }

  @Test
  void copy_isIndependent() {
    MultiLevelSynapticMemory m = fedMemory();
    MemoryStateRecord before = stateOf(m);

    MultiLevelSynapticMemory copy = m.copy();
    copy.update(new float[] {1f, 1f, 1f});
    copy.reset();

    assertThat(stateOf(m)).isEqualTo(before);
  }

  @Test
  void toRecord_widensExactlyAndCarriesParameters() {
    MultiLevelSynapticMemory m = fedMemory();

    MemoryStateRecord r = m.toRecord();

    assertThat(r.dimension()).isEqualTo(3);
    assertThat(r.parameters()).isEqualTo(FREQUENT);
    float[] l2 = m.l2();
    for (int i = 0; i < 3; i++) {
      assertThat(r.stateL2()[i]).isEqualTo((double) l2[i]);
    }
  }

  @Test
  void fromRecord_ofToRecord_restoresTheSameBitsAndContinuesIdentically() {
    MultiLevelSynapticMemory m = fedMemory();

    MultiLevelSynapticMemory restored = MultiLevelSynapticMemory.fromRecord(m.toRecord());
    float[] event = {1.5f, -2f, 0.75f};
    m.update(event);
    restored.update(event);

    assertThat(restored.parameters()).isEqualTo(m.parameters());
    assertThat(restored.l1()).containsExactly(m.l1());
    assertThat(restored.l2()).containsExactly(m.l2());
    assertThat(restored.l3()).containsExactly(m.l3());
  }

  @Test
  void fromRecord_valueNotRepresentableInFloat32_isRounded() {
    MemoryStateRecord r =
        new MemoryStateRecord(
            2, MemoryParameters.DEFAULTS, new double[] {0.1, 1e-50}, new double[2], new double[2]);

    MultiLevelSynapticMemory m = MultiLevelSynapticMemory.fromRecord(r);

    assertThat(m.l1()).containsExactly(0.1f, 0f);
  }

  @Test
  void fromRecord_valueBeyondFloat32Range_throwsNamingLevelAndIndex() {
    MemoryStateRecord r =
        new MemoryStateRecord(
            2,
            MemoryParameters.DEFAULTS,
            new double[2],
            new double[2],
            new double[] {Float.MAX_VALUE, -1e39});

    assertThatThrownBy(() -> MultiLevelSynapticMemory.fromRecord(r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state_l3[1]")
        .hasMessageContaining("-1.0E39");
  }

  @Test
  void fromRecord_null_throwsNullPointer() {
    assertThatThrownBy(() -> MultiLevelSynapticMemory.fromRecord(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Provide
  Arbitrary<float[]> events() {
    return Arbitraries.floats().between(-1e6f, 1e6f).array(float[].class).ofSize(4);
  }

  @Property(tries = 200)
  void recordRoundTrip_preservesEveryBit(
      @ForAll @Size(max = 20) List<@From("events") float[]> events,
      @ForAll @IntRange(min = 0, max = 2) int parameterSet) {
    MemoryParameters p =
        new MemoryParameters[] {MemoryParameters.CALIBRATED, MemoryParameters.DEFAULTS, FREQUENT}
            [parameterSet];
    MultiLevelSynapticMemory m = new MultiLevelSynapticMemory(4, p);
    events.forEach(m::update);

    MultiLevelSynapticMemory restored = MultiLevelSynapticMemory.fromRecord(m.toRecord());

    assertThat(restored.toRecord()).isEqualTo(m.toRecord());
    for (int i = 0; i < 4; i++) {
      assertThat(Float.floatToRawIntBits(restored.l1()[i]))
          .isEqualTo(Float.floatToRawIntBits(m.l1()[i]));
      assertThat(Float.floatToRawIntBits(restored.l2()[i]))
          .isEqualTo(Float.floatToRawIntBits(m.l2()[i]));
      assertThat(Float.floatToRawIntBits(restored.l3()[i]))
          .isEqualTo(Float.floatToRawIntBits(m.l3()[i]));
    }
  }
}
