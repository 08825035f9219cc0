package org.mlsdm.state;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One complete persisted state: schema version, optional id, timestamps, the synaptic memory and
 * the QILM.
 *
 * <p>Timestamps are held at microsecond precision, the finest the JSON format and the Python system
 * carry: the constructor truncates finer instants, so a record equals what a save and a load of it
 * give back.
 *
 * @param version schema version, &gt;= 1
 * @param id optional identifier; null when absent, never empty or blank (whitespace as Python's
 *     {@code str.strip} sees it, the no-break spaces U+00A0, U+2007 and U+202F included)
 * @param createdAt creation time, not after {@code updatedAt}
 * @param updatedAt last update time
 * @param memoryState the synaptic memory
 * @param qilm the lattice memory
 */
public record SystemStateRecord(
    int version,
    String id,
    Instant createdAt,
    Instant updatedAt,
    MemoryStateRecord memoryState,
    QilmStateRecord qilm) {

  /**
   * Validates every invariant.
   *
   * @param version schema version, &gt;= 1
   * @param id optional identifier; null when absent, never empty or blank
   * @param createdAt creation time, not after {@code updatedAt}
   * @param updatedAt last update time
   * @param memoryState the synaptic memory
   * @param qilm the lattice memory
   * @throws StateValidationException naming the field: {@code version} below 1, an empty or blank
   *     {@code id}, a null timestamp or component, or {@code created_at} after {@code updated_at}
   */
  public SystemStateRecord {
    if (version < 1) {
      throw new StateValidationException("version", "version must be >= 1, got " + version);
    }
    if (id != null && Checks.blank(id)) {
      throw new StateValidationException("id", "id must not be empty or blank, got '" + id + "'");
    }
    createdAt = Checks.notNull("created_at", createdAt).truncatedTo(ChronoUnit.MICROS);
    updatedAt = Checks.notNull("updated_at", updatedAt).truncatedTo(ChronoUnit.MICROS);
    if (createdAt.isAfter(updatedAt)) {
      throw new StateValidationException(
          "created_at",
          "created_at must not be after updated_at, got created_at="
              + createdAt
              + " updated_at="
              + updatedAt);
    }
    Checks.notNull("memory_state", memoryState);
    Checks.notNull("qilm", qilm);
  }

  /**
   * Returns a copy with another id.
   *
   * @param newId the id, or null for none
   * @return a new record
   * @throws StateValidationException if {@code newId} is empty or blank
   */
  public SystemStateRecord withId(String newId) {
    return new SystemStateRecord(version, newId, createdAt, updatedAt, memoryState, qilm);
  }

  /**
   * Returns a copy with another update time.
   *
   * @param newUpdatedAt the update time, not before {@code createdAt}
   * @return a new record
   * @throws StateValidationException if it is null or before {@code createdAt}
   */
  public SystemStateRecord withUpdatedAt(Instant newUpdatedAt) {
    return new SystemStateRecord(version, id, createdAt, newUpdatedAt, memoryState, qilm);
  }

  /**
   * Returns a copy with another synaptic memory state.
   *
   * @param newMemoryState the memory state
   * @return a new record
   * @throws StateValidationException if it is null
   */
  public SystemStateRecord withMemoryState(MemoryStateRecord newMemoryState) {
    return new SystemStateRecord(version, id, createdAt, updatedAt, newMemoryState, qilm);
  }

  /**
   * Returns a copy with another QILM state.
   *
   * @param newQilm the QILM state
   * @return a new record
   * @throws StateValidationException if it is null
   */
  public SystemStateRecord withQilm(QilmStateRecord newQilm) {
    return new SystemStateRecord(version, id, createdAt, updatedAt, memoryState, newQilm);
  }
}
