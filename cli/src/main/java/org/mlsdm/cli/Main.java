package org.mlsdm.cli;

import java.io.IOException;
import picocli.CommandLine;

/**
 * The {@code mlsdm-state} command-line tool: {@code java -jar mlsdm-state.jar COMMAND ...}, or the
 * {@code ./mlsdm-state} launcher at the repository root. Run it with {@code --help} for the
 * commands and the exit codes.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the tool and exits the JVM with the command's exit code.
   *
   * @param args the command line
   */
  // The tool targets Java 17, where a null console means "not a terminal". On JDK 22 and later
  // System.console() is non-null even when piped (Console.isTerminal, absent from 17, tells);
  // there the tool would draw progress it could skip, never lose output.
  @SuppressWarnings("SystemConsoleNull")
  public static void main(String[] args) {
    configureLogging();
    System.exit(execute(commandLine(new StateTool(System.console() != null)), args));
  }

  /** Builds the command tree with its one-line error handling and the exit-code table. */
  static CommandLine commandLine(StateTool tool) {
    CommandLine cmd = new CommandLine(tool);
    // "@FILE" arguments would make picocli read (and echo, in errors) any file the user names.
    cmd.setExpandAtFiles(false);
    cmd.setDefaultValueProvider(new Options.ParameterDefaults());
    ErrorHandler errors = new ErrorHandler(tool);
    cmd.setExecutionExceptionHandler(errors);
    cmd.setParameterExceptionHandler(errors);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionStrategy(parsed -> runStaged(tool, parsed));
    applyExitCodeTable(cmd);
    return cmd;
  }

  /**
   * Runs the parsed command with its {@code s3://} locations staged: downloaded before, published
   * after success; or, for a {@link Remote.Direct} command, reached through the library (see {@link
   * Remote}). The converter stages them while parsing, which happens inside {@link
   * CommandLine#execute}, so the run is opened before and closed after it: {@link
   * #execute(CommandLine, String[])}.
   */
  private static int runStaged(StateTool tool, CommandLine.ParseResult parsed) {
    Remote remote = Remote.current();
    if (remote == null || !remote.any()) {
      return new CommandLine.RunLast().execute(parsed);
    }
    remote.configure(tool.endpointUrl, tool.retain());
    if (executed(parsed) instanceof Remote.Direct d && d.reachesS3Directly()) {
      remote.direct();
      return new CommandLine.RunLast().execute(parsed);
    }
    try {
      remote.download();
    } catch (IOException | RuntimeException e) {
      throw new CommandLine.ExecutionException(
          parsed.commandSpec().commandLine(),
          "S3 read failed",
          new CliException(ExitCode.UNREADABLE, "Cannot read from S3: " + e.getMessage(), e));
    }
    int code = new CommandLine.RunLast().execute(parsed);
    if (code == 0) {
      try {
        remote.publish();
      } catch (IOException | RuntimeException e) {
        throw new CommandLine.ExecutionException(
            parsed.commandSpec().commandLine(),
            "S3 publish failed",
            new CliException(ExitCode.FAILURE, "Cannot publish to S3: " + e.getMessage(), e));
      }
    }
    return code;
  }

  /** The command object that runs: the innermost subcommand parsed. */
  private static Object executed(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult p = parsed;
    while (p.hasSubcommand()) {
      p = p.subcommand();
    }
    return p.commandSpec().userObject();
  }

  /**
   * Executes a command line with a fresh {@link Remote} run around it.
   *
   * @param cmd the command tree from {@link #commandLine}
   * @param args the arguments
   * @return the exit code
   */
  static int execute(CommandLine cmd, String[] args) {
    Remote remote = Remote.open();
    try {
      return cmd.execute(args);
    } finally {
      remote.close();
    }
  }

  private static void applyExitCodeTable(CommandLine cmd) {
    cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
    cmd.getCommandSpec().usageMessage().exitCodeList(ExitCode.usageTable());
    cmd.getSubcommands().values().forEach(Main::applyExitCodeTable);
  }

  /** Logs go to stderr, warnings only unless {@code --verbose}; an explicit property wins. */
  private static void configureLogging() {
    setIfAbsent(StateTool.LOG_LEVEL_PROPERTY, "warn");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
