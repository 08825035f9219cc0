package org.mlsdm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.mlsdm.memory.MemoryManager;
import org.mlsdm.memory.MultiLevelSynapticMemory;
import org.mlsdm.state.Checkpointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synthetic workload of {@code simulate}: a {@link MemoryManager} fed one event per step, with
 * a wake/sleep rhythm, checkpointed to a file.
 *
 * <p><b>Rhythm.</b> A day is {@value #DAY} steps: {@value #WAKE} awake, then asleep. Awake events
 * are strong and biased, {@code N(0.3, 0.6)} per component, so L1 crosses its threshold and feeds
 * L2 and L3; asleep events are weak, {@code N(0, 0.1)}, so L1 and L2 fade within a few steps while
 * L3, decaying at 1% a step, holds most of what reached it: consolidation. An event's QILM phase is
 * its position in the day, in [0, 1).
 *
 * <p><b>Step count and resumption.</b> Every step entangles exactly one event in the QILM, so a
 * file's QILM row count is the number of steps it holds, and a resumed run continues at step {@code
 * rows + 1}. The event of step {@code s} depends only on the seed and {@code s}, so a run that was
 * interrupted and resumed with the same seed ends in exactly the state of one that was not.
 */
final class Simulation {
  static final int DAY = 200;
  static final int WAKE = 150;

  private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);

  /**
   * What a run did: steps {@code firstStep} to {@code lastStep}. {@code norms[i]} holds the L1, L2,
   * L3 norms after step {@code firstStep + i} when the run recorded them, else {@code norms} is
   * empty.
   */
  record Result(
      long firstStep, long lastStep, int checkpoints, boolean interrupted, double[][] norms) {}

  private final MemoryManager manager;
  private final Path file;
  private final long seed;
  private final int checkpointEvery;
  private final Progress progress;
  private final boolean recordNorms;
  // Null for whole-file saves (--whole-file); otherwise each checkpoint appends to the journal.
  private final Checkpointer checkpointer;

  Simulation(
      MemoryManager manager,
      Path file,
      long seed,
      int checkpointEvery,
      Progress progress,
      boolean recordNorms,
      Checkpointer checkpointer) {
    this.checkpointer = checkpointer;
    this.manager = manager;
    this.file = file;
    this.seed = seed;
    this.checkpointEvery = checkpointEvery;
    this.progress = progress;
    this.recordNorms = recordNorms;
  }

  static boolean awake(long step) {
    return (step - 1) % DAY < WAKE;
  }

  static double phase(long step) {
    return ((step - 1) % DAY) / (double) DAY;
  }

  /** The event of a step, from the seed and the step number alone. */
  static float[] event(long seed, long step, int dimension) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    boolean awake = awake(step);
    float[] event = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      event[i] = (float) (awake ? random.nextGaussian(0.3, 0.6) : random.nextGaussian(0, 0.1));
    }
    return event;
  }

  /**
   * Runs steps {@code done + 1} to {@code total}, checkpointing every {@code checkpointEvery} steps
   * and at the end, or earlier when {@code stop} turns true (checked after each step).
   */
  Result run(long done, long total, BooleanSupplier stop) {
    long count = total - done;
    double[][] norms = new double[recordNorms ? (int) count : 0][];
    int checkpoints = 0;
    long step = done;
    long saved = done;
    long reportEvery = Math.max(1, count / 200);
    boolean interrupted = false;
    while (step < total) {
      if (stop.getAsBoolean()) {
        interrupted = true;
        break;
      }
      step++;
      manager.processEvent(event(seed, step, manager.dimension()), phase(step));
      double[] current = norms(manager.memory());
      if (recordNorms) {
        norms[(int) (step - done - 1)] = current;
      }
      boolean checkpoint = step % checkpointEvery == 0 || step == total;
      if (checkpoint) {
        save(step);
        checkpoints++;
        saved = step;
      }
      if (checkpoint || step % reportEvery == 0) {
        progress.bar(step - done, count, status(step, total, checkpoints, current), checkpoint);
      }
    }
    if (step > saved) {
      save(step);
      checkpoints++;
    }
    progress.clear();
    double[][] ran = new double[recordNorms ? (int) (step - done) : 0][];
    System.arraycopy(norms, 0, ran, 0, ran.length);
    return new Result(done + 1, step, checkpoints, interrupted, ran);
  }

  private void save(long step) {
    long start = System.nanoTime();
    if (checkpointer != null) {
      manager.checkpoint(checkpointer);
    } else {
      manager.save(file);
    }
    Remote.checkpointed(file);
    LOG.debug(
        "checkpoint at step {} written to {} in {}",
        step,
        file,
        Progress.seconds(System.nanoTime() - start));
  }

  static double[] norms(MultiLevelSynapticMemory memory) {
    return new double[] {norm(memory.l1()), norm(memory.l2()), norm(memory.l3())};
  }

  private static double norm(float[] level) {
    double[] wide = new double[level.length];
    for (int i = 0; i < level.length; i++) {
      wide[i] = level[i];
    }
    return Levels.norm(wide);
  }

  private static String status(long step, long total, int checkpoints, double[] norms) {
    return String.format(
        Locale.ROOT,
        "step %d/%d (%s), %d checkpoint(s), L1=%s L2=%s L3=%s",
        step,
        total,
        awake(step) ? "wake" : "sleep",
        checkpoints,
        Levels.format(norms[0]),
        Levels.format(norms[1]),
        Levels.format(norms[2]));
  }
}
