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
 *     NAME.damaged-<UTC time>}); empty when nothing was replaced (source {@code MAIN} or {@code
 *     STALE_MAIN}, no main file, or the main file itself was the interrupted save's state)
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
     * The main file as it is, although its checksum does not vouch for it: it loads and validates
     * ({@link ChecksumCheck.Status#STALE}: rewritten without its checksum, e.g. by the Python
     * system), and no interrupted save's state was found, so it is the newest state there is and is
     * never rolled back to the backup. Nothing was changed: a plain load still refuses it until
     * {@link SystemStates#accept(java.nio.file.Path)} records its checksum. The state has no
     * journal applied (a journal chains to the bytes the checksum vouched for, not to these).
     */
    STALE_MAIN,
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
   * @throws IllegalArgumentException if {@code source} is {@code MAIN} or {@code STALE_MAIN} and
   *     {@code replacedKeptAt} is present
   */
  public RecoveryResult {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(usedFile, "usedFile");
    Objects.requireNonNull(replacedKeptAt, "replacedKeptAt");
    if ((source == Source.MAIN || source == Source.STALE_MAIN) && replacedKeptAt.isPresent()) {
      throw new IllegalArgumentException("a recovery from the main file replaces nothing");
    }
  }
}
