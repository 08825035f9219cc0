package org.mlsdm.state;

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

  /** Checks that every value is finite, naming the first bad index. */
  static void allFinite(String field, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new StateValidationException(
            field, field + "[" + i + "] must be finite, got " + values[i]);
      }
    }
  }
}
