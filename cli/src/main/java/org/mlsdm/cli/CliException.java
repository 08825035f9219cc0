package org.mlsdm.cli;

/**
 * An expected failure of a command: the handler prints its message as one line on stderr and exits
 * with its code, without a stack trace unless {@code --verbose}.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ExitCode exitCode;

  CliException(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
