package org.mlsdm.state;

/** Short renderings of long arrays for {@code toString}. */
final class Abbreviate {
  private static final int SHOWN = 6;

  private Abbreviate() {}

  static String values(double[] a) {
    StringBuilder sb = new StringBuilder("[");
    int shown = Math.min(a.length, SHOWN);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(a[i]);
    }
    if (a.length > shown) {
      sb.append(", … (").append(a.length).append(" values)");
    }
    return sb.append(']').toString();
  }
}
