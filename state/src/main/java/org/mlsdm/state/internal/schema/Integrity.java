package org.mlsdm.state.internal.schema;

import java.util.ArrayList;
import java.util.List;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;

/**
 * The integrity warnings of a valid state: anomalies that are not invariant violations. Behind
 * {@code SystemStates.validateIntegrity} and the diagnostics of {@code SystemStates.inspect}.
 */
public final class Integrity {
  /** Values whose magnitude exceeds this draw a {@code very large} warning. */
  public static final double LARGE_VALUE = 1e10;

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
        // The store asks on every save and load: unless the record's constructor saw a large value
        // while it checked the rows, only their lengths are left to look at.
        boolean scan = !Records.access().rowsWithinLarge(rows);
        for (int i = 0; i < rows.length; i++) {
          if (rows[i].length == 0) {
            warnings.add(name(f, i) + " is empty");
          } else if (rows[i].length != dimension) {
            warnings.add(
                name(f, i) + " has " + rows[i].length + " values, expected dimension=" + dimension);
          }
          if (scan) {
            large(warnings, f, i, rows[i]);
          }
        }
      } else {
        large(warnings, f, -1, (double[]) v);
      }
    }
    return warnings;
  }

  /** The field's name, with the row's index when {@code row} is not negative. */
  private static String name(Schema.Field f, int row) {
    return row < 0 ? f.path() : f.path() + "[" + row + "]";
  }

  private static void large(List<String> warnings, Schema.Field f, int row, double[] values) {
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
          name(f, row)
              + " has "
              + count
              + " very large value(s) (|v| > 1e10), first at index "
              + first
              + ": "
              + values[first]);
    }
  }
}
