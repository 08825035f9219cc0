package org.mlsdm.state.spi;

import java.io.IOException;

/**
 * A stored version is bad — its bytes do not match what its storage recorded for them, it is
 * missing although listed, or its metadata is hostile — as opposed to a storage that cannot be
 * reached. Recovery skips such a version and tries the next candidate; any other {@link
 * IOException} stops recovery, so that an unreachable store never makes it fall back and republish
 * an older version.
 */
public class CorruptVersionException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the evidence: the version's location and the expected and actual digest or size
   */
  public CorruptVersionException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message the evidence: the version's location and the expected and actual digest or size
   * @param cause the underlying failure
   */
  public CorruptVersionException(String message, Throwable cause) {
    super(message, cause);
  }
}
