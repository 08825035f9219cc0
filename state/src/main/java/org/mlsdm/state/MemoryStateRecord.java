package org.mlsdm.state;

import java.util.Arrays;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.Schema;

/**
 * The persisted state of a three-level synaptic memory: its dimension, its {@link MemoryParameters}
 * and the three level vectors.
 *
 * <p>Immutable: the constructor copies the arrays it is given and the accessors return copies, so
 * neither the caller's arrays nor the returned ones can change the record. {@code equals}, {@code
 * hashCode} and {@code toString} go by content.
 *
 * @param dimension vector length, &gt; 0
 * @param lambdaL1 decay rate of L1, in (0, 1]
 * @param lambdaL2 decay rate of L2, in (0, 1]
 * @param lambdaL3 decay rate of L3, in (0, 1]
 * @param thetaL1 L1→L2 consolidation threshold, &gt; 0
 * @param thetaL2 L2→L3 consolidation threshold, &gt; 0
 * @param gating12 L1→L2 gating factor, in [0, 1]
 * @param gating23 L2→L3 gating factor, in [0, 1]
 * @param stateL1 level 1, {@code dimension} finite values
 * @param stateL2 level 2, {@code dimension} finite values
 * @param stateL3 level 3, {@code dimension} finite values
 */
public record MemoryStateRecord(
    int dimension,
    double lambdaL1,
    double lambdaL2,
    double lambdaL3,
    double thetaL1,
    double thetaL2,
    double gating12,
    double gating23,
    double[] stateL1,
    double[] stateL2,
    double[] stateL3) {

  static {
    // The internal codecs reach the records only through this one bridge.
    Records.install(new Adoption());
  }

  /**
   * Validates every invariant and copies the arrays.
   *
   * @param dimension vector length, &gt; 0
   * @param lambdaL1 decay rate of L1, in (0, 1]
   * @param lambdaL2 decay rate of L2, in (0, 1]
   * @param lambdaL3 decay rate of L3, in (0, 1]
   * @param thetaL1 L1→L2 consolidation threshold, &gt; 0
   * @param thetaL2 L2→L3 consolidation threshold, &gt; 0
   * @param gating12 L1→L2 gating factor, in [0, 1]
   * @param gating23 L2→L3 gating factor, in [0, 1]
   * @param stateL1 level 1, {@code dimension} finite values
   * @param stateL2 level 2, {@code dimension} finite values
   * @param stateL3 level 3, {@code dimension} finite values
   * @throws StateValidationException naming the field and the value: a non-positive dimension, a
   *     parameter out of range, a level whose length is not {@code dimension}, or a value that is
   *     not finite
   */
  public MemoryStateRecord {
    if (dimension <= 0) {
      throw new StateValidationException("dimension", "dimension must be > 0, got " + dimension);
    }
    new MemoryParameters(lambdaL1, lambdaL2, lambdaL3, thetaL1, thetaL2, gating12, gating23);
    stateL1 = Adoption.own(Checks.level("state_l1", stateL1, dimension, "dimension"));
    stateL2 = Adoption.own(Checks.level("state_l2", stateL2, dimension, "dimension"));
    stateL3 = Adoption.own(Checks.level("state_l3", stateL3, dimension, "dimension"));
  }

  /**
   * Creates a record from a dimension, parameters and levels.
   *
   * @param dimension vector length, &gt; 0
   * @param parameters the decay rates, thresholds and gatings
   * @param stateL1 level 1
   * @param stateL2 level 2
   * @param stateL3 level 3
   * @throws StateValidationException as the canonical constructor
   * @throws NullPointerException if {@code parameters} is null
   */
  public MemoryStateRecord(
      int dimension,
      MemoryParameters parameters,
      double[] stateL1,
      double[] stateL2,
      double[] stateL3) {
    this(
        dimension,
        parameters.lambdaL1(),
        parameters.lambdaL2(),
        parameters.lambdaL3(),
        parameters.thetaL1(),
        parameters.thetaL2(),
        parameters.gating12(),
        parameters.gating23(),
        stateL1,
        stateL2,
        stateL3);
  }

  /**
   * Returns the seven scalar parameters.
   *
   * @return the decay rates, thresholds and gatings of this record
   */
  public MemoryParameters parameters() {
    return new MemoryParameters(lambdaL1, lambdaL2, lambdaL3, thetaL1, thetaL2, gating12, gating23);
  }

  /**
   * Returns a copy of level 1.
   *
   * @return a new array of {@code dimension} values
   */
  @Override
  public double[] stateL1() {
    return stateL1.clone();
  }

  /**
   * Returns a copy of level 2.
   *
   * @return a new array of {@code dimension} values
   */
  @Override
  public double[] stateL2() {
    return stateL2.clone();
  }

  /**
   * Returns a copy of level 3.
   *
   * @return a new array of {@code dimension} values
   */
  @Override
  public double[] stateL3() {
    return stateL3.clone();
  }

  /** The level arrays without a copy, for the library's own encoders; never handed out. */
  double[] l1() {
    return stateL1;
  }

  double[] l2() {
    return stateL2;
  }

  double[] l3() {
    return stateL3;
  }

  /**
   * Compares by content, the level arrays element by element.
   *
   * @param o the other object
   * @return true when {@code o} is a record with equal fields and equal levels
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof MemoryStateRecord m
        && dimension == m.dimension
        && Double.compare(lambdaL1, m.lambdaL1) == 0
        && Double.compare(lambdaL2, m.lambdaL2) == 0
        && Double.compare(lambdaL3, m.lambdaL3) == 0
        && Double.compare(thetaL1, m.thetaL1) == 0
        && Double.compare(thetaL2, m.thetaL2) == 0
        && Double.compare(gating12, m.gating12) == 0
        && Double.compare(gating23, m.gating23) == 0
        && Arrays.equals(stateL1, m.stateL1)
        && Arrays.equals(stateL2, m.stateL2)
        && Arrays.equals(stateL3, m.stateL3);
  }

  /**
   * Hashes by content.
   *
   * @return a hash consistent with {@link #equals(Object)}
   */
  @Override
  public int hashCode() {
    int h = Integer.hashCode(dimension);
    h = 31 * h + parameters().hashCode();
    h = 31 * h + Arrays.hashCode(stateL1);
    h = 31 * h + Arrays.hashCode(stateL2);
    return 31 * h + Arrays.hashCode(stateL3);
  }

  /**
   * Describes the record, abbreviating long levels.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MemoryStateRecord[");
    String sep = "";
    for (Schema.Field f : Schema.Field.current(Schema.Group.MEMORY_STATE)) {
      Object v = f.value(this);
      sb.append(sep).append(f.key()).append('=');
      sb.append(v instanceof double[] a ? Abbreviate.values(a) : String.valueOf(v));
      sep = ", ";
    }
    return sb.append(']').toString();
  }
}
