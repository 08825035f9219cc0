package org.mlsdm.state;

import java.util.Objects;
import java.util.Optional;

/**
 * How a state file compared with its {@code NAME.checksum} file, as {@link
 * SystemStates#inspect(java.nio.file.Path)} found it.
 *
 * @param status the outcome
 * @param expected the digest the checksum file holds (lowercase hex), when it was readable
 * @param actual the SHA-256 of the file's bytes (lowercase hex)
 */
public record ChecksumCheck(Status status, Optional<String> expected, Optional<String> actual) {

  /** The outcomes of a checksum comparison. */
  public enum Status {
    /** The file's SHA-256 equals the checksum file's digest. */
    OK,
    /** The file's SHA-256 differs from the checksum file's digest. */
    MISMATCH,
    /** There is no checksum file. */
    MISSING,
    /** The checksum file exists but could not be read or does not hold a SHA-256 digest. */
    UNREADABLE
  }

  /**
   * Checks the parts: none null, and {@code expected} present exactly for {@code OK} and {@code
   * MISMATCH}.
   *
   * @param status see the record component
   * @param expected see the record component
   * @param actual see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if {@code expected} does not fit {@code status}
   */
  public ChecksumCheck {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    boolean compared = status == Status.OK || status == Status.MISMATCH;
    if (compared != expected.isPresent()) {
      throw new IllegalArgumentException(
          "expected digest must be present exactly for OK and MISMATCH, got "
              + status
              + " with "
              + expected);
    }
    if (status == Status.OK && !expected.equals(actual)) {
      throw new IllegalArgumentException(
          "OK needs equal digests, got " + expected + " and " + actual);
    }
  }

  /**
   * Whether the file matched its checksum.
   *
   * @return true for {@link Status#OK}
   */
  public boolean ok() {
    return status == Status.OK;
  }
}
