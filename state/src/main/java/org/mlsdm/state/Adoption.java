package org.mlsdm.state;

/**
 * Lets the library's own decoders hand freshly allocated arrays to a record without the defensive
 * copy a caller's arrays get. The flag is thread-confined and only set around a constructor call
 * made by this package, so no outside code can make a record share its arrays.
 */
final class Adoption {
  private static final ThreadLocal<Boolean> ADOPTING = new ThreadLocal<>();

  private Adoption() {}

  static boolean active() {
    return ADOPTING.get() != null;
  }

  static MemoryStateRecord memory(
      int dimension, MemoryParameters p, double[] l1, double[] l2, double[] l3) {
    ADOPTING.set(Boolean.TRUE);
    try {
      return new MemoryStateRecord(
          dimension,
          p.lambdaL1(),
          p.lambdaL2(),
          p.lambdaL3(),
          p.thetaL1(),
          p.thetaL2(),
          p.gating12(),
          p.gating23(),
          l1,
          l2,
          l3);
    } finally {
      ADOPTING.remove();
    }
  }

  static QilmStateRecord qilm(double[][] memory, double[] phases) {
    ADOPTING.set(Boolean.TRUE);
    try {
      return new QilmStateRecord(memory, phases);
    } finally {
      ADOPTING.remove();
    }
  }
}
