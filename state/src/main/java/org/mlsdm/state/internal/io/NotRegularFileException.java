package org.mlsdm.state.internal.io;

import java.nio.file.FileSystemException;

/**
 * The store refused to open a path because it is not a regular file (a directory, a FIFO, a socket,
 * a device, or a symbolic link where links are not followed), because it changed between the check
 * and the open, or because its open did not complete in time.
 */
public final class NotRegularFileException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param file the path refused
   * @param reason what it is instead of a regular file, for messages
   */
  public NotRegularFileException(String file, String reason) {
    super(file, null, reason);
  }
}
