package org.mlsdm.state.internal.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.SystemStateRecord;

/** Deterministic checkpoint deltas and the states they lead to. */
final class JournalTesting {
  private JournalTesting() {}

  /**
   * The i-th delta (from 1) on a state of {@code dim}, appending {@code n} rows after {@code from}.
   */
  static StateDelta delta(long from, int i, int dim, int n) {
    Random r = new Random(1000L + i);
    double[][] rows = new double[n][dim];
    double[] phases = new double[n];
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < dim; j++) {
        rows[k][j] = r.nextGaussian();
      }
      phases[k] = r.nextDouble();
    }
    return new StateDelta(
        from,
        "agent-step-" + i,
        Instant.parse("2026-11-30T00:00:00Z").plusMillis(i),
        levels(r, dim),
        levels(r, dim),
        levels(r, dim),
        rows,
        phases);
  }

  private static double[] levels(Random r, int dim) {
    double[] a = new double[dim];
    for (int j = 0; j < dim; j++) {
      a[j] = r.nextGaussian();
    }
    return a;
  }

  /** {@code base} with the deltas applied, built directly. */
  static SystemStateRecord apply(SystemStateRecord base, List<StateDelta> deltas) {
    if (deltas.isEmpty()) {
      return base;
    }
    double[][] rows = base.qilm().memory();
    double[] phases = base.qilm().phases();
    for (StateDelta d : deltas) {
      int at = rows.length;
      rows = Arrays.copyOf(rows, at + d.rows().length);
      phases = Arrays.copyOf(phases, at + d.rows().length);
      System.arraycopy(d.rows(), 0, rows, at, d.rows().length);
      System.arraycopy(d.phases(), 0, phases, at, d.rows().length);
    }
    StateDelta last = deltas.get(deltas.size() - 1);
    MemoryStateRecord m = base.memoryState();
    return new SystemStateRecord(
        base.version(),
        last.id(),
        base.createdAt(),
        last.updatedAt(),
        new MemoryStateRecord(
            m.dimension(), m.parameters(), last.stateL1(), last.stateL2(), last.stateL3()),
        new QilmStateRecord(rows, phases));
  }
}
