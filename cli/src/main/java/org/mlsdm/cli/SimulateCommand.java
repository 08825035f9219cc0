package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.mlsdm.memory.MemoryManager;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.SystemStateRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code simulate}: a memory manager under a synthetic workload, checkpointed and resumable. */
@Command(
    name = "simulate",
    description = {
      "Run a MemoryManager on synthetic events, checkpointing to FILE and resuming from it.",
      "Events have a wake/sleep rhythm (a day is 200 steps: 150 awake with strong events, 50"
          + " asleep with weak ones). The manager is checkpointed atomically to FILE every K steps"
          + " and at the end: by default incrementally (one frame appended to FILE.journal, folded"
          + " into FILE when the journal is as large as FILE), or as a whole file with"
          + " --whole-file.",
      "If FILE exists the run resumes from it: a file holds as many steps as QILM rows (each step"
          + " entangles one event), and --steps is the total to reach. Events depend only on the"
          + " seed and the step number, so an interrupted and resumed run ends exactly as an"
          + " uninterrupted one. Ctrl-C saves a final checkpoint and exits 130.",
      "A new FILE starts empty with the default parameters; to choose them, create FILE with"
          + " 'init' first."
    })
final class SimulateCommand implements Callable<Integer>, Remote.Direct {
  static final int DEFAULT_STEPS = 2000;
  static final int DEFAULT_CHECKPOINT_EVERY = 100;
  static final long MAX_STEPS = 10_000_000;

  @Mixin Console console;

  @Mixin Options.StateFile target;
  @Mixin Options.Dimension dimension;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_STEPS,
      description = "Total steps FILE should hold at the end (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "K",
      defaultValue = "" + DEFAULT_CHECKPOINT_EVERY,
      description = "Save a checkpoint every K steps (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description =
          "Seed of the synthetic events (default: ${DEFAULT-VALUE}); keep it when resuming.")
  long seed;

  @Option(
      names = "--plot",
      paramLabel = "PNG",
      description = "Draw the L1/L2/L3 norms over the steps of this run as a PNG image.")
  Path plot;

  @Option(
      names = "--whole-file",
      description =
          "Save the whole FILE at every checkpoint instead of appending to its journal (slower"
              + " as the state grows; FILE alone then always holds the last checkpoint).")
  boolean wholeFile;

  /** A test's stand-in for Ctrl-C: when set, the run stops as if interrupted once it is true. */
  BooleanSupplier stopRequest;

  @Override
  public Integer call() {
    validate();
    Path file = target.file;
    PrintWriter out = console.out();
    Progress progress = console.progress();
    Opened opened = open(file, progress);
    MemoryManager manager = opened.manager();
    long done = opened.done();
    if (done >= steps) {
      out.printf(
          "%s already holds %d steps (--steps %d); nothing to simulate (raise --steps to"
              + " continue)%n",
          Text.path(file), done, steps);
      return ExitCode.OK.code();
    }
    if (opened.resumed()) {
      out.printf(
          "resuming %s at step %d of %d: dimension %d, seed %d%n",
          Text.path(file), done + 1, steps, manager.dimension(), seed);
    } else {
      out.printf(
          "starting %s: new state, dimension %d, seed %d%n",
          Text.path(file), manager.dimension(), seed);
    }
    long start = System.nanoTime();
    // Closed only after the summary and the plot: a Ctrl-C waits until they are written.
    try (ShutdownSignal signal = ShutdownSignal.install();
        Checkpointer checkpointer = checkpointer(file, opened)) {
      Simulation simulation =
          new Simulation(
              manager, file, seed, checkpointEvery, progress, plot != null, checkpointer);
      BooleanSupplier test = stopRequest;
      Simulation.Result result =
          simulation.run(
              done, steps, () -> signal.requested() || (test != null && test.getAsBoolean()));
      summary(out, file, manager, result, System.nanoTime() - start);
      if (plot != null && result.norms().length > 0) {
        StateFiles.createParentDirectories(plot);
        NormPlot.write(
            plot,
            result.firstStep(),
            result.norms(),
            "seed " + seed + ", dimension " + manager.dimension());
        out.printf("plot: %s%n", Text.path(plot));
      }
      out.flush();
      return result.interrupted() ? ExitCode.INTERRUPTED.code() : ExitCode.OK.code();
    }
  }

  private void validate() {
    if (steps < 1 || steps > MAX_STEPS) {
      throw console.usage("--steps must be in [1, " + MAX_STEPS + "], got " + steps);
    }
    if (checkpointEvery < 1) {
      throw console.usage("--checkpoint-every must be >= 1, got " + checkpointEvery);
    }
  }

  /** The manager to run and the steps it already holds (its QILM rows). */
  private record Opened(
      MemoryManager manager, long done, boolean resumed, Checkpointer checkpointer) {}

  /**
   * An incremental run on {@code s3://} is direct: its checkpointer publishes each checkpoint as a
   * delta object named by a new generation, so nothing is staged; {@code --whole-file} saves whole
   * files, which are staged and published.
   */
  @Override
  public boolean reachesS3Directly() {
    return !wholeFile;
  }

  /** The checkpointer of an incremental run: opened on resume, created on FILE otherwise. */
  private Checkpointer checkpointer(Path file, Opened opened) {
    if (wholeFile || opened.checkpointer() != null) {
      return opened.checkpointer();
    }
    Optional<StateLocation> remote = Remote.location(file);
    return remote.isPresent()
        ? Checkpointer.create(remote.get(), opened.manager().snapshot())
        : Checkpointer.create(file, opened.manager().snapshot());
  }

  /** A manager restored from FILE, or a new one when FILE does not exist. */
  private Opened open(Path file, Progress progress) {
    Optional<StateLocation> remote = wholeFile ? Optional.empty() : Remote.location(file);
    if (remote.isEmpty() && !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      StateFiles.createParentDirectories(file);
      return new Opened(new MemoryManager(dimension.orDefault()), 0, false, null);
    }
    SystemStateRecord state;
    Checkpointer checkpointer = null;
    try {
      if (wholeFile) {
        state = StateFiles.load(file, progress);
      } else {
        // Loads base + journal (or base + deltas on S3), cuts a torn tail, sets a stale one aside.
        checkpointer =
            remote.isPresent() ? Checkpointer.open(remote.get()) : Checkpointer.open(file);
        state = checkpointer.state();
      }
    } catch (StateLoadException e) {
      if (remote.isPresent() && e.reason() == StateLoadException.Reason.NOT_FOUND) {
        return new Opened(new MemoryManager(dimension.orDefault()), 0, false, null);
      }
      throw StateFiles.withRecoveryHint(e, file);
    }
    int n = state.memoryState().dimension();
    Integer given = dimension.given();
    if (given != null && given != n) {
      if (checkpointer != null) {
        checkpointer.close();
      }
      throw console.usage(
          "--dimension "
              + given
              + " does not match "
              + Text.path(file)
              + ", which has dimension "
              + n);
    }
    MemoryManager manager = new MemoryManager(n, state.memoryState().parameters());
    if (checkpointer != null) {
      manager.resumeFrom(checkpointer);
    } else {
      manager.restore(state);
    }
    return new Opened(manager, state.qilm().size(), true, checkpointer);
  }

  private void summary(
      PrintWriter out, Path file, MemoryManager manager, Simulation.Result result, long nanos) {
    long ran = result.lastStep() - result.firstStep() + 1;
    if (result.interrupted()) {
      out.printf(
          "interrupted after step %d; final checkpoint saved to %s; run the same command to"
              + " resume%n",
          result.lastStep(), Text.path(file));
    }
    Report.row(
        out,
        "steps",
        ran
            + " this run ("
            + result.firstStep()
            + " to "
            + result.lastStep()
            + "), "
            + result.lastStep()
            + " of "
            + steps
            + " in total");
    Report.row(out, "checkpoints", result.checkpoints() + " saved to " + Text.path(file));
    double[] norms = Simulation.norms(manager.memory());
    Report.row(
        out,
        "norms",
        "L1="
            + Levels.format(norms[0])
            + "  L2="
            + Levels.format(norms[1])
            + "  L3="
            + Levels.format(norms[2]));
    // One QILM row per step: the row count is the last step.
    Report.row(out, "qilm", result.lastStep() + " rows");
    Report.row(out, "time", Progress.seconds(nanos));
  }
}
