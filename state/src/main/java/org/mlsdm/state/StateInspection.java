package org.mlsdm.state;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one read of a state file found: {@link SystemStates#inspect(Path)}.
 *
 * @param path the state file, as the store resolved it (absolute; a symbolic link followed)
 * @param format the format it was read as
 * @param size the main file's size in bytes
 * @param versionFound the schema version as written in the file (0 for the legacy layout); empty
 *     when the file could not be parsed far enough to tell
 * @param migrated whether loading migrated it to {@link SystemStates#CURRENT_SCHEMA_VERSION}
 * @param checksum how the file compared with its checksum file
 * @param warnings {@link SystemStates#validateIntegrity} of the loaded state; empty when it did not
 *     load
 * @param state the state, present when it loads (whatever the checksum says)
 * @param failure why it does not load, present exactly when {@code state} is not; a checksum
 *     mismatch alone is not a failure here (see {@code checksum}: {@code STALE} when the state is
 *     present, {@code MISMATCH} when it is not)
 * @param backup what was found of the backup
 * @param journal what was found of the journal beside the file ({@link Checkpointer}); {@code
 *     state} is the base alone, {@link JournalCheck#state()} the base with the journal applied
 */
public record StateInspection(
    Path path,
    StateFormat format,
    long size,
    OptionalInt versionFound,
    boolean migrated,
    ChecksumCheck checksum,
    List<String> warnings,
    Optional<SystemStateRecord> state,
    Optional<StateLoadException> failure,
    BackupCheck backup,
    JournalCheck journal) {

  /**
   * Checks the parts: none null, a non-negative size, exactly one of {@code state} and {@code
   * failure}, and no migration without a state; copies {@code warnings}.
   *
   * @param path see the record component
   * @param format see the record component
   * @param size see the record component
   * @param versionFound see the record component
   * @param migrated see the record component
   * @param checksum see the record component
   * @param warnings see the record component
   * @param state see the record component
   * @param failure see the record component
   * @param backup see the record component
   * @param journal see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the parts contradict each other
   */
  public StateInspection {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(versionFound, "versionFound");
    Objects.requireNonNull(checksum, "checksum");
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(backup, "backup");
    Objects.requireNonNull(journal, "journal");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    if (state.isPresent() == failure.isPresent()) {
      throw new IllegalArgumentException("exactly one of state and failure must be present");
    }
    if (migrated && state.isEmpty()) {
      throw new IllegalArgumentException("migrated needs a loaded state");
    }
    if (state.isEmpty()
        && journal.status() != JournalCheck.Status.ABSENT
        && journal.status() != JournalCheck.Status.UNCHECKED) {
      throw new IllegalArgumentException(
          "a journal is only checked against a base that loads, got " + journal.status());
    }
  }

  /**
   * The state a default {@link SystemStates#load(Path)} returns, checksum aside: the base with its
   * journal applied when one applies, else the base.
   *
   * @return that state; empty when the base does not load or the journal is corrupt
   */
  public Optional<SystemStateRecord> loaded() {
    if (journal.status() == JournalCheck.Status.CORRUPT) {
      return Optional.empty();
    }
    return journal.state().or(() -> state);
  }

  /**
   * Whether a default {@link SystemStates#load(Path)} would succeed: the state loads, the checksum
   * does not contradict it and the journal is not corrupt (a torn tail or a stale journal is
   * ignored by a load).
   *
   * @return true when the state is present, the checksum is OK or missing and the journal is not
   *     {@code CORRUPT}; false for a {@link ChecksumCheck.Status#STALE} file, which a load refuses
   *     until it is accepted
   */
  public boolean healthy() {
    return loaded().isPresent()
        && (checksum.status() == ChecksumCheck.Status.OK
            || checksum.status() == ChecksumCheck.Status.MISSING);
  }
}
