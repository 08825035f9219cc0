package org.mlsdm.state.internal.schema;

import java.util.ArrayList;
import java.util.List;
import org.mlsdm.state.SystemStateRecord;

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
    List<String> warnings = new ArrayList<>();
    int dimension = state.memoryState().dimension();
    for (Schema.Field f :
        Schema.fields(Schema.Kind.VECTOR, Schema.Kind.MATRIX, Schema.Kind.PHASES)) {
      Object v = f.value(state);
      if (v instanceof double[][] rows) {
        for (int i = 0; i < rows.length; i++) {
          String field = f.path() + "[" + i + "]";
          if (rows[i].length == 0) {
            warnings.add(field + " is empty");
          } else if (rows[i].length != dimension) {
            warnings.add(
                field + " has " + rows[i].length + " values, expected dimension=" + dimension);
          }
          large(warnings, field, rows[i]);
        }
      } else {
        large(warnings, f.path(), (double[]) v);
      }
    }
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
