package org.mlsdm.state;

import java.time.Instant;

/**
 * What changed in a state since its last checkpoint: the QILM rows appended after row {@code
 * fromRow}, the three synaptic levels as they are now, and the id and update time. A {@link
 * Checkpointer} appends it to the journal as one frame.
 *
 * <p>The arrays are copied by the constructor and by the accessors, as in the other records; a
 * delta holds only what changed, so the copy costs the delta's size, never the state's.
 *
 * @param fromRow the QILM size the delta extends, &gt;= 0
 * @param id the state's id, or null for none
 * @param updatedAt the state's update time
 * @param stateL1 level 1 now
 * @param stateL2 level 2 now
 * @param stateL3 level 3 now
 * @param rows the appended vectors, each finite
 * @param phases one finite phase per appended vector
 */
public record StateDelta(
    long fromRow,
    String id,
    Instant updatedAt,
    double[] stateL1,
    double[] stateL2,
    double[] stateL3,
    double[][] rows,
    double[] phases,
    String[] labels) {

  /**
   * Validates and copies.
   *
   * @param fromRow the QILM size the delta extends, &gt;= 0
   * @param id the state's id, or null for none
   * @param updatedAt the state's update time
   * @param stateL1 level 1 now
   * @param stateL2 level 2 now
   * @param stateL3 level 3 now
   * @param rows the appended vectors, each finite
   * @param phases one finite phase per appended vector, 0.0 where {@code labels} holds a label
   * @param labels null when every appended phase is a number; otherwise, per appended vector, its
   *     phase label or null (as in {@link QilmStateRecord})
   * @throws StateValidationException naming the field: a negative {@code fromRow}, a blank id, a
   *     null argument, levels of different lengths, rows, phases or labels of different lengths, a
   *     value that is not finite, or a label as {@link QilmStateRecord} refuses it
   */
  public StateDelta {
    if (fromRow < 0) {
      throw new StateValidationException("fromRow", "fromRow must be >= 0, got " + fromRow);
    }
    if (id != null && id.isBlank()) {
      throw new StateValidationException("id", "id must not be empty or blank, got '" + id + "'");
    }
    Checks.notNull("updated_at", updatedAt);
    updatedAt = updatedAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    // Copied before they are checked, so that the caller cannot change what was checked.
    int length = Checks.notNull("state_l1", stateL1).length;
    stateL1 = Checks.level("state_l1", stateL1.clone(), length, "len(state_l1)");
    stateL2 =
        Checks.level(
            "state_l2", Checks.notNull("state_l2", stateL2).clone(), length, "len(state_l1)");
    stateL3 =
        Checks.level(
            "state_l3", Checks.notNull("state_l3", stateL3).clone(), length, "len(state_l1)");
    QilmStateRecord appended = new QilmStateRecord(rows, phases, labels);
    rows = appended.rows();
    phases = appended.phaseArray();
    labels = appended.labelArray();
  }

  /**
   * Validates and copies a delta whose appended phases are all numbers.
   *
   * @param fromRow the QILM size the delta extends, &gt;= 0
   * @param id the state's id, or null for none
   * @param updatedAt the state's update time
   * @param stateL1 level 1 now
   * @param stateL2 level 2 now
   * @param stateL3 level 3 now
   * @param rows the appended vectors, each finite
   * @param phases one finite phase per appended vector
   * @throws StateValidationException as the canonical constructor
   */
  public StateDelta(
      long fromRow,
      String id,
      Instant updatedAt,
      double[] stateL1,
      double[] stateL2,
      double[] stateL3,
      double[][] rows,
      double[] phases) {
    this(fromRow, id, updatedAt, stateL1, stateL2, stateL3, rows, phases, null);
  }

  /**
   * Returns a copy of the appended phase labels.
   *
   * @return null when every appended phase is a number; otherwise a new array, a label or null per
   *     appended vector
   */
  @Override
  public String[] labels() {
    return labels == null ? null : labels.clone();
  }

  /**
   * Returns a copy of level 1.
   *
   * @return a new array
   */
  @Override
  public double[] stateL1() {
    return stateL1.clone();
  }

  /**
   * Returns a copy of level 2.
   *
   * @return a new array
   */
  @Override
  public double[] stateL2() {
    return stateL2.clone();
  }

  /**
   * Returns a copy of level 3.
   *
   * @return a new array
   */
  @Override
  public double[] stateL3() {
    return stateL3.clone();
  }

  /**
   * Returns a deep copy of the appended vectors.
   *
   * @return new arrays
   */
  @Override
  public double[][] rows() {
    double[][] copy = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      copy[i] = rows[i].clone();
    }
    return copy;
  }

  /**
   * Returns a copy of the appended phases.
   *
   * @return a new array
   */
  @Override
  public double[] phases() {
    return phases.clone();
  }

  /** The frame content, sharing this record's arrays (the encoder only reads them). */
  org.mlsdm.state.internal.store.JournalFormat.Delta frame() {
    return new org.mlsdm.state.internal.store.JournalFormat.Delta(
        updatedAt, id, stateL1, stateL2, stateL3, fromRow, rows, phases, labels);
  }
}
