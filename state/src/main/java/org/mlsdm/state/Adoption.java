package org.mlsdm.state;

import org.mlsdm.state.internal.Records;

/**
 * Lets the library's own decoders hand freshly allocated arrays to a record without the defensive
 * copy a caller's arrays get. The flag is thread-confined and only set around a constructor call
 * made by this package, so no outside code can make a record share its arrays. The one instance,
 * installed by {@link MemoryStateRecord}, is what {@link Records} hands the internal packages.
 */
final class Adoption implements Records.Access {
  private static final ThreadLocal<Boolean> ADOPTING = new ThreadLocal<>();

  Adoption() {}

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

  static QilmStateRecord qilm(double[][] memory, double[] phases, String[] labels) {
    ADOPTING.set(Boolean.TRUE);
    try {
      return new QilmStateRecord(memory, phases, labels);
    } finally {
      ADOPTING.remove();
    }
  }

  @Override
  public double[] l1(MemoryStateRecord m) {
    return m.l1();
  }

  @Override
  public double[] l2(MemoryStateRecord m) {
    return m.l2();
  }

  @Override
  public double[] l3(MemoryStateRecord m) {
    return m.l3();
  }

  @Override
  public double[][] rows(QilmStateRecord q) {
    return q.rows();
  }

  @Override
  public double[] phases(QilmStateRecord q) {
    return q.phaseArray();
  }

  @Override
  public String[] labels(QilmStateRecord q) {
    return q.labelArray();
  }

  @Override
  public MemoryStateRecord adoptMemory(
      int dimension, MemoryParameters p, double[] l1, double[] l2, double[] l3) {
    return memory(dimension, p, l1, l2, l3);
  }

  @Override
  public QilmStateRecord adoptQilm(double[][] rows, double[] phases, String[] labels) {
    return qilm(rows, phases, labels);
  }
}
