package org.mlsdm.state.s3;

import org.mlsdm.state.spi.CorruptVersionException;

/**
 * An answer about the stored objects that retrying cannot change: missing, wrong size or hash. A
 * {@link CorruptVersionException}, so that the core's recover skips the version and tries the next.
 */
class Permanent extends CorruptVersionException {
  private static final long serialVersionUID = 1L;

  Permanent(String message) {
    super(message);
  }

  Permanent(String message, Throwable cause) {
    super(message, cause);
  }
}
