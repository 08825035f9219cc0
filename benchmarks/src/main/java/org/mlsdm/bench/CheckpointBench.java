package org.mlsdm.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mlsdm.memory.MemoryManager;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * The four targets of issue 13, measured side by side in one JVM (never as unit-test assertions):
 *
 * <ol>
 *   <li>{@code delta}: a checkpoint adding 100 rows (dimension 384) to a 100,000-row state against
 *       {@code SystemStates.save} of the same record to {@code .npz} (target: at least 100×);
 *   <li>{@code step}: a checkpoint after every step (one row, dimension 384) against the floor, the
 *       same frame bytes appended and fsynced by a bare loop (target: within 3×);
 *   <li>{@code simulate}: the {@code simulate} loop at dimension 384 checkpointing every 100 steps,
 *       20,000 steps against 10,000 (target: at most 2.2×) and 100,000 against 10,000 (target: at
 *       most 12×);
 *   <li>{@code load}: base + journal at the default compaction threshold (journal as large as the
 *       base) against loading the compacted file (target: at most 1.3×).
 * </ol>
 *
 * <p>Usage: {@code CheckpointBench DIR [rows]}; {@code rows} is the large state's size (default
 * 100,000). Prints one line per measurement and the ratios.
 */
public final class CheckpointBench {
  private static final int DIM = 384;

  private CheckpointBench() {}

  /**
   * Runs the four measurements.
   *
   * @param args the working directory and optionally the large state's row count
   * @throws IOException if a file operation fails
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Files.createDirectories(dir);
    simulate(dir);
    step(dir);
    load(dir);
    delta(dir, rows);
  }

  private static void delta(Path dir, int rows) {
    Path p = dir.resolve("large.npz");
    SystemStateRecord big = state(rows, 1);
    double[] saves = new double[3];
    for (int i = 0; i < saves.length; i++) {
      long t = System.nanoTime();
      SystemStates.save(big, p);
      saves[i] = seconds(t);
    }
    double[] cps = new double[21];
    try (Checkpointer cp = Checkpointer.create(p, big)) {
      big = null;
      for (int i = 0; i < cps.length; i++) {
        StateDelta d = delta(cp.rows(), i, 100);
        long t = System.nanoTime();
        cp.checkpoint(d);
        cps[i] = seconds(t);
      }
    }
    double save = median(saves);
    double cp = median(cps);
    report(
        "delta",
        String.format(
            Locale.ROOT,
            "%d-row state, dim %d: SystemStates.save .npz median %.3f s (of 3); checkpoint of 100"
                + " rows median %.2f ms (of 21); ratio %.0fx (target >= 100x)",
            rows,
            DIM,
            save,
            cp * 1e3,
            save / cp));
  }

  private static void step(Path dir) throws IOException {
    Path p = dir.resolve("step.npz");
    int steps = 400;
    Files.deleteIfExists(dir.resolve("step.npz.journal"));
    long t;
    double took;
    try (Checkpointer cp = Checkpointer.create(p, state(1000, 2), 1e9)) {
      t = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        cp.checkpoint(delta(cp.rows(), i, 1));
      }
      took = seconds(t);
    }
    byte[] journal = Files.readAllBytes(dir.resolve("step.npz.journal"));
    int frame = (journal.length - 40) / steps;
    Path floorFile = dir.resolve("floor.bin");
    Files.deleteIfExists(floorFile);
    double floor;
    try (FileChannel ch =
        FileChannel.open(floorFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      t = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        ByteBuffer b = ByteBuffer.wrap(journal, 40 + i * frame, frame);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      floor = seconds(t);
    }
    report(
        "step",
        String.format(
            Locale.ROOT,
            "%d checkpoints of one row (frame %d bytes): %.2f ms each; bare append+fsync loop of"
                + " the same frames %.2f ms each; ratio %.2fx (target <= 3x)",
            steps,
            frame,
            took * 1e3 / steps,
            floor * 1e3 / steps,
            took / floor));
  }

  private static void simulate(Path dir) throws IOException {
    // A first run warms the JIT up, so that the 10,000-step run is not the one that pays for it.
    simulateRun(dir.resolve("warmup.npz"), 10_000);
    double ten = simulateRun(dir.resolve("sim10k.npz"), 10_000);
    double twenty = simulateRun(dir.resolve("sim20k.npz"), 20_000);
    double hundred = simulateRun(dir.resolve("sim100k.npz"), 100_000);
    report(
        "simulate",
        String.format(
            Locale.ROOT,
            "dim %d, checkpoint every 100 steps: 10,000 steps %.2f s, 20,000 steps %.2f s, 100,000"
                + " steps %.2f s; ratios %.2fx (target <= 2.2x) and %.2fx (target <= 12x)",
            DIM,
            ten,
            twenty,
            hundred,
            twenty / ten,
            hundred / ten));
    for (String f : new String[] {"warmup", "sim10k", "sim20k", "sim100k"}) {
      Files.deleteIfExists(dir.resolve(f + ".npz"));
      Files.deleteIfExists(dir.resolve(f + ".npz.backup"));
      Files.deleteIfExists(dir.resolve(f + ".npz.journal"));
    }
  }

  /** The {@code simulate} loop: one event per step, an incremental checkpoint every 100. */
  private static double simulateRun(Path p, int steps) throws IOException {
    Files.deleteIfExists(p.resolveSibling(p.getFileName() + ".journal"));
    long t = System.nanoTime();
    MemoryManager m = new MemoryManager(DIM);
    try (Checkpointer cp = Checkpointer.create(p, m.snapshot())) {
      SplittableRandom r = new SplittableRandom(42);
      float[] event = new float[DIM];
      for (int s = 1; s <= steps; s++) {
        boolean awake = (s - 1) % 200 < 150;
        for (int i = 0; i < DIM; i++) {
          event[i] = (float) (awake ? r.nextGaussian(0.3, 0.6) : r.nextGaussian(0, 0.1));
        }
        m.processEvent(event, ((s - 1) % 200) / 200.0);
        if (s % 100 == 0) {
          m.checkpoint(cp);
        }
      }
    }
    return seconds(t);
  }

  private static void load(Path dir) {
    Path p = dir.resolve("load.npz");
    int base = 20_000;
    try (Checkpointer cp = Checkpointer.create(p, state(base, 3), 1e9)) {
      // Grow the journal to the default threshold: as many bytes as the base.
      for (int i = 0; cp.journalBytes() < sizeOf(p); i++) {
        cp.checkpoint(delta(cp.rows(), i, 100));
      }
    }
    long journal = sizeOf(p.resolveSibling("load.npz.journal"));
    long baseBytes = sizeOf(p);
    double[] withJournal = loads(p);
    Checkpointer.compact(p);
    double[] compacted = loads(p);
    double a = median(withJournal);
    double b = median(compacted);
    report(
        "load",
        String.format(
            Locale.ROOT,
            "base %d rows (%d bytes) + journal (%d bytes): median %.3f s; compacted file (%d"
                + " bytes): median %.3f s (of 5); ratio %.2fx (target <= 1.3x)",
            base,
            baseBytes,
            journal,
            a,
            sizeOf(p),
            b,
            a / b));
  }

  private static double[] loads(Path p) {
    double[] out = new double[5];
    SystemStates.load(p);
    for (int i = 0; i < out.length; i++) {
      long t = System.nanoTime();
      SystemStates.load(p);
      out[i] = seconds(t);
    }
    return out;
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static SystemStateRecord state(int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] memory = new double[rows][];
    double[] phases = new double[rows];
    for (int i = 0; i < rows; i++) {
      memory[i] = gauss(r, DIM);
      phases[i] = r.nextDouble();
    }
    Instant now = Instant.now();
    return new SystemStateRecord(
        1,
        "bench",
        now,
        now,
        new MemoryStateRecord(
            DIM, MemoryParameters.DEFAULTS, gauss(r, DIM), gauss(r, DIM), gauss(r, DIM)),
        new QilmStateRecord(memory, phases));
  }

  private static StateDelta delta(long from, int i, int n) {
    SplittableRandom r = new SplittableRandom(1000L + i);
    double[][] rows = new double[n][];
    double[] phases = new double[n];
    for (int k = 0; k < n; k++) {
      rows[k] = gauss(r, DIM);
      phases[k] = r.nextDouble();
    }
    return new StateDelta(
        from, "bench", Instant.now(), gauss(r, DIM), gauss(r, DIM), gauss(r, DIM), rows, phases);
  }

  private static double[] gauss(SplittableRandom r, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextGaussian();
    }
    return a;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void report(String name, String text) {
    System.out.printf("%-9s %s%n", name, text);
    System.out.flush();
  }
}
