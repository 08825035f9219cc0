package org.mlsdm.state;

import java.nio.file.Path;
import java.util.Objects;

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

  /** The location or version as its storage names it. */
  private final String location;

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
    this(path, String.valueOf(path), expected, actual, false);
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
    this(path, String.valueOf(path), expected, actual, stale);
  }

  /**
   * Creates an exception for a checksum mismatch at a location that need not be a local file: an
   * object-store URI keeps its {@code //} in the message and in {@link #location()}.
   *
   * @param location the state or version whose bytes did not match, as its storage names it (a
   *     path, {@code s3://bucket/key.json}, {@code s3://bucket/key.json generation 3 (…)})
   * @param expected the lowercase hex digest recorded for it
   * @param actual the lowercase hex digest of its bytes
   * @throws NullPointerException if {@code location} is null
   */
  public StateCorruptionException(String location, String expected, String actual) {
    this(location, expected, actual, false);
  }

  /**
   * Creates an exception for a checksum mismatch at a location that need not be a local file.
   *
   * @param location the state or version whose bytes did not match, as its storage names it
   * @param expected the lowercase hex digest recorded for it
   * @param actual the lowercase hex digest of its bytes
   * @param stale whether it loads and validates all the same ({@link #stale()})
   * @throws NullPointerException if {@code location} is null
   */
  public StateCorruptionException(String location, String expected, String actual, boolean stale) {
    this(Path.of(Objects.requireNonNull(location, "location")), location, expected, actual, stale);
  }

  private StateCorruptionException(
      Path path, String location, String expected, String actual, boolean stale) {
    super(
        Reason.CORRUPT,
        "Checksum mismatch for "
            + location
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
    this.location = location;
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
   * Returns the location whose bytes did not match, as its storage names it: the path's text for a
   * local file, the URI (with a generation, for an older version) for an object store.
   *
   * @return the location's text
   */
  public String location() {
    return location;
  }

  /**
   * Returns the state file whose bytes did not match. For a location that is not a local file this
   * is {@code Path.of} of its text, which folds {@code s3://} into {@code s3:/}: {@link
   * #location()} names it exactly.
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
