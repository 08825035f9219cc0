package org.mlsdm.state;

import java.util.Arrays;

/**
 * The persisted state of a phase-tagged lattice memory (QILM): vectors and the phase of each.
 *
 * <p>Immutable: the constructor copies what it is given and {@link #memory()} returns a deep copy.
 * Because that copies the whole matrix, {@link #size()}, {@link #row(int)} and {@link #phase(int)}
 * give cheap access. Vectors may differ in length (the Python system allows it; {@link
 * SystemStates#validateIntegrity} warns). {@code equals}, {@code hashCode} and {@code toString} go
 * by content.
 *
 * @param memory the vectors, each finite
 * @param phases one finite phase per vector
 */
public record QilmStateRecord(double[][] memory, double[] phases) {

  /** An empty QILM. */
  public static final QilmStateRecord EMPTY = new QilmStateRecord(new double[0][], new double[0]);

  /**
   * Validates and copies.
   *
   * @param memory the vectors, each finite
   * @param phases one finite phase per vector
   * @throws StateValidationException if an argument or a vector is null, if {@code memory} and
   *     {@code phases} differ in length, or if a value is not finite
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
    for (int i = 0; i < memory.length; i++) {
      double[] row = memory[i];
      String field = "memory[" + i + "]";
      if (row == null) {
        throw new StateValidationException("memory", field + " must not be null");
      }
      Checks.allFinite(field, row);
      rows[i] = adopt ? row : row.clone();
    }
    Checks.allFinite("phases", phases);
    memory = rows;
    phases = Adoption.own(phases);
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
   * Returns a copy of the phases.
   *
   * @return a new array, one phase per vector
   */
  @Override
  public double[] phases() {
    return phases.clone();
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
   * Returns the phase of one vector.
   *
   * @param index the row, from 0
   * @return its phase
   * @throws IndexOutOfBoundsException if {@code index} is not in [0, size())
   */
  public double phase(int index) {
    return phases[index];
  }

  /** The rows without a copy, for the library's own encoders; never handed out. */
  double[][] rows() {
    return memory;
  }

  double[] phaseArray() {
    return phases;
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
        && Arrays.equals(phases, q.phases);
  }

  /**
   * Hashes by content.
   *
   * @return a hash consistent with {@link #equals(Object)}
   */
  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(memory) + Arrays.hashCode(phases);
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
    return sb.append("], phases=").append(Abbreviate.values(phases)).append(']').toString();
  }
}
