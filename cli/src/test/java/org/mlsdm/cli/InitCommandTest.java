package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

class InitCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"state.json", "state.npz"})
  void init_writesAnEmptyState_withDefaults(String name) {
    Path file = dir.resolve(name);

    Cli.Run r = Cli.run("init", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("created " + file).contains("dimension 16");
    SystemStateRecord state = SystemStates.load(file);
    assertThat(state.memoryState().dimension()).isEqualTo(Options.DEFAULT_DIMENSION);
    assertThat(state.memoryState().parameters()).isEqualTo(MemoryParameters.DEFAULTS);
    assertThat(state.memoryState().stateL1()).containsOnly(0.0);
    assertThat(state.qilm().size()).isZero();
    assertThat(state.id()).isNull();
    assertThat(SystemStates.checksumPath(file)).exists();
  }

  @Test
  void init_takesDimensionParametersAndId() {
    Path file = dir.resolve("s.json");

    Cli.Run r =
        Cli.run(
            "init",
            file,
            "--dimension",
            "5",
            "--lambda-l1",
            "0.25",
            "--lambda-l2",
            "0.2",
            "--lambda-l3",
            "0.02",
            "--theta-l1",
            "1.5",
            "--theta-l2",
            "2.5",
            "--gating12",
            "0.4",
            "--gating23",
            "0.2",
            "--id",
            "agent-7");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    SystemStateRecord state = SystemStates.load(file);
    assertThat(state.id()).isEqualTo("agent-7");
    assertThat(state.memoryState().dimension()).isEqualTo(5);
    assertThat(state.memoryState().parameters())
        .isEqualTo(new MemoryParameters(0.25, 0.2, 0.02, 1.5, 2.5, 0.4, 0.2));
  }

  @Test
  void init_existingFile_isRefused_andLeftAlone() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "keep-me");
    byte[] before = Cli.bytes(file);

    Cli.Run r = Cli.run("init", file);

    assertThat(r.exitCode()).isEqualTo(ExitCode.EXISTS.code());
    assertThat(r.err()).contains("already exists").contains("--force");
    assertThat(Cli.bytes(file)).isEqualTo(before);
  }

  @Test
  void init_force_overwrites_andKeepsTheOldFileAsBackup() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "old");
    byte[] before = Cli.bytes(file);

    Cli.Run r = Cli.run("init", file, "--force", "--dimension", "4");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(SystemStates.load(file).memoryState().dimension()).isEqualTo(4);
    assertThat(Cli.bytes(SystemStates.backupPath(file))).isEqualTo(before);
  }

  @Test
  void init_parameterOutOfRange_isAUsageError_namingTheField() {
    Path file = dir.resolve("s.json");

    Cli.Run r = Cli.run("init", file, "--lambda-l1", "1.5");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("lambda_l1").contains("1.5");
    assertThat(file).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3"})
  void init_nonPositiveDimension_isAUsageError(String dimension) {
    Cli.Run r = Cli.run("init", dir.resolve("s.json"), "--dimension", dimension);

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--dimension");
  }

  @Test
  void init_blankId_isAUsageError() {
    Cli.Run r = Cli.run("init", dir.resolve("s.json"), "--id", " ");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--id");
  }

  @Test
  void init_notANumber_isAUsageError() {
    Cli.Run r = Cli.run("init", dir.resolve("s.json"), "--theta-l1", "abc");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--theta-l1").contains("abc");
    assertThat(Files.exists(dir.resolve("s.json"))).isFalse();
  }
}
