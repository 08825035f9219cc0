package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine;

class SimulateCommandTest {
  @TempDir Path dir;

  @Test
  void simulate_withDefaults_runs2000Steps_with20Checkpoints() {
    Path file = dir.resolve("state.json");

    Cli.Run r = Cli.run("simulate", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("starting " + file + ": new state, dimension 16, seed 42")
        .contains("steps        2000 this run (1 to 2000), 2000 of 2000 in total")
        .contains("checkpoints  20 saved to " + file)
        .contains("qilm         2000 rows")
        .contains("time ");
    SystemStateRecord state = SystemStates.load(file);
    assertThat(state.qilm().size()).isEqualTo(2000);
    assertThat(state.memoryState().dimension()).isEqualTo(16);
    assertThat(SystemStates.backupPath(file)).exists();
  }

  @Test
  void simulate_withoutTerminal_printsAPlainLinePerCheckpoint_onStderr() {
    Cli.Run r =
        Cli.run("simulate", dir.resolve("s.json"), "--steps", "120", "--checkpoint-every", "40");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err().lines()).hasSize(3);
    assertThat(r.err().lines().toList().get(0))
        .startsWith("step 40/120 (wake), 1 checkpoint(s), L1=");
    assertThat(r.err()).doesNotContain("\r");
  }

  @Test
  void simulate_resumed_endsExactlyAsAnUninterruptedRun() {
    Path straight = dir.resolve("straight.json");
    Path resumed = dir.resolve("resumed.json");
    assertThat(
            Cli.run("simulate", straight, "--steps", "450", "--dimension", "6", "--seed", "7")
                .exitCode())
        .isZero();

    assertThat(
            Cli.run("simulate", resumed, "--steps", "170", "--dimension", "6", "--seed", "7")
                .exitCode())
        .isZero();
    Cli.Run second = Cli.run("simulate", resumed, "--steps", "450", "--seed", "7");

    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("resuming " + resumed + " at step 171 of 450");
    assertThat(Cli.run("diff", straight, resumed).exitCode()).isZero();
    SystemStateRecord a = SystemStates.load(straight);
    SystemStateRecord b = SystemStates.load(resumed);
    assertThat(b.memoryState()).isEqualTo(a.memoryState());
    assertThat(b.qilm()).isEqualTo(a.qilm());
  }

  @Test
  void simulate_interrupted_savesAFinalCheckpoint_exits130_andResumes() {
    Path file = dir.resolve("s.json");
    AtomicInteger polls = new AtomicInteger();

    Cli.Run interrupted =
        Cli.run(
            stopAfter(polls, 137), "simulate", file, "--steps", "400", "--checkpoint-every", "50");

    assertThat(interrupted.exitCode())
        .as(interrupted.toString())
        .isEqualTo(ExitCode.INTERRUPTED.code());
    assertThat(interrupted.out()).contains("interrupted after step 137; final checkpoint saved");
    assertThat(SystemStates.load(file).qilm().size()).isEqualTo(137);

    Cli.Run resumed = Cli.run("simulate", file, "--steps", "400", "--checkpoint-every", "50");
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    assertThat(resumed.out()).contains("at step 138 of 400");
    Path straight = dir.resolve("straight.json");
    Cli.run("simulate", straight, "--steps", "400");
    assertThat(Cli.run("diff", straight, file).exitCode()).isZero();
  }

  @Test
  void simulate_interruptedOnACheckpoint_doesNotSaveTwice() {
    Path file = dir.resolve("s.json");

    Cli.Run r =
        Cli.run(
            stopAfter(new AtomicInteger(), 100),
            "simulate",
            file,
            "--steps",
            "400",
            "--checkpoint-every",
            "50");

    assertThat(r.exitCode()).isEqualTo(ExitCode.INTERRUPTED.code());
    assertThat(r.out()).contains("checkpoints  2 saved");
  }

  @Test
  void simulate_fileAlreadyComplete_doesNothing() {
    Path file = dir.resolve("s.json");
    Cli.run("simulate", file, "--steps", "50");
    byte[] before = Cli.bytes(file);

    Cli.Run r = Cli.run("simulate", file, "--steps", "50");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("already holds 50 steps");
    assertThat(Cli.bytes(file)).isEqualTo(before);
  }

  @Test
  void simulate_resumesFromAnInitFile_withItsParameters() {
    Path file = dir.resolve("s.json");
    Cli.run("init", file, "--dimension", "3", "--theta-l1", "0.5", "--id", "agent");

    Cli.Run r = Cli.run("simulate", file, "--steps", "30");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    SystemStateRecord state = SystemStates.load(file);
    assertThat(state.memoryState().thetaL1()).isEqualTo(0.5);
    assertThat(state.id()).isEqualTo("agent");
    assertThat(state.qilm().size()).isEqualTo(30);
  }

  @Test
  void simulate_dimensionMismatch_isAUsageError() {
    Path file = dir.resolve("s.json");
    Cli.run("init", file, "--dimension", "3");

    Cli.Run r = Cli.run("simulate", file, "--dimension", "8");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--dimension 8 does not match").contains("dimension 3");
  }

  @Test
  void simulate_corruptFile_exits5_withTheRecoverHint() {
    Path file = dir.resolve("s.json");
    Cli.run("simulate", file, "--steps", "200");
    Cli.flipByte(file);

    Cli.Run r = Cli.run("simulate", file, "--steps", "300");

    assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPT.code());
    assertThat(r.err()).contains("mlsdm-state recover");
  }

  @Test
  void simulate_badNumbers_areUsageErrors() {
    Path file = dir.resolve("s.json");
    assertThat(Cli.run("simulate", file, "--steps", "0").exitCode()).isEqualTo(2);
    assertThat(Cli.run("simulate", file, "--checkpoint-every", "0").exitCode()).isEqualTo(2);
    assertThat(Cli.run("simulate", file, "--dimension", "-1").exitCode()).isEqualTo(2);
    assertThat(Cli.run("simulate", dir.resolve("s.txt")).exitCode()).isEqualTo(2);
    assertThat(Cli.run("simulate", file, "--dimension", "1000001").exitCode()).isEqualTo(2);
    assertThat(file).doesNotExist();
  }

  @Test
  void simulate_plot_drawsTheThreeLevelsAndTheSleepPhases() throws Exception {
    Path png = dir.resolve("norms.png");

    Cli.Run r = Cli.run("simulate", dir.resolve("s.json"), "--steps", "600", "--plot", png);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("plot: " + png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(NormPlot.WIDTH);
    assertThat(image.getHeight()).isEqualTo(NormPlot.HEIGHT);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    for (java.awt.Color c : NormPlot.LEVEL_COLORS) {
      assertThat(colours).as("colour %s", c).contains(c.getRGB() & 0xFFFFFF);
    }
    assertThat(colours).contains(NormPlot.SLEEP_SHADE.getRGB() & 0xFFFFFF);
  }

  @Test
  void events_dependOnlyOnSeedAndStep_andSleepIsWeaker() {
    assertThat(Simulation.event(1, 5, 4)).isEqualTo(Simulation.event(1, 5, 4));
    assertThat(Simulation.event(1, 5, 4)).isNotEqualTo(Simulation.event(2, 5, 4));
    assertThat(Simulation.awake(1)).isTrue();
    assertThat(Simulation.awake(Simulation.WAKE)).isTrue();
    assertThat(Simulation.awake(Simulation.WAKE + 1)).isFalse();
    assertThat(Simulation.awake(Simulation.DAY + 1)).isTrue();
    double wake = 0;
    double sleep = 0;
    for (int s = 1; s <= Simulation.DAY; s++) {
      double n = Levels.norm(widen(Simulation.event(3, s, 8)));
      if (Simulation.awake(s)) {
        wake += n / Simulation.WAKE;
      } else {
        sleep += n / (Simulation.DAY - Simulation.WAKE);
      }
    }
    assertThat(sleep).isLessThan(wake / 4);
  }

  private static double[] widen(float[] values) {
    double[] wide = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      wide[i] = values[i];
    }
    return wide;
  }

  /** Stands in for Ctrl-C: requests a stop once {@code steps} steps ran (one poll per step). */
  private static java.util.function.Consumer<CommandLine> stopAfter(
      AtomicInteger polls, int steps) {
    return cmd -> {
      SimulateCommand simulate = cmd.getSubcommands().get("simulate").getCommand();
      simulate.stopRequest = () -> polls.getAndIncrement() >= steps;
    };
  }
}
