package org.mlsdm.cli;

import java.io.PrintWriter;
import org.mlsdm.state.StateException;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr, {@code <command>: <message>}, and an {@link
 * ExitCode}. The stack trace follows only with {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
  private final StateTool tool;

  ErrorHandler(StateTool tool) {
    this.tool = tool;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    err.println(name + ": " + Text.escape(ex.getMessage()));
    if (tool.verbose()) {
      ex.printStackTrace(err);
    }
    err.println("Try '" + name + " --help' for more information.");
    err.flush();
    return ExitCode.USAGE.code();
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(ex));
    if (tool.verbose()) {
      ex.printStackTrace(err);
    }
    err.flush();
    return exitCode(ex).code();
  }

  static ExitCode exitCode(Exception ex) {
    if (ex instanceof CliException c) {
      return c.exitCode();
    }
    if (ex instanceof StateLoadException l) {
      return ExitCode.of(l);
    }
    if (ex instanceof StateRecoveryException) {
      return ExitCode.UNRECOVERABLE;
    }
    // Exit 2 is for the command line alone, which picocli and the options' converters check
    // before a command runs; a library IllegalArgumentException during the work (for example a
    // state whose values the library refuses) is a failure of the work, exit 1.
    return ExitCode.FAILURE;
  }

  private static String oneLine(Exception ex) {
    String message = Text.message(ex);
    if (message == null || message.isBlank()) {
      message = ex.getClass().getSimpleName();
    } else if (!expected(ex)) {
      message = ex.getClass().getSimpleName() + ": " + message;
    }
    String line = Text.escape(message.replaceAll("\\s*\\R\\s*", " "));
    return expected(ex) ? line : line + " (run with --verbose for the stack trace)";
  }

  /** Failures the tool anticipates; anything else is a bug and says how to see its trace. */
  private static boolean expected(Exception ex) {
    return ex instanceof CliException
        || ex instanceof StateException
        || ex instanceof IllegalArgumentException;
  }
}
