package org.mlsdm.cli;

import java.net.URI;
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
      AcceptCommand.class,
      MigrateCommand.class,
      ConvertCommand.class,
      DiffCommand.class,
      SimulateCommand.class,
      GenerationsCommand.class,
      GcCommand.class,
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

  /**
   * {@code --endpoint-url}: the S3 endpoint for {@code s3://} locations; {@code AWS_ENDPOINT_URL}
   * when absent, else AWS.
   */
  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      scope = ScopeType.INHERIT,
      description =
          "S3 endpoint for s3:// locations (default: AWS_ENDPOINT_URL, else AWS). Credentials and"
              + " region come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID,"
              + " AWS_SECRET_ACCESS_KEY, AWS_REGION, profiles).")
  URI endpointUrl;

  /** {@code --retain N}: generations an S3 state keeps; the library default when absent. */
  private Integer retain;

  @Option(
      names = "--retain",
      paramLabel = "N",
      scope = ScopeType.INHERIT,
      description =
          "Generations an s3:// state keeps when this command writes or prunes it (>= 1).")
  void setRetain(int value) {
    if (value < 1) {
      throw new ParameterException(spec.commandLine(), "--retain must be >= 1, got " + value);
    }
    this.retain = value;
  }

  Integer retain() {
    return retain;
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
