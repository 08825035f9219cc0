package org.mlsdm.state;

/**
 * Base of every failure the store reports for a file or an I/O operation. Unchecked, so callers
 * catch what they can act on: {@link StateLoadException}, {@link StateSaveException} or {@link
 * StateRecoveryException}.
 */
public class StateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what failed, with the evidence (path, field, value)
   */
  public StateException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what failed, with the evidence (path, field, value)
   * @param cause the underlying failure, may be null
   */
  public StateException(String message, Throwable cause) {
    super(message, cause);
  }
}
