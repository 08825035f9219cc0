package org.mlsdm.state;

/**
 * A state could not be loaded: the file is missing ({@code not found} in the message), unreadable,
 * malformed, breaks a schema invariant, or was written by a newer schema version. For bad file
 * contents this is the only exception a load throws. {@link #reason()} tells the cases apart for
 * programs (the command-line tool maps them to exit codes).
 */
public class StateLoadException extends StateException {
  private static final long serialVersionUID = 1L;

  /** Why a load failed. */
  public enum Reason {
    /** The file does not exist. */
    NOT_FOUND,
    /** The file exists but could not be read (permissions, I/O error). */
    UNREADABLE,
    /** The bytes do not match the checksum file ({@link StateCorruptionException}). */
    CORRUPT,
    /** The bytes are not a well-formed file of the format, or exceed a reader limit. */
    MALFORMED,
    /** The file is well formed but a value breaks a schema invariant. */
    INVALID,
    /** The file's schema version is newer than this library, or no migration route exists. */
    UNSUPPORTED_VERSION
  }

  /** Why the load failed. */
  private final Reason reason;

  /**
   * Creates an exception for a malformed file.
   *
   * @param message what failed, naming the path and the field or offset
   */
  public StateLoadException(String message) {
    this(Reason.MALFORMED, message, null);
  }

  /**
   * Creates an exception for a malformed file, with a cause.
   *
   * @param message what failed, naming the path and the field or offset
   * @param cause the underlying failure, may be null
   */
  public StateLoadException(String message, Throwable cause) {
    this(Reason.MALFORMED, message, cause);
  }

  /**
   * Creates an exception with an explicit reason.
   *
   * @param reason why the load failed
   * @param message what failed, naming the path and the field or offset
   * @param cause the underlying failure, may be null
   * @throws NullPointerException if {@code reason} is null
   */
  public StateLoadException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    if (reason == null) {
      throw new NullPointerException("reason");
    }
    this.reason = reason;
  }

  /**
   * Returns why the load failed.
   *
   * @return the reason, never null
   */
  public Reason reason() {
    return reason;
  }
}
