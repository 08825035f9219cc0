package org.mlsdm.state;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SystemStates#recoverReport(Path)} did.
 *
 * @param state the recovered state, now the main file's
 * @param source where it came from
 * @param usedFile the file its bytes were read from (the main file, a temporary file of an
 *     interrupted save, or the backup)
 * @param replacedKeptAt where the main file that recovery replaced was kept ({@code
 *     NAME.damaged-<UTC time>}); empty when nothing was replaced (source {@code MAIN}, no main
 *     file, or the main file itself was the interrupted save's state)
 */
public record RecoveryResult(
    SystemStateRecord state,
    Source source,
    Optional<Path> usedFile,
    Optional<Path> replacedKeptAt) {

  /** The sources recovery tries, in this order. */
  public enum Source {
    /** The main file verified against its checksum; nothing was changed. */
    MAIN,
    /**
     * The state of an interrupted save: a file whose SHA-256 a checksum file or temp vouches for.
     */
    INTERRUPTED_SAVE,
    /** The backup, {@code NAME.backup}. */
    BACKUP
  }

  /**
   * Checks the parts: none null, and nothing replaced when the source is the main file.
   *
   * @param state see the record component
   * @param source see the record component
   * @param usedFile see the record component
   * @param replacedKeptAt see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code source} is {@code MAIN} and {@code replacedKeptAt}
   *     is present
   */
  public RecoveryResult {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(usedFile, "usedFile");
    Objects.requireNonNull(replacedKeptAt, "replacedKeptAt");
    if (source == Source.MAIN && replacedKeptAt.isPresent()) {
      throw new IllegalArgumentException("a recovery from the main file replaces nothing");
    }
  }
}
