package org.mlsdm.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The persisted state of a phase-tagged lattice memory (QILM): vectors and the phase of each.
 *
 * <p>A phase is a finite number or a label ({@link Phase}), as in the Python QILM, whose {@code
 * MemoryManager} tags events with {@code "wake"} and {@code "sleep"}. Records whose phases are all
 * numbers are built with {@link #QilmStateRecord(double[][], double[])}; any phases with {@link
 * #ofPhases(double[][], List)}. The canonical constructor is the raw form the codecs use: {@code
 * labels} is null or holds, per vector, its label or null where its phase is the number in {@code
 * phases}, which holds 0.0 at the labelled positions.
 *
 * <p>Immutable: the constructor copies what it is given and {@link #memory()} returns a deep copy.
 * Because that copies the whole matrix, {@link #size()}, {@link #row(int)}, {@link #phase(int)} and
 * {@link #phaseAt(int)} give cheap access. Vectors may differ in length (the Python system allows
 * it; {@link SystemStates#validateIntegrity} warns). {@code equals}, {@code hashCode} and {@code
 * toString} go by content; a record built with labels that are all null equals the numeric one.
 *
 * @param memory the vectors, each finite
 * @param phases one finite phase per vector; 0.0 where the vector's phase is a label
 * @param labels null when every phase is a number; otherwise one entry per vector, its label or
 *     null
 */
public record QilmStateRecord(double[][] memory, double[] phases, String[] labels) {

  /** An empty QILM. */
  public static final QilmStateRecord EMPTY = new QilmStateRecord(new double[0][], new double[0]);

  /**
   * Validates and copies; {@code labels} that are all null are the same as none.
   *
   * @param memory the vectors, each finite
   * @param phases one finite phase per vector; 0.0 where {@code labels} holds a label
   * @param labels null, or one label or null per vector
   * @throws StateValidationException if {@code memory}, {@code phases} or a vector is null, if the
   *     three differ in length, if a value is not finite, if a label holds U+0000, or if a labelled
   *     position's number is not 0.0
   */
  public QilmStateRecord {
    Checks.notNull("memory", memory);
    Checks.notNull("phases", phases);
    if (memory.length != phases.length) {
      throw new StateValidationException(
          "phases",
          "memory and phases must have the same length, got memory="
              + memory.length
              + " phases="
              + phases.length);
    }
    boolean adopt = Adoption.adopts(memory);
    double[][] rows = adopt ? memory : new double[memory.length][];
    boolean withinLarge = true;
    for (int i = 0; i < memory.length; i++) {
      double[] row = memory[i];
      if (row == null) {
        throw new StateValidationException("memory", "memory[" + i + "] must not be null");
      }
      withinLarge &= Checks.allFiniteWithinLarge("memory", i, row);
      rows[i] = adopt ? row : row.clone();
    }
    Checks.allFinite("phases", phases);
    if (withinLarge) {
      Magnitudes.markWithinLarge(rows);
    }
    memory = rows;
    phases = Adoption.own(phases);
    labels = checkLabels(labels, phases);
  }

  /**
   * Validates and copies a record whose phases are all numbers.
   *
   * @param memory the vectors, each finite
   * @param phases one finite phase per vector
   * @throws StateValidationException if an argument or a vector is null, if {@code memory} and
   *     {@code phases} differ in length, or if a value is not finite
   */
  public QilmStateRecord(double[][] memory, double[] phases) {
    this(memory, phases, null);
  }

  /**
   * Builds a record from phases of either kind.
   *
   * @param memory the vectors, each finite
   * @param phases one phase per vector, numbers or labels
   * @return the record
   * @throws StateValidationException if an argument, a vector or a phase is null, if the two differ
   *     in length, or if a value is not finite
   */
  public static QilmStateRecord ofPhases(double[][] memory, List<Phase> phases) {
    Checks.notNull("phases", phases);
    double[] numbers = new double[phases.size()];
    String[] labels = null;
    for (int i = 0; i < numbers.length; i++) {
      Phase p = phases.get(i);
      if (p == null) {
        throw new StateValidationException("phases", "phases[" + i + "] must not be null");
      }
      if (p instanceof Phase.Label l) {
        if (labels == null) {
          labels = new String[numbers.length];
        }
        labels[i] = l.text();
      } else {
        numbers[i] = ((Phase.Numeric) p).value();
      }
    }
    return new QilmStateRecord(memory, numbers, labels);
  }

  private static String[] checkLabels(String[] labels, double[] phases) {
    if (labels == null) {
      return null;
    }
    if (labels.length != phases.length) {
      throw new StateValidationException(
          "phases",
          "labels and phases must have the same length, got labels="
              + labels.length
              + " phases="
              + phases.length);
    }
    boolean any = false;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != null) {
        Checks.label("phases[" + i + "]", labels[i]);
        if (Double.doubleToRawLongBits(phases[i]) != 0L) {
          throw new StateValidationException(
              "phases",
              "phases[" + i + "] is labelled, so its number must be 0.0, got " + phases[i]);
        }
        any = true;
      }
    }
    return any ? Adoption.own(labels) : null;
  }

  /**
   * Returns a deep copy of the vectors; prefer {@link #row(int)} for one vector.
   *
   * @return a new matrix, one new array per vector
   */
  @Override
  public double[][] memory() {
    double[][] copy = new double[memory.length][];
    for (int i = 0; i < memory.length; i++) {
      copy[i] = memory[i].clone();
    }
    return copy;
  }

  /**
   * Returns a copy of the numeric phases.
   *
   * @return a new array, one phase per vector
   * @throws IllegalStateException if a phase is a label; use {@link #phaseList()} then
   */
  @Override
  public double[] phases() {
    if (labels != null) {
      throw new IllegalStateException(
          "phases are not all numbers (phases[" + firstLabel() + "] is a label); use phaseList()");
    }
    return phases.clone();
  }

  /**
   * Returns a copy of the labels.
   *
   * @return a new array with one entry per vector: its label, or null where its phase is a number
   */
  @Override
  public String[] labels() {
    return labels == null ? new String[phases.length] : labels.clone();
  }

  /**
   * Returns the phases of either kind.
   *
   * @return a new unmodifiable list, one phase per vector
   */
  public List<Phase> phaseList() {
    List<Phase> out = new ArrayList<>(phases.length);
    for (int i = 0; i < phases.length; i++) {
      out.add(phaseAt(i));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Whether any phase is a label.
   *
   * @return true if {@link #phases()} would throw
   */
  public boolean hasLabels() {
    return labels != null;
  }

  /**
   * Returns the number of vectors.
   *
   * @return the row count
   */
  public int size() {
    return memory.length;
  }

  /**
   * Returns a copy of one vector.
   *
   * @param index the row, from 0
   * @return a new array
   * @throws IndexOutOfBoundsException if {@code index} is not in [0, size())
   */
  public double[] row(int index) {
    return memory[index].clone();
  }

  /**
   * Returns the numeric phase of one vector.
   *
   * @param index the row, from 0
   * @return its phase
   * @throws IndexOutOfBoundsException if {@code index} is not in [0, size())
   * @throws IllegalStateException if that phase is a label; use {@link #phaseAt(int)} then
   */
  public double phase(int index) {
    Objects.checkIndex(index, phases.length);
    if (labels != null && labels[index] != null) {
      throw new IllegalStateException(
          "phases[" + index + "] is the label '" + labels[index] + "', not a number; use phaseAt");
    }
    return phases[index];
  }

  /**
   * Returns the phase of one vector, a number or a label.
   *
   * @param index the row, from 0
   * @return its phase
   * @throws IndexOutOfBoundsException if {@code index} is not in [0, size())
   */
  public Phase phaseAt(int index) {
    Objects.checkIndex(index, phases.length);
    return labels != null && labels[index] != null
        ? new Phase.Label(labels[index])
        : new Phase.Numeric(phases[index]);
  }

  private int firstLabel() {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != null) {
        return i;
      }
    }
    return -1;
  }

  /** The rows without a copy, for the library's own encoders; never handed out. */
  double[][] rows() {
    return memory;
  }

  double[] phaseArray() {
    return phases;
  }

  String[] labelArray() {
    return labels;
  }

  /**
   * Compares by content.
   *
   * @param o the other object
   * @return true when {@code o} holds equal vectors and phases
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof QilmStateRecord q
        && Arrays.deepEquals(memory, q.memory)
        && Arrays.equals(phases, q.phases)
        && Arrays.equals(labels, q.labels);
  }

  /**
   * Hashes by content.
   *
   * @return a hash consistent with {@link #equals(Object)}
   */
  @Override
  public int hashCode() {
    return (31 * Arrays.deepHashCode(memory) + Arrays.hashCode(phases)) * 31
        + Arrays.hashCode(labels);
  }

  /**
   * Describes the record, abbreviating long contents.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("QilmStateRecord[size=").append(memory.length);
    int shown = Math.min(memory.length, 3);
    sb.append(", memory=[");
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(Abbreviate.values(memory[i]));
    }
    if (memory.length > shown) {
      sb.append(", …");
    }
    sb.append("], phases=");
    if (labels == null) {
      sb.append(Abbreviate.values(phases));
    } else {
      int n = Math.min(phases.length, 6);
      sb.append('[');
      for (int i = 0; i < n; i++) {
        sb.append(i > 0 ? ", " : "").append(phaseAt(i));
      }
      if (phases.length > n) {
        sb.append(", … (").append(phases.length).append(" values)");
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }
}
