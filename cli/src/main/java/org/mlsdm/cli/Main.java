package org.mlsdm.cli;

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
    System.exit(commandLine(new StateTool(System.console() != null)).execute(args));
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
    applyExitCodeTable(cmd);
    return cmd;
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
