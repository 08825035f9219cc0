package org.mlsdm.state;

import java.nio.file.Path;

/**
 * The main file's SHA-256 does not match its {@code .checksum} file: the bytes on disk are not the
 * bytes that were saved. The message starts with {@code Checksum mismatch} and carries the path and
 * both digests; {@link SystemStates#recover(Path)} is the usual answer.
 */
public class StateCorruptionException extends StateLoadException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /** The lowercase hex digest recorded in the checksum file. */
  private final String expected;

  /** The lowercase hex digest of the file's bytes. */
  private final String actual;

  /**
   * Creates an exception for a checksum mismatch.
   *
   * @param path the state file whose bytes did not match
   * @param expected the lowercase hex digest recorded in the checksum file
   * @param actual the lowercase hex digest of the file's bytes
   */
  public StateCorruptionException(Path path, String expected, String actual) {
    super(
        Reason.CORRUPT,
        "Checksum mismatch for " + path + ": expected " + expected + ", actual " + actual,
        null);
    this.path = path;
    this.expected = expected;
    this.actual = actual;
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
