package org.mlsdm.state.internal.schema;

import java.util.ArrayList;
import java.util.List;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;

/**
 * The integrity warnings of a valid state: anomalies that are not invariant violations. Behind
 * {@code SystemStates.validateIntegrity} and the diagnostics of {@code SystemStates.inspect}.
 */
public final class Integrity {
  /** Values whose magnitude exceeds this draw a {@code very large} warning. */
  static final double LARGE_VALUE = 1e10;

  private Integrity() {}

  /**
   * The warnings of a state: values with magnitude over 1e10 ({@code very large}), empty QILM
   * vectors, QILM vectors whose length differs from {@code dimension}.
   */
  public static List<String> warnings(SystemStateRecord state) {
    Records.Access a = Records.access();
    List<String> warnings = new ArrayList<>();
    MemoryStateRecord m = state.memoryState();
    large(warnings, "memory_state.state_l1", a.l1(m));
    large(warnings, "memory_state.state_l2", a.l2(m));
    large(warnings, "memory_state.state_l3", a.l3(m));
    QilmStateRecord q = state.qilm();
    double[][] rows = a.rows(q);
    for (int i = 0; i < rows.length; i++) {
      String field = "qilm.memory[" + i + "]";
      if (rows[i].length == 0) {
        warnings.add(field + " is empty");
      } else if (rows[i].length != m.dimension()) {
        warnings.add(
            field + " has " + rows[i].length + " values, expected dimension=" + m.dimension());
      }
      large(warnings, field, rows[i]);
    }
    large(warnings, "qilm.phases", a.phases(q));
    return warnings;
  }

  private static void large(List<String> warnings, String field, double[] values) {
    int count = 0;
    int first = -1;
    for (int i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) > LARGE_VALUE) {
        if (count++ == 0) {
          first = i;
        }
      }
    }
    if (count > 0) {
      warnings.add(
          field
              + " has "
              + count
              + " very large value(s) (|v| > 1e10), first at index "
              + first
              + ": "
              + values[first]);
    }
  }
}
