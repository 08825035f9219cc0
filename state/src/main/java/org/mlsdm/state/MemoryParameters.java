package org.mlsdm.state;

/**
 * The seven scalar parameters of a {@link MemoryStateRecord}: per-level decay rates, the
 * consolidation thresholds and the gating factors between levels.
 *
 * @param lambdaL1 decay rate of L1, in (0, 1]
 * @param lambdaL2 decay rate of L2, in (0, 1]
 * @param lambdaL3 decay rate of L3, in (0, 1]
 * @param thetaL1 L1→L2 consolidation threshold, &gt; 0
 * @param thetaL2 L2→L3 consolidation threshold, &gt; 0
 * @param gating12 fraction of L1 moved to L2 above threshold, in [0, 1]
 * @param gating23 fraction of L2 moved to L3 above threshold, in [0, 1]
 */
public record MemoryParameters(
    double lambdaL1,
    double lambdaL2,
    double lambdaL3,
    double thetaL1,
    double thetaL2,
    double gating12,
    double gating23) {

  /**
   * The seed's {@code create_empty_system_state} defaults, also the Python {@code MemoryManager}'s:
   * 0.5, 0.1, 0.01, 1.0, 2.0, 0.5, 0.3.
   */
  public static final MemoryParameters DEFAULTS =
      new MemoryParameters(0.5, 0.1, 0.01, 1.0, 2.0, 0.5, 0.3);

  /**
   * The Python {@code MultiLevelSynapticMemory}'s own defaults: 0.50, 0.10, 0.01, 1.2, 2.5, 0.45,
   * 0.30.
   */
  public static final MemoryParameters CALIBRATED =
      new MemoryParameters(0.50, 0.10, 0.01, 1.2, 2.5, 0.45, 0.30);

  /**
   * Validates every parameter.
   *
   * @param lambdaL1 decay rate of L1, in (0, 1]
   * @param lambdaL2 decay rate of L2, in (0, 1]
   * @param lambdaL3 decay rate of L3, in (0, 1]
   * @param thetaL1 L1→L2 consolidation threshold, &gt; 0
   * @param thetaL2 L2→L3 consolidation threshold, &gt; 0
   * @param gating12 fraction of L1 moved to L2 above threshold, in [0, 1]
   * @param gating23 fraction of L2 moved to L3 above threshold, in [0, 1]
   * @throws StateValidationException naming the field ({@code lambda_l1} …) and the value when a
   *     parameter is out of range or not finite
   */
  public MemoryParameters {
    Checks.unitOpenClosed("lambda_l1", lambdaL1);
    Checks.unitOpenClosed("lambda_l2", lambdaL2);
    Checks.unitOpenClosed("lambda_l3", lambdaL3);
    Checks.positive("theta_l1", thetaL1);
    Checks.positive("theta_l2", thetaL2);
    Checks.unitClosed("gating12", gating12);
    Checks.unitClosed("gating23", gating23);
  }
}
