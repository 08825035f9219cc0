package org.mlsdm.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A mixin for what every command uses of its surroundings: stdout for results, progress on stderr,
 * and usage errors that name the command. (Picocli needs the {@code @Command} to accept it as a
 * mixin; it adds nothing to the command.)
 */
@Command
final class Console {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** Stdout, with every control character escaped ({@link Text#safeWriter}). */
  PrintWriter out() {
    return Text.safeWriter(spec.commandLine().getOut());
  }

  /** Progress on stderr, as a redrawn bar when the tool runs on a terminal. */
  Progress progress() {
    StateTool tool = (StateTool) spec.root().userObject();
    return new Progress(spec.commandLine().getErr(), tool.terminal());
  }

  /** A usage error (exit 2), reported like a bad option. */
  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  ParameterException usage(String message, Throwable cause) {
    return new ParameterException(spec.commandLine(), message, cause);
  }
}
