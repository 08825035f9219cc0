package org.mlsdm.memory;

import java.util.Arrays;
import java.util.Objects;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;

/**
 * A three-level synaptic memory: fast L1, medium L2 and slow L3, each a float32 vector, with decay
 * per level and threshold-gated consolidation L1 → L2 → L3.
 *
 * <p>{@link #update(float[])} reproduces the Python {@code MultiLevelSynapticMemory.update} bit for
 * bit, as NumPy computes it on {@code float32} arrays with Python {@code float} parameters. NumPy
 * applies such a parameter to a {@code float32} array as a {@code float32} (value-based casting in
 * NumPy 1.x, NEP 50 in 2.x; both give the same values here), so each step, element by element and
 * entirely in binary32 round-to-nearest arithmetic, is:
 *
 * <pre>
 * l1 *= (float) (1 - lambda_l1);  l2 *= (float) (1 - lambda_l2);  l3 *= (float) (1 - lambda_l3)
 * l1 += event
 * t12 = (l1 &gt; (float) theta_l1 ? 1f : 0f) * l1 * (float) gating12;  l1 -= t12;  l2 += t12
 * t23 = (l2 &gt; (float) theta_l2 ? 1f : 0f) * l2 * (float) gating23;  l2 -= t23;  l3 += t23
 * </pre>
 *
 * <p>({@code 1 - lambda} is computed in double, then rounded.) The transfer keeps NumPy's
 * mask-times-level form rather than a plain conditional: {@code 0f * l} is {@code -0f} for a
 * negative level, and that signed zero shows in later values.
 *
 * <p>Unlike the Python class, an update that would make a level infinite (a finite event so large
 * that float32 overflows) is rejected, because such a state could not be persisted.
 *
 * <p>Not thread-safe: confine an instance to one thread or guard it externally ({@link
 * MemoryManager} does).
 */
public final class MultiLevelSynapticMemory {
  private final int dimension;
  private final MemoryParameters parameters;
  private final float decay1;
  private final float decay2;
  private final float decay3;
  private final float theta1;
  private final float theta2;
  private final float gating12;
  private final float gating23;
  private float[] l1;
  private float[] l2;
  private float[] l3;
  // Scratch levels: an update is computed here and swapped in only when every value is finite.
  private float[] next1;
  private float[] next2;
  private float[] next3;

  /**
   * Creates an all-zero memory with {@link MemoryParameters#CALIBRATED}, the Python class's own
   * defaults.
   *
   * @param dimension the vector length, &gt; 0
   * @throws IllegalArgumentException if {@code dimension} is not positive
   */
  public MultiLevelSynapticMemory(int dimension) {
    this(dimension, MemoryParameters.CALIBRATED);
  }

  /**
   * Creates an all-zero memory.
   *
   * @param dimension the vector length, &gt; 0
   * @param parameters the decay rates, thresholds and gatings
   * @throws IllegalArgumentException if {@code dimension} is not positive
   * @throws NullPointerException if {@code parameters} is null
   */
  public MultiLevelSynapticMemory(int dimension, MemoryParameters parameters) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
    }
    this.dimension = dimension;
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.decay1 = (float) (1 - parameters.lambdaL1());
    this.decay2 = (float) (1 - parameters.lambdaL2());
    this.decay3 = (float) (1 - parameters.lambdaL3());
    this.theta1 = (float) parameters.thetaL1();
    this.theta2 = (float) parameters.thetaL2();
    this.gating12 = (float) parameters.gating12();
    this.gating23 = (float) parameters.gating23();
    this.l1 = new float[dimension];
    this.l2 = new float[dimension];
    this.l3 = new float[dimension];
    this.next1 = new float[dimension];
    this.next2 = new float[dimension];
    this.next3 = new float[dimension];
  }

  /**
   * Restores a memory from a record. The record's doubles are narrowed to float32 by
   * round-to-nearest, so a value that float32 cannot represent exactly is rounded (a record written
   * by {@link #toRecord()} comes back exactly). A value beyond the float32 range is rejected rather
   * than turned into infinity.
   *
   * @param record the persisted state
   * @return a new memory with the record's dimension, parameters and levels
   * @throws IllegalArgumentException naming the level, the index and the value if a value is beyond
   *     the float32 range
   * @throws NullPointerException if {@code record} is null
   */
  public static MultiLevelSynapticMemory fromRecord(MemoryStateRecord record) {
    Objects.requireNonNull(record, "record");
    MultiLevelSynapticMemory memory =
        new MultiLevelSynapticMemory(record.dimension(), record.parameters());
    memory.l1 = narrow("state_l1", record.stateL1());
    memory.l2 = narrow("state_l2", record.stateL2());
    memory.l3 = narrow("state_l3", record.stateL3());
    return memory;
  }

  private static float[] narrow(String field, double[] values) {
    float[] narrowed = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      float f = (float) values[i];
      if (Float.isInfinite(f)) {
        throw new IllegalArgumentException(
            field + "[" + i + "] is beyond the float32 range, got " + values[i]);
      }
      narrowed[i] = f;
    }
    return narrowed;
  }

  /**
   * Applies one event: decay, add the event to L1, consolidate L1 → L2 and L2 → L3, exactly as the
   * class comment describes. All-or-nothing: on an exception the levels are unchanged.
   *
   * @param event the event, {@code dimension} finite values
   * @throws IllegalArgumentException if the length is not {@code dimension}, if a value is not
   *     finite (naming its index and value), or if the result would overflow float32
   * @throws NullPointerException if {@code event} is null
   */
  public void update(float[] event) {
    checkEvent(event);
    float[] n1 = next1;
    float[] n2 = next2;
    float[] n3 = next3;
    for (int i = 0; i < dimension; i++) {
      float a1 = l1[i] * decay1;
      float a2 = l2[i] * decay2;
      float a3 = l3[i] * decay3;
      a1 += event[i];
      float t12 = (a1 > theta1 ? 1f : 0f) * a1 * gating12;
      a1 -= t12;
      a2 += t12;
      float t23 = (a2 > theta2 ? 1f : 0f) * a2 * gating23;
      a2 -= t23;
      a3 += t23;
      n1[i] = a1;
      n2[i] = a2;
      n3[i] = a3;
    }
    // A non-finite intermediate never becomes finite again (inf - inf and 0 * inf are NaN), so
    // checking the results catches every overflow.
    checkFinite("l1", n1, event);
    checkFinite("l2", n2, event);
    checkFinite("l3", n3, event);
    next1 = l1;
    next2 = l2;
    next3 = l3;
    l1 = n1;
    l2 = n2;
    l3 = n3;
  }

  /**
   * Checks an event against this memory without changing anything.
   *
   * @param event the event to check
   * @throws IllegalArgumentException if the length is not {@code dimension} or a value is not
   *     finite
   * @throws NullPointerException if {@code event} is null
   */
  void checkEvent(float[] event) {
    Objects.requireNonNull(event, "event");
    if (event.length != dimension) {
      throw new IllegalArgumentException(
          "event must have dimension=" + dimension + " values, got " + event.length);
    }
    for (int i = 0; i < event.length; i++) {
      if (!Float.isFinite(event[i])) {
        throw new IllegalArgumentException("event[" + i + "] must be finite, got " + event[i]);
      }
    }
  }

  private static void checkFinite(String level, float[] values, float[] event) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "event overflows float32: "
                + level
                + "["
                + i
                + "] would become "
                + values[i]
                + " (event["
                + i
                + "]="
                + event[i]
                + ")");
      }
    }
  }

  /**
   * Returns a copy of level 1.
   *
   * @return a new array of {@code dimension} values
   */
  public float[] l1() {
    return l1.clone();
  }

  /**
   * Returns a copy of level 2.
   *
   * @return a new array of {@code dimension} values
   */
  public float[] l2() {
    return l2.clone();
  }

  /**
   * Returns a copy of level 3.
   *
   * @return a new array of {@code dimension} values
   */
  public float[] l3() {
    return l3.clone();
  }

  /** Sets every level to zero; the parameters stay. */
  public void reset() {
    Arrays.fill(l1, 0f);
    Arrays.fill(l2, 0f);
    Arrays.fill(l3, 0f);
  }

  /**
   * Returns the vector length.
   *
   * @return the dimension, &gt; 0
   */
  public int dimension() {
    return dimension;
  }

  /**
   * Returns the parameters as given (doubles; the update uses them rounded to float32).
   *
   * @return the decay rates, thresholds and gatings
   */
  public MemoryParameters parameters() {
    return parameters;
  }

  /**
   * Captures the current state. Each float32 value is widened to the double of the same value, so
   * {@link #fromRecord(MemoryStateRecord)} gives back exactly this state.
   *
   * @return a new record
   */
  public MemoryStateRecord toRecord() {
    return new MemoryStateRecord(dimension, parameters, widen(l1), widen(l2), widen(l3));
  }

  /** The three levels widened to doubles, for a checkpoint. */
  double[][] widenedLevels() {
    return new double[][] {widen(l1), widen(l2), widen(l3)};
  }

  /** Widens float32 values to doubles, exactly. */
  static double[] widen(float[] values) {
    double[] wide = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      wide[i] = values[i];
    }
    return wide;
  }

  /** An independent copy, for handing out without sharing the levels. */
  MultiLevelSynapticMemory copy() {
    MultiLevelSynapticMemory copy = new MultiLevelSynapticMemory(dimension, parameters);
    copy.l1 = l1.clone();
    copy.l2 = l2.clone();
    copy.l3 = l3.clone();
    return copy;
  }
}
