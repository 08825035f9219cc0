package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.StateLoadException;

/**
 * The conventions every command shares: help, version, usage errors, one-line errors, exit codes.
 */
class ToolTest {
  @TempDir Path dir;

  @Test
  void help_listsEveryCommandAndTheExitCodes() {
    Cli.Run r = Cli.run("--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("init", "inspect", "verify", "recover", "migrate", "convert", "diff", "simulate")
        .contains("Exit codes:");
    for (ExitCode c : ExitCode.values()) {
      assertThat(r.out()).contains(String.format("%3d", c.code()));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"init", "inspect", "verify", "recover", "migrate", "convert", "diff", "simulate"})
  void help_worksOnEverySubcommand_withExitCodes(String command) {
    Cli.Run r = Cli.run(command, "--help");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Usage: mlsdm-state " + command)
        .contains("Exit codes:", "--version");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "verify --version", "simulate -V"})
  void version_isAvailableEverywhere(String args) {
    Cli.Run r = Cli.run((Object[]) args.split(" "));

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .startsWith("mlsdm-state ")
        .contains("Java " + System.getProperty("java.version"));
  }

  @Test
  void noCommand_isAUsageError() {
    Cli.Run r = Cli.run();

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).startsWith("mlsdm-state: Missing required subcommand");
  }

  @Test
  void unknownCommand_isAUsageError_onStderr() {
    Cli.Run r = Cli.run("frobnicate");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("frobnicate").contains("Try 'mlsdm-state --help'");
  }

  @Test
  void unknownOption_isAUsageError_namingTheCommand() {
    Cli.Run r = Cli.run("verify", "--bogus", dir.resolve("s.json"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("mlsdm-state verify: ").contains("--bogus");
  }

  @Test
  void missingParameter_isAUsageError() {
    Cli.Run r = Cli.run("convert", dir.resolve("a.json"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("OUT");
  }

  @Test
  void unsupportedExtension_isAUsageError_withTheLibrarysMessage() {
    Cli.Run r = Cli.run("verify", dir.resolve("state.txt"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unsupported file format");
  }

  @Test
  void loadError_isOneLineOnStderr_withoutStackTrace() {
    Cli.Run r = Cli.run("inspect", dir.resolve("missing.json"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("mlsdm-state inspect: ")
        .contains("not found")
        .doesNotContain("\tat ");
  }

  @Test
  void verbose_addsTheStackTrace() {
    Cli.Run r = Cli.run("inspect", "--verbose", dir.resolve("missing.json"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(r.err()).contains("StateLoadException").contains("\tat ");
  }

  @Test
  void unexpectedException_isFailure_oneLine_namingItsType_andPointingToVerbose() {
    StateTool tool = new StateTool(false);
    picocli.CommandLine cmd = Main.commandLine(tool);
    java.io.StringWriter err = new java.io.StringWriter();
    cmd.setErr(new java.io.PrintWriter(err, true));

    int code =
        new ErrorHandler(tool)
            .handleExecutionException(new IllegalStateException("boom"), cmd, null);

    assertThat(code).isEqualTo(ExitCode.FAILURE.code());
    assertThat(err.toString())
        .isEqualTo(
            "mlsdm-state: IllegalStateException: boom (run with --verbose for the stack trace)"
                + System.lineSeparator());
  }

  @Test
  void exitCodes_areDistinct() {
    assertThat(Arrays.stream(ExitCode.values()).map(ExitCode::code).collect(Collectors.toSet()))
        .hasSize(ExitCode.values().length);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(StateLoadException.Reason.class)
  void everyLoadFailureReason_hasItsOwnExitCode(StateLoadException.Reason reason) {
    ExitCode code = ExitCode.of(new StateLoadException(reason, "x", null));

    assertThat(code.name()).isEqualTo(reason.name());
    assertThat(code.code()).isBetween(3, 8);
  }
}
