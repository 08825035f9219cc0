package org.mlsdm.state;

/**
 * A save failed after its retries. The previous main file, checksum and backup are left as they
 * were, and no temporary file is left behind; the cause is the last attempt's failure and the
 * earlier attempts' failures are attached as suppressed exceptions.
 */
public class StateSaveException extends StateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what failed, naming the path and the number of attempts
   * @param cause the last attempt's failure
   */
  public StateSaveException(String message, Throwable cause) {
    super(message, cause);
  }
}
