package org.mlsdm.state;

import org.mlsdm.state.internal.schema.Integrity;

/** Invariant checks shared by the records; every failure names the field as the file spells it. */
final class Checks {
  private Checks() {}

  static double finite(String field, double v) {
    if (!Double.isFinite(v)) {
      throw new StateValidationException(field, field + " must be finite, got " + v);
    }
    return v;
  }

  static double unitOpenClosed(String field, double v) {
    finite(field, v);
    if (!(v > 0.0 && v <= 1.0)) {
      throw new StateValidationException(field, field + " must be in (0, 1], got " + v);
    }
    return v;
  }

  static double positive(String field, double v) {
    finite(field, v);
    if (!(v > 0.0)) {
      throw new StateValidationException(field, field + " must be > 0, got " + v);
    }
    return v;
  }

  static double unitClosed(String field, double v) {
    finite(field, v);
    if (!(v >= 0.0 && v <= 1.0)) {
      throw new StateValidationException(field, field + " must be in [0, 1], got " + v);
    }
    return v;
  }

  static <T> T notNull(String field, T v) {
    if (v == null) {
      throw new StateValidationException(field, field + " must not be null");
    }
    return v;
  }

  /**
   * Checks a phase label: not null and without U+0000, which a NumPy unicode array cannot carry (it
   * pads with NULs and strips them on reading).
   */
  static String label(String field, String label) {
    if (label == null) {
      throw new StateValidationException(field, field + " label must not be null");
    }
    if (label.indexOf('\u0000') >= 0) {
      throw new StateValidationException(
          field,
          field + " label must not contain U+0000, got '" + label.replace("\u0000", "\\0") + "'");
    }
    return label;
  }

  /**
   * Whether a string is empty or only whitespace as Python's {@code str.strip} sees it: Java's
   * whitespace, the Unicode space separators (which add the no-break spaces U+00A0, U+2007 and
   * U+202F) and U+0085. Exactly the characters for which Python's {@code str.isspace} is true.
   */
  static boolean blank(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isWhitespace(c) && !Character.isSpaceChar(c) && c != '\u0085') {
        return false;
      }
    }
    return true;
  }

  /** Checks that every value is finite, naming the first bad index. */
  static void allFinite(String field, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new StateValidationException(
            field, field + "[" + i + "] must be finite, got " + values[i]);
      }
    }
  }

  /**
   * Checks that every value of row {@code row} of {@code name} is finite, as {@link #allFinite}
   * does for the field {@code name[row]}, and tells in the same pass whether every value is at most
   * {@link Integrity#LARGE_VALUE} in magnitude (what the integrity warnings look for), so that
   * neither takes a pass of its own over a large matrix.
   *
   * @return true when no value exceeds {@link Integrity#LARGE_VALUE} in magnitude
   */
  static boolean allFiniteWithinLarge(String name, int row, double[] values) {
    boolean within = true;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      // One comparison in the common case: false for NaN, the infinities and large values alike.
      if (!(Math.abs(v) <= Integrity.LARGE_VALUE)) {
        if (!Double.isFinite(v)) {
          String field = name + "[" + row + "]";
          throw new StateValidationException(field, field + "[" + i + "] must be finite, got " + v);
        }
        within = false;
      }
    }
    return within;
  }

  /**
   * The one check of a synaptic level, for every record that holds levels: present, of {@code
   * length} values, every value finite; the message of a wrong length names what sets it ({@code
   * lengthName}, e.g. {@code dimension}).
   *
   * @return {@code values}
   */
  static double[] level(String field, double[] values, int length, String lengthName) {
    notNull(field, values);
    if (values.length != length) {
      throw new StateValidationException(
          field,
          field + " must have " + lengthName + "=" + length + " values, got " + values.length);
    }
    allFinite(field, values);
    return values;
  }
}
