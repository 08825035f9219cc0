package org.mlsdm.state;

import java.util.Objects;
import java.util.Optional;

/**
 * How a state file compared with its {@code NAME.checksum} file, as {@link
 * SystemStates#inspect(java.nio.file.Path)} found it.
 *
 * <p>A digest that differs is {@link Status#STALE} when the file still loads and validates (another
 * program, such as the Python system, whose NPZ save never updates the checksum, rewrote it) and
 * {@link Status#MISMATCH} when it does not: only the second is damage. Neither is loaded by a
 * default {@link SystemStates#load(java.nio.file.Path)}; {@link
 * SystemStates#accept(java.nio.file.Path)} records a stale file's digest on request.
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
    /**
     * The file's SHA-256 differs from the checksum file's digest and the file does not load (it is
     * malformed, invalid or of an unsupported version): the bytes are damaged.
     */
    MISMATCH,
    /**
     * The file's SHA-256 differs from the checksum file's digest, but the file loads and validates
     * (migrated if older): it was rewritten without its checksum, e.g. by the Python system. The
     * checksum does not vouch for it, so a default load refuses it and {@code recover} keeps it as
     * it is; {@link SystemStates#accept(java.nio.file.Path)} accepts it.
     */
    STALE,
    /** There is no checksum file. */
    MISSING,
    /** The checksum file exists but could not be read or does not hold a SHA-256 digest. */
    UNREADABLE
  }

  /**
   * Checks the parts: none null, {@code expected} present exactly for {@code OK}, {@code MISMATCH}
   * and {@code STALE}, and the digests equal exactly for {@code OK}.
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
    boolean compared = status == Status.OK || status == Status.MISMATCH || status == Status.STALE;
    if (compared != expected.isPresent()) {
      throw new IllegalArgumentException(
          "expected digest must be present exactly for OK, MISMATCH and STALE, got "
              + status
              + " with "
              + expected);
    }
    if (status == Status.OK && !expected.equals(actual)) {
      throw new IllegalArgumentException(
          "OK needs equal digests, got " + expected + " and " + actual);
    }
    if (status != Status.OK && compared && expected.equals(actual)) {
      throw new IllegalArgumentException(
          status + " needs different digests, got " + expected + " twice");
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
