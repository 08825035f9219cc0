package org.mlsdm.state.spi;

import java.io.IOException;

/** Another writer published first, or the expected generation is no longer current. */
public class ConcurrentUpdateException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened, naming the location and the generations involved
   */
  public ConcurrentUpdateException(String message) {
    super(message);
  }
}
