package org.mlsdm.testing;

import java.time.Instant;
import java.util.Random;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;

/** Valid states for tests, deterministic per seed. */
public final class TestStates {
  private TestStates() {}

  static final Instant T0 = Instant.parse("2026-11-26T10:24:07.010760Z");

  public static SystemStateRecord sample(long seed) {
    return sample(seed, 4, 3);
  }

  public static SystemStateRecord sample(long seed, int dimension, int rows) {
    Random r = new Random(seed);
    double[][] memory = new double[rows][dimension];
    double[] phases = new double[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < dimension; j++) {
        memory[i][j] = r.nextGaussian();
      }
      phases[i] = r.nextDouble();
    }
    MemoryStateRecord m =
        new MemoryStateRecord(
            dimension,
            MemoryParameters.DEFAULTS,
            gauss(r, dimension),
            gauss(r, dimension),
            gauss(r, dimension));
    return new SystemStateRecord(
        1, "agent-" + seed, T0, T0.plusSeconds(seed), m, new QilmStateRecord(memory, phases));
  }

  private static double[] gauss(Random r, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextGaussian() * 3;
    }
    return a;
  }
}
