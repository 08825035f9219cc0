package org.mlsdm.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SystemStates#inspect(java.nio.file.Path)} found of a state's backup, {@code
 * NAME.backup}.
 *
 * @param present whether the backup file exists
 * @param updatedAt the backup state's {@code updated_at}, when it loads
 * @param failure why it does not load, when it is present and does not
 */
public record BackupCheck(
    boolean present, Optional<Instant> updatedAt, Optional<StateLoadException> failure) {

  /** The check of a state without a backup. */
  public static final BackupCheck ABSENT =
      new BackupCheck(false, Optional.empty(), Optional.empty());

  /**
   * Checks the parts: none null; an absent backup has neither a time nor a failure, a present one
   * exactly one of them.
   *
   * @param present see the record component
   * @param updatedAt see the record component
   * @param failure see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the parts contradict each other
   */
  public BackupCheck {
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(failure, "failure");
    if (!present && (updatedAt.isPresent() || failure.isPresent())) {
      throw new IllegalArgumentException("an absent backup has no updatedAt and no failure");
    }
    if (present && updatedAt.isPresent() == failure.isPresent()) {
      throw new IllegalArgumentException(
          "a present backup has exactly one of updatedAt and failure");
    }
  }

  /**
   * Whether the backup exists and loads.
   *
   * @return true when present without a failure
   */
  public boolean loads() {
    return present && failure.isEmpty();
  }
}
