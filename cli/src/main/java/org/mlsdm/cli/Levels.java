package org.mlsdm.cli;

import java.util.Locale;

/** Vector arithmetic for reports: norms and differences that never overflow to infinity. */
final class Levels {
  private Levels() {}

  /** The Euclidean norm, scaled by the largest magnitude so that values near 1e200 stay finite. */
  static double norm(double[] values) {
    double scale = 0;
    for (double v : values) {
      scale = Math.max(scale, Math.abs(v));
    }
    if (scale == 0 || Double.isInfinite(scale)) {
      return scale;
    }
    double sum = 0;
    for (double v : values) {
      double r = v / scale;
      sum += r * r;
    }
    return scale * Math.sqrt(sum);
  }

  /** The largest |a[i] - b[i]|; the arrays have the same length. */
  static double maxAbsDiff(double[] a, double[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** A number for people: up to six significant digits, no exponent for ordinary magnitudes. */
  static String format(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e7) {
      String s = String.format(Locale.ROOT, "%.6g", v);
      return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
    return String.format(Locale.ROOT, "%.5e", v);
  }
}
