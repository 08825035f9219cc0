package org.mlsdm.state.s3;

import java.io.IOException;

/** An answer about the stored objects that retrying cannot change: missing, wrong size or hash. */
class Permanent extends IOException {
  private static final long serialVersionUID = 1L;

  Permanent(String message) {
    super(message);
  }

  Permanent(String message, Throwable cause) {
    super(message, cause);
  }
}
