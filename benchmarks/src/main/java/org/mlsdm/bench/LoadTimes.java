package org.mlsdm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.mlsdm.state.SystemStates;

/**
 * Times {@code SystemStates.load} of one workload file in one format, steady state: the A/B harness
 * for a single class of the load path (put a variant of the class first on the class path, run the
 * variants alternately, one JVM each).
 *
 * <pre>
 * LoadTimes DIR ROWS FORMAT REPS [LABEL]    FORMAT json or npz; saves DIR/w-ROWS.FORMAT once,
 *                                           loads it 100 times to warm up, then times REPS loads
 * </pre>
 *
 * Prints {@code LABEL FORMAT W-x load median MS min MS}.
 */
public final class LoadTimes {
  private LoadTimes() {}

  /**
   * Runs the measurement.
   *
   * @param args DIR ROWS FORMAT REPS [LABEL]
   * @throws Exception if the file cannot be written or a load fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: LoadTimes DIR ROWS json|npz REPS [LABEL]");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    int rows = Integer.parseInt(args[1]);
    String format = args[2].toLowerCase(Locale.ROOT);
    int reps = Integer.parseInt(args[3]);
    Path file = dir.resolve("w-" + rows + "." + format);
    if (!Files.exists(file)) {
      SystemStates.save(Workload.state(rows), file);
    }
    timeLoads(
        args.length > 4 ? args[4] : "-", format, rows, 100, reps, () -> SystemStates.load(file));
  }

  /** One load, timed by {@link #timeLoads}. */
  @FunctionalInterface
  interface Load {
    /**
     * Loads once.
     *
     * @throws Exception if the load fails
     */
    void run() throws Exception;
  }

  /**
   * Runs {@code warmUps} untimed loads, then times {@code reps}, and prints {@code LABEL FORMAT W-x
   * median MS min MS}.
   */
  static void timeLoads(String label, String format, int rows, int warmUps, int reps, Load load)
      throws Exception {
    for (int i = 0; i < warmUps; i++) {
      load.run();
    }
    long[] times = new long[reps];
    for (int i = 0; i < reps; i++) {
      long start = System.nanoTime();
      load.run();
      times[i] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    System.out.printf(
        Locale.ROOT,
        "%s %s %s load median %.2f ms min %.2f ms%n",
        label,
        format,
        Workload.name(rows),
        times[reps / 2] / 1e6,
        times[0] / 1e6);
  }
}
