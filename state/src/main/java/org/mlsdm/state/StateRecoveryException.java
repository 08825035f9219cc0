package org.mlsdm.state;

/**
 * Neither the main file, nor an interrupted save, nor the backup yields a valid state; the message
 * says {@code no backup} when there was none to try. The main file's failure is the cause and the
 * backup's failure, if any, is attached as suppressed.
 */
public class StateRecoveryException extends StateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what was tried and why each candidate failed
   * @param cause the main file's failure
   */
  public StateRecoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
