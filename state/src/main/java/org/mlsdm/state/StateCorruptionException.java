package org.mlsdm.state;

import java.nio.file.Path;

/**
 * The main file's SHA-256 does not match its {@code .checksum} file: the bytes on disk are not the
 * bytes that were saved. The message starts with {@code Checksum mismatch} and carries the path and
 * both digests.
 *
 * <p>When the file still loads and validates, {@link #stale()} is true and the message says so: the
 * file was rewritten without its checksum (the Python system's NPZ save does this), and {@link
 * SystemStates#accept(Path)} accepts it if it is the state wanted. Otherwise the bytes are damaged
 * and {@link SystemStates#recover(Path)} is the usual answer.
 */
public class StateCorruptionException extends StateLoadException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /** The lowercase hex digest recorded in the checksum file. */
  private final String expected;

  /** The lowercase hex digest of the file's bytes. */
  private final String actual;

  /** Whether the file loads and validates despite the mismatch. */
  private final boolean stale;

  /**
   * Creates an exception for a checksum mismatch of a file that does not load (or was not tried).
   *
   * @param path the state file whose bytes did not match
   * @param expected the lowercase hex digest recorded in the checksum file
   * @param actual the lowercase hex digest of the file's bytes
   */
  public StateCorruptionException(Path path, String expected, String actual) {
    this(path, expected, actual, false);
  }

  /**
   * Creates an exception for a checksum mismatch.
   *
   * @param path the state file whose bytes did not match
   * @param expected the lowercase hex digest recorded in the checksum file
   * @param actual the lowercase hex digest of the file's bytes
   * @param stale whether the file loads and validates all the same ({@link #stale()})
   */
  public StateCorruptionException(Path path, String expected, String actual, boolean stale) {
    super(
        Reason.CORRUPT,
        "Checksum mismatch for "
            + path
            + ": expected "
            + expected
            + ", actual "
            + actual
            + (stale
                ? "; the file loads and validates, so it is stale (rewritten without its"
                    + " checksum, e.g. by the Python system), not damaged: accept it with"
                    + " SystemStates.accept or 'mlsdm-state accept' if it is the state wanted"
                : ""),
        null);
    this.path = path;
    this.expected = expected;
    this.actual = actual;
    this.stale = stale;
  }

  /**
   * Whether the file loads and validates despite the mismatch: {@link ChecksumCheck.Status#STALE}
   * rather than damage.
   *
   * @return true for a stale file
   */
  public boolean stale() {
    return stale;
  }

  /**
   * Returns the state file whose bytes did not match.
   *
   * @return the path, or null after deserialization
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the digest recorded in the checksum file.
   *
   * @return lowercase hex SHA-256
   */
  public String expected() {
    return expected;
  }

  /**
   * Returns the digest of the file's bytes.
   *
   * @return lowercase hex SHA-256
   */
  public String actual() {
    return actual;
  }
}
