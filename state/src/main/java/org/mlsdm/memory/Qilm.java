package org.mlsdm.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.mlsdm.state.Phase;
import org.mlsdm.state.QilmStateRecord;

/**
 * A phase-tagged lattice memory (the Python {@code QILM}): vectors stored with a phase each, and
 * retrieved by phase in insertion order. A phase is a finite number or a label (a string), as in
 * the Python class, whose {@code MemoryManager} uses the labels {@code "wake"} and {@code "sleep"}:
 * numbers are retrieved within a tolerance ({@value #DEFAULT_TOLERANCE} by default, as in Python),
 * labels by equality, and a number never matches a label.
 *
 * <p>Vectors are kept in growable arrays, so {@link #entangle(double[], double)} is amortized O(1)
 * besides copying the vector; {@link #retrieve(double, double)} scans every entry. Vectors may
 * differ in length, as in the Python class. Every stored value and phase is finite, so the state
 * can always be persisted.
 *
 * <p>Not thread-safe: confine an instance to one thread or guard it externally ({@link
 * MemoryManager} does).
 */
public final class Qilm {
  /** The tolerance of {@link #retrieve(double)}, the Python {@code retrieve}'s default. */
  public static final double DEFAULT_TOLERANCE = 0.1;

  private static final int INITIAL_CAPACITY = 16;

  private double[][] vectors;
  private double[] phases;
  // Null until the first label, so that numeric QILMs pay nothing for labels.
  private String[] labels;
  private int size;

  /** Creates an empty QILM. */
  public Qilm() {
    this.vectors = new double[INITIAL_CAPACITY][];
    this.phases = new double[INITIAL_CAPACITY];
  }

  private Qilm(double[][] vectors, double[] phases, String[] labels) {
    this.size = vectors.length;
    int capacity = Math.max(INITIAL_CAPACITY, size);
    this.vectors = Arrays.copyOf(vectors, capacity);
    this.phases = Arrays.copyOf(phases, capacity);
    this.labels = labels == null ? null : Arrays.copyOf(labels, capacity);
  }

  /**
   * Restores a QILM from a record.
   *
   * @param record the persisted state
   * @return a new QILM holding copies of the record's vectors and phases, in the record's order
   * @throws NullPointerException if {@code record} is null
   */
  public static Qilm fromRecord(QilmStateRecord record) {
    Objects.requireNonNull(record, "record");
    String[] labels = record.hasLabels() ? record.labels() : null;
    double[] numbers = new double[record.size()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = labels != null && labels[i] != null ? 0.0 : record.phase(i);
    }
    return new Qilm(record.memory(), numbers, labels);
  }

  /**
   * Stores a copy of a vector with its phase.
   *
   * @param vector the vector, finite values, any length
   * @param phase its phase, finite
   * @throws IllegalArgumentException naming the index and value if a value or the phase is not
   *     finite; nothing is stored then
   * @throws NullPointerException if {@code vector} is null
   */
  public void entangle(double[] vector, double phase) {
    Objects.requireNonNull(vector, "vector");
    checkVector(vector);
    if (!Double.isFinite(phase)) {
      throw new IllegalArgumentException("phase must be finite, got " + phase);
    }
    append(vector.clone(), phase);
  }

  /**
   * Stores a copy of a vector with a labelled phase.
   *
   * @param vector the vector, finite values, any length
   * @param label its phase, any string without U+0000
   * @throws IllegalArgumentException naming the index and value if a value is not finite, or if the
   *     label holds U+0000; nothing is stored then
   * @throws NullPointerException if {@code vector} or {@code label} is null
   */
  public void entangle(double[] vector, String label) {
    Objects.requireNonNull(vector, "vector");
    checkVector(vector);
    checkLabel(label);
    append(vector.clone(), label);
  }

  /** Checks a label as the record will: not null, no U+0000. */
  static void checkLabel(String label) {
    Objects.requireNonNull(label, "label");
    Phase.of(label);
  }

  /** Checks that every value of a vector is finite. */
  static void checkVector(double[] vector) {
    for (int i = 0; i < vector.length; i++) {
      if (!Double.isFinite(vector[i])) {
        throw new IllegalArgumentException("vector[" + i + "] must be finite, got " + vector[i]);
      }
    }
  }

  /** Stores a vector that the caller has checked and will not share. */
  void append(double[] owned, double phase) {
    grow();
    vectors[size] = owned;
    phases[size] = phase;
    size++;
  }

  /** Stores a vector that the caller has checked and will not share, with a checked label. */
  void append(double[] owned, String label) {
    grow();
    if (labels == null) {
      labels = new String[vectors.length];
    }
    vectors[size] = owned;
    phases[size] = 0.0;
    labels[size] = label;
    size++;
  }

  private void grow() {
    if (size == vectors.length) {
      int capacity = vectors.length + (vectors.length >> 1);
      vectors = Arrays.copyOf(vectors, capacity);
      phases = Arrays.copyOf(phases, capacity);
      if (labels != null) {
        labels = Arrays.copyOf(labels, capacity);
      }
    }
  }

  private boolean labelled(int i) {
    return labels != null && labels[i] != null;
  }

  /**
   * Returns copies of the vectors whose numeric phase is within {@value #DEFAULT_TOLERANCE} of
   * {@code phase}, as the Python {@code retrieve(phase)} does.
   *
   * @param phase the phase to look for
   * @return a new list of new arrays, in insertion order, empty when nothing matches
   * @throws IllegalArgumentException if {@code phase} is NaN
   */
  public List<double[]> retrieve(double phase) {
    return retrieve(phase, DEFAULT_TOLERANCE);
  }

  /**
   * Returns copies of the vectors whose phase is the label {@code label}, in insertion order.
   *
   * @param label the label to look for, compared by {@link String#equals}
   * @return a new list of new arrays, empty when nothing matches
   * @throws NullPointerException if {@code label} is null
   */
  public List<double[]> retrieve(String label) {
    Objects.requireNonNull(label, "label");
    List<double[]> matches = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (labelled(i) && labels[i].equals(label)) {
        matches.add(vectors[i].clone());
      }
    }
    return matches;
  }

  /**
   * Returns copies of the vectors whose numeric phase {@code p} satisfies {@code |p - phase| <=
   * tolerance}, in insertion order; labelled vectors never match a number.
   *
   * @param phase the phase to look for; a non-finite phase matches nothing unless the tolerance is
   *     infinite
   * @param tolerance the largest accepted distance, &gt;= 0 (0 means an exact match)
   * @return a new list of new arrays, empty when nothing matches
   * @throws IllegalArgumentException if {@code phase} is NaN, or {@code tolerance} is negative or
   *     NaN
   */
  public List<double[]> retrieve(double phase, double tolerance) {
    if (Double.isNaN(phase)) {
      throw new IllegalArgumentException("phase must not be NaN");
    }
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
    List<double[]> matches = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (!labelled(i) && Math.abs(phases[i] - phase) <= tolerance) {
        matches.add(vectors[i].clone());
      }
    }
    return matches;
  }

  /**
   * Returns the number of stored vectors.
   *
   * @return the count, &gt;= 0
   */
  public int size() {
    return size;
  }

  /**
   * Captures the current state.
   *
   * @return a new record with copies of the vectors and phases, in insertion order
   */
  public QilmStateRecord toRecord() {
    return new QilmStateRecord(
        Arrays.copyOf(vectors, size),
        Arrays.copyOf(phases, size),
        labels == null ? null : Arrays.copyOf(labels, size));
  }

  /** The vectors from {@code from} on, shared (stored vectors are never mutated). */
  double[][] rowsFrom(int from) {
    return Arrays.copyOfRange(vectors, from, size);
  }

  /** The labels from {@code from} on: null when none of those phases is a label. */
  String[] labelsFrom(int from) {
    if (labels == null) {
      return null;
    }
    for (int i = from; i < size; i++) {
      if (labels[i] != null) {
        return Arrays.copyOfRange(labels, from, size);
      }
    }
    return null;
  }

  /** The phases from {@code from} on. */
  double[] phasesFrom(int from) {
    return Arrays.copyOfRange(phases, from, size);
  }

  /** An independent copy; stored vectors are never mutated, so they can be shared. */
  Qilm copy() {
    return new Qilm(
        Arrays.copyOf(vectors, size),
        Arrays.copyOf(phases, size),
        labels == null ? null : Arrays.copyOf(labels, size));
  }
}
