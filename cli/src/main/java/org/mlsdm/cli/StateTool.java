package org.mlsdm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code mlsdm-state} command. It holds what every subcommand shares: {@code
 * --verbose} and whether output goes to a terminal.
 */
@Command(
    name = "mlsdm-state",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = ManifestVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    usageHelpWidth = 100,
    description = {
      "Inspect, verify, recover, migrate, convert and compare MLSDM state files (JSON or NPZ),"
          + " and run the memory simulation that writes them.",
      "Files written by the Python MLSDM system are read too."
    },
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      InitCommand.class,
      InspectCommand.class,
      VerifyCommand.class,
      RecoverCommand.class,
      MigrateCommand.class,
      ConvertCommand.class,
      DiffCommand.class,
      SimulateCommand.class,
      CompactCommand.class
    })
final class StateTool implements Runnable {
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  @Spec CommandSpec spec;

  private boolean verbose;
  private final boolean terminal;

  StateTool(boolean terminal) {
    this.terminal = terminal;
  }

  /**
   * Sets {@code --verbose}. The logging level is a system property that slf4j-simple reads when the
   * first logger is created, which happens only once a command runs, after parsing.
   */
  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show debug logs and the stack trace of errors.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    if (verbose) {
      System.setProperty(LOG_LEVEL_PROPERTY, "debug");
    }
  }

  boolean verbose() {
    return verbose;
  }

  /**
   * Whether the tool runs interactively ({@code System.console()} exists: stdin and stdout are a
   * terminal): then progress on stderr is a redrawn bar, else plain lines.
   */
  boolean terminal() {
    return terminal;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
