package org.mlsdm.state;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.mlsdm.state.internal.schema.Integrity;

/**
 * What a QILM record's constructor learned about the magnitudes of its vectors while it checked
 * them: that every value is at most {@link Integrity#LARGE_VALUE}. The integrity warnings, which
 * the store logs on every save and load, then need not read the whole matrix once more (on a 300 MB
 * state that second pass cost a fifth of an NPZ load). A record holds no field beside its
 * components, so the fact is kept here, weakly keyed by the record's own rows array (arrays compare
 * by identity), and is dropped with the record.
 */
final class Magnitudes {
  private static final Map<double[][], Boolean> WITHIN_LARGE =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Magnitudes() {}

  /** Records that no value of {@code rows}, a record's own never-modified array, is large. */
  static void markWithinLarge(double[][] rows) {
    WITHIN_LARGE.put(rows, Boolean.TRUE);
  }

  /** Whether {@link #markWithinLarge} was called for exactly this array. */
  static boolean withinLarge(double[][] rows) {
    return WITHIN_LARGE.containsKey(rows);
  }
}
