package org.mlsdm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.testing.Python;

/**
 * Replays the trajectories that {@code synaptic_reference.py} computes with NumPy float32 and
 * asserts that every level after every step has the same bits.
 */
class SynapticNumpyReferenceTest {
  private static List<Case> cases;

  record Step(float[] event, float[] l1, float[] l2, float[] l3) {}

  record Case(String name, int dimension, MemoryParameters parameters, List<Step> steps) {}

  @BeforeAll
  static void runReference() {
    cases = parse(Python.run("synaptic_reference.py"));
  }

  @Test
  void update_matchesNumpyFloat32BitForBit_atEveryStep() {
    assertThat(cases).hasSizeGreaterThanOrEqualTo(7);
    for (Case c : cases) {
      MultiLevelSynapticMemory memory = new MultiLevelSynapticMemory(c.dimension(), c.parameters());
      for (int s = 0; s < c.steps().size(); s++) {
        Step step = c.steps().get(s);
        memory.update(step.event());
        assertSameBits(c, s, "l1", step.l1(), memory.l1());
        assertSameBits(c, s, "l2", step.l2(), memory.l2());
        assertSameBits(c, s, "l3", step.l3(), memory.l3());
      }
    }
  }

  @Test
  void reference_exercisesEveryStepAndReachesL3() {
    for (Case c : cases) {
      assertThat(c.steps()).as(c.name()).hasSizeGreaterThanOrEqualTo(200);
      boolean l3Reached = false;
      for (Step step : c.steps()) {
        for (float v : step.l3()) {
          l3Reached |= v != 0f;
        }
      }
      assertThat(l3Reached || c.parameters().gating23() == 0)
          .as("%s: some value reaches L3", c.name())
          .isTrue();
    }
  }

  @Test
  void reference_rejectsAConditionalTransfer_becauseOfSignedZeros() {
    // "l1 > theta ? l1 * g : 0" differs from NumPy's "mask * l1 * g" only in the sign of zeros.
    assertThat(cases).allMatch(c -> replays(c, false, false));
    assertThat(cases).anyMatch(c -> !replays(c, false, true));
  }

  @Test
  void reference_rejectsAComparisonInDouble_becauseOfThresholdEdges() {
    // The first event puts float32(theta_l1) itself in L1: above theta_l1 in double, not in
    // float32.
    assertThat(cases).allMatch(c -> replays(c, false, false));
    assertThat(cases).anyMatch(c -> !replays(c, true, false));
  }

  /** Replays a case with one of two plausible but wrong variants of the update. */
  private static boolean replays(Case c, boolean compareInDouble, boolean conditionalTransfer) {
    MemoryParameters p = c.parameters();
    float[] l1 = new float[c.dimension()];
    float[] l2 = new float[c.dimension()];
    float[] l3 = new float[c.dimension()];
    for (Step step : c.steps()) {
      for (int i = 0; i < c.dimension(); i++) {
        float a1 = l1[i] * (float) (1 - p.lambdaL1()) + step.event()[i];
        float a2 = l2[i] * (float) (1 - p.lambdaL2());
        float a3 = l3[i] * (float) (1 - p.lambdaL3());
        boolean above1 = compareInDouble ? a1 > p.thetaL1() : a1 > (float) p.thetaL1();
        float t12 = transfer(above1, a1, (float) p.gating12(), conditionalTransfer);
        a1 -= t12;
        a2 += t12;
        boolean above2 = compareInDouble ? a2 > p.thetaL2() : a2 > (float) p.thetaL2();
        float t23 = transfer(above2, a2, (float) p.gating23(), conditionalTransfer);
        l1[i] = a1;
        l2[i] = a2 - t23;
        l3[i] = a3 + t23;
      }
      if (!sameBits(step.l1(), l1) || !sameBits(step.l2(), l2) || !sameBits(step.l3(), l3)) {
        return false;
      }
    }
    return true;
  }

  private static float transfer(boolean above, float level, float gating, boolean conditional) {
    if (conditional) {
      return above ? level * gating : 0f;
    }
    return (above ? 1f : 0f) * level * gating;
  }

  private static boolean sameBits(float[] a, float[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static void assertSameBits(Case c, int step, String level, float[] want, float[] got) {
    for (int i = 0; i < want.length; i++) {
      int w = Float.floatToRawIntBits(want[i]);
      int g = Float.floatToRawIntBits(got[i]);
      if (w != g) {
        fail(
            "%s step %d %s[%d]: NumPy %08x (%s), Java %08x (%s)",
            c.name(), step, level, i, w, want[i], g, got[i]);
      }
    }
  }

  private static List<Case> parse(String output) {
    List<Case> parsed = new ArrayList<>();
    String name = null;
    int dimension = 0;
    MemoryParameters parameters = null;
    List<Step> steps = null;
    for (String line : output.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f[0].equals("case")) {
        if (name != null) {
          parsed.add(new Case(name, dimension, parameters, steps));
        }
        name = f[1];
        dimension = Integer.parseInt(f[2]);
        double[] p = new double[7];
        for (int k = 0; k < 7; k++) {
          p[k] = Double.parseDouble(f[3 + k]);
        }
        parameters = new MemoryParameters(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        steps = new ArrayList<>();
      } else if (f[0].equals("step")) {
        steps.add(new Step(floats(f[1]), floats(f[2]), floats(f[3]), floats(f[4])));
      } else if (!line.isBlank()) {
        throw new AssertionError("unexpected reference line: " + line);
      }
    }
    if (name != null) {
      parsed.add(new Case(name, dimension, parameters, steps));
    }
    return parsed;
  }

  private static float[] floats(String hexes) {
    String[] parts = hexes.split(",");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[i], 16));
    }
    return values;
  }
}
