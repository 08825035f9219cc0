package org.mlsdm.state;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.mlsdm.state.internal.Records;

/**
 * The one way a record adopts arrays instead of copying them: a hand-over by identity. The
 * library's own decoders (through {@link Records#access()}, whose one implementation this is)
 * register the exact arrays they allocated for a record, call the public canonical constructor, and
 * withdraw whatever it did not take; the constructor, through {@link #own}, keeps a registered
 * array as it is and copies every other. So the public constructors copy whatever a caller gives
 * them (no caller can reach a registered array: it is fresh, and the set is private), and a decoded
 * load does not hold its arrays twice (API.md: a copy would double the peak heap of a large load).
 *
 * <p>The set is shared by all threads and holds an entry only for the duration of one constructor
 * call; a QILM matrix is registered as a whole, its rows adopted with it.
 */
final class Adoption implements Records.Access {
  private static final Set<Object> HANDED_OVER =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  Adoption() {}

  /**
   * Takes an array for a record under construction.
   *
   * @param array a validated, non-null array
   * @return {@code array} itself when a decoder handed it over, otherwise a copy
   */
  static double[] own(double[] array) {
    return HANDED_OVER.remove(array) ? array : array.clone();
  }

  /**
   * Takes the phase labels for a record under construction.
   *
   * @param labels a validated, non-null array
   * @return {@code labels} itself when a decoder handed it over, otherwise a copy
   */
  static String[] own(String[] labels) {
    return HANDED_OVER.remove(labels) ? labels : labels.clone();
  }

  /**
   * Takes a matrix for a record under construction.
   *
   * @param matrix a non-null matrix
   * @return true when a decoder handed it over, rows included; false when it must be copied
   */
  static boolean adopts(double[][] matrix) {
    return HANDED_OVER.remove(matrix);
  }

  static MemoryStateRecord memory(
      int dimension, MemoryParameters p, double[] l1, double[] l2, double[] l3) {
    handOver(l1, l2, l3);
    try {
      return new MemoryStateRecord(dimension, p, l1, l2, l3);
    } finally {
      withdraw(l1, l2, l3);
    }
  }

  static QilmStateRecord qilm(double[][] memory, double[] phases, String[] labels) {
    handOver(memory, phases, labels);
    try {
      return new QilmStateRecord(memory, phases, labels);
    } finally {
      withdraw(memory, phases, labels);
    }
  }

  private static void handOver(Object... arrays) {
    for (Object a : arrays) {
      if (a != null) {
        HANDED_OVER.add(a);
      }
    }
  }

  /** Removes what a constructor that threw before taking it left behind. */
  private static void withdraw(Object... arrays) {
    for (Object a : arrays) {
      if (a != null) {
        HANDED_OVER.remove(a);
      }
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
  public boolean rowsWithinLarge(double[][] rows) {
    return Magnitudes.withinLarge(rows);
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
