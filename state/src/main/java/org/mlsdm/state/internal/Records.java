package org.mlsdm.state.internal;

import java.util.Objects;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;

/**
 * The single bridge from the internal packages into the records of {@code org.mlsdm.state}: it lets
 * the library's own encoders read a record's arrays without copying them and its own decoders build
 * records that adopt freshly decoded arrays instead of copying them (a copy would double the peak
 * heap of a large load). The API package installs its implementation from a static initializer of
 * {@link MemoryStateRecord}; internal code calls {@code Records.access()}.
 *
 * <p>Only the library's own codecs and schema code call this. The class is public only so that the
 * internal packages can reach it; the module does not export {@code org.mlsdm.state.internal}, so
 * no code outside the module can make a record share its arrays or expose them.
 */
public final class Records {
  private static volatile Access access;

  private Records() {}

  /**
   * What the API package grants the internal packages. Arrays returned by the readers are the
   * record's own and must never be modified or handed out; arrays given to the adopting factories
   * must be fresh and never touched again.
   */
  public interface Access {
    /**
     * Returns the record's L1 level without a copy.
     *
     * @param m the record
     * @return its own array
     */
    double[] l1(MemoryStateRecord m);

    /**
     * Returns the record's L2 level without a copy.
     *
     * @param m the record
     * @return its own array
     */
    double[] l2(MemoryStateRecord m);

    /**
     * Returns the record's L3 level without a copy.
     *
     * @param m the record
     * @return its own array
     */
    double[] l3(MemoryStateRecord m);

    /**
     * Returns the QILM vectors without a copy.
     *
     * @param q the record
     * @return its own rows
     */
    double[][] rows(QilmStateRecord q);

    /**
     * Returns the QILM phases without a copy.
     *
     * @param q the record
     * @return its own array
     */
    double[] phases(QilmStateRecord q);

    /**
     * Returns the QILM phase labels without a copy.
     *
     * @param q the record
     * @return its own array (a label or null per vector), or null when every phase is a number
     */
    String[] labels(QilmStateRecord q);

    /**
     * Whether the constructor of the QILM record that owns {@code rows} found, while it checked
     * them, that no value exceeds {@link org.mlsdm.state.internal.schema.Integrity#LARGE_VALUE} in
     * magnitude, so that the integrity warnings need not read them again.
     *
     * @param rows a record's own rows, from {@link #rows}
     * @return true when it did; false when a value is large or the array is not a record's own
     */
    boolean rowsWithinLarge(double[][] rows);

    /**
     * Builds a memory record, validated as the public constructor does, that adopts the arrays.
     *
     * @param dimension vector length
     * @param p the parameters
     * @param l1 fresh L1 level
     * @param l2 fresh L2 level
     * @param l3 fresh L3 level
     * @return the record
     * @throws org.mlsdm.state.StateValidationException as the public constructor does
     */
    MemoryStateRecord adoptMemory(
        int dimension, MemoryParameters p, double[] l1, double[] l2, double[] l3);

    /**
     * Builds a QILM record, validated as the public constructor does, that adopts the arrays.
     *
     * @param rows fresh vectors
     * @param phases fresh phases, 0.0 at labelled positions
     * @param labels fresh labels (a label or null per vector), or null when every phase is a number
     * @return the record
     * @throws org.mlsdm.state.StateValidationException as the public constructor does
     */
    QilmStateRecord adoptQilm(double[][] rows, double[] phases, String[] labels);
  }

  /**
   * Installs the API package's implementation; called once, from the static initializer of {@link
   * MemoryStateRecord}.
   *
   * @param a the implementation
   * @throws IllegalStateException if one is already installed
   */
  public static void install(Access a) {
    Objects.requireNonNull(a, "access");
    synchronized (Records.class) {
      if (access != null) {
        throw new IllegalStateException("record access already installed");
      }
      access = a;
    }
  }

  /**
   * Returns the API package's implementation, initializing {@link MemoryStateRecord} first if no
   * record has been touched yet.
   *
   * @return the installed access
   */
  public static Access access() {
    Access a = access;
    if (a == null) {
      try {
        // Initializing the class runs its static initializer, which installs the access.
        Class.forName(MemoryStateRecord.class.getName(), true, Records.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      a = access;
    }
    return a;
  }
}
