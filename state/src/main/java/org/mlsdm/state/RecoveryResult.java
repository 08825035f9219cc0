package org.mlsdm.state;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

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
 * @param usedVersion the version its bytes were read from as its storage names it: the file's path
 *     for local files; for an object store the location's URI and the generation ({@code
 *     s3://bucket/key.json generation 3 (…)}), which {@code usedFile}, a {@link Path}, cannot spell
 * @param usedGeneration the generation used, for storages that number their versions (object
 *     stores); empty for local files
 */
public record RecoveryResult(
    SystemStateRecord state,
    Source source,
    Optional<Path> usedFile,
    Optional<Path> replacedKeptAt,
    Optional<String> usedVersion,
    OptionalLong usedGeneration) {

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
    /**
     * The backup, {@code NAME.backup}; for an object store, the newest older generation whose data
     * verifies (see {@link RecoveryResult#usedGeneration()}).
     */
    BACKUP
  }

  /**
   * A result without a generation, naming the version used by its file.
   *
   * @param state see the record component
   * @param source see the record component
   * @param usedFile see the record component
   * @param replacedKeptAt see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code source} is {@code MAIN} or {@code STALE_MAIN} and
   *     {@code replacedKeptAt} is present
   */
  public RecoveryResult(
      SystemStateRecord state,
      Source source,
      Optional<Path> usedFile,
      Optional<Path> replacedKeptAt) {
    this(
        state,
        source,
        usedFile,
        replacedKeptAt,
        Objects.requireNonNull(usedFile, "usedFile").map(Path::toString),
        OptionalLong.empty());
  }

  /**
   * Checks the parts: none null, and nothing replaced when the source is the main file.
   *
   * @param state see the record component
   * @param source see the record component
   * @param usedFile see the record component
   * @param replacedKeptAt see the record component
   * @param usedVersion see the record component
   * @param usedGeneration see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code source} is {@code MAIN} or {@code STALE_MAIN} and
   *     {@code replacedKeptAt} is present
   */
  public RecoveryResult {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(usedFile, "usedFile");
    Objects.requireNonNull(replacedKeptAt, "replacedKeptAt");
    Objects.requireNonNull(usedVersion, "usedVersion");
    Objects.requireNonNull(usedGeneration, "usedGeneration");
    if ((source == Source.MAIN || source == Source.STALE_MAIN) && replacedKeptAt.isPresent()) {
      throw new IllegalArgumentException("a recovery from the main file replaces nothing");
    }
  }
}
