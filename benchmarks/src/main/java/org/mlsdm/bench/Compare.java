package org.mlsdm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * The Java side of {@code benchmarks/scripts/compare.sh}: times the library's save and load for
 * each format, and the physical floor, on the workloads, in one JVM, and prints one CSV line per
 * operation.
 *
 * <pre>
 * Compare export DIR ROWS...          writes DIR/W-x.f64 for Python (see {@link Workload}) and
 *                                     DIR/seed-W-x.npz, the same state for "once"
 * Compare time DIR REPS ROWS...       warms up on W-S, then times REPS[i] runs on ROWS[i]
 * Compare once DIR FORMAT ROWS        loads the seed, saves it in FORMAT, drops it and loads that
 *                                     file: the peak of one save and one load for /usr/bin/time -v,
 *                                     never holding two copies of the state (run it with a heap
 *                                     limit to check the bound)
 * </pre>
 *
 * CSV columns: {@code side,impl,op,workload,doubles,bytes,median_s,min_s,runs}. NPZ is skipped,
 * with a note on stderr, while the library's NPZ codec is not there.
 */
public final class Compare {
  private static final PrintStream OUT = System.out;

  private Compare() {}

  /**
   * Runs one command.
   *
   * @param args the command and its arguments, as above
   * @throws IOException if a benchmark file cannot be written or read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      usage();
    }
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    switch (args[0]) {
      case "export" -> {
        for (int i = 2; i < args.length; i++) {
          int rows = Integer.parseInt(args[i]);
          SystemStateRecord state = Workload.state(rows);
          Workload.exportRaw(state, dir.resolve(Workload.name(rows) + ".f64"));
          SystemStates.save(state, seed(dir, rows));
        }
      }
      case "time" -> {
        int[] reps = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int[] rows = Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray();
        if (reps.length != rows.length) {
          usage();
        }
        time(dir, reps, rows);
      }
      case "once" -> {
        if (args.length != 4) {
          usage();
        }
        once(args[2], dir, Integer.parseInt(args[3]));
      }
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: Compare export DIR ROWS... | time DIR REPS,REPS,... ROWS... | once DIR FORMAT ROWS");
    System.exit(2);
  }

  private static List<String> formats(Path dir) {
    List<String> out = new ArrayList<>(List.of("json"));
    try {
      SystemStates.save(Workload.state(1), dir.resolve("probe.npz"));
      out.add("npz");
    } catch (UnsupportedOperationException e) {
      System.err.println("NPZ skipped: " + e.getMessage());
    }
    out.add("floor");
    return out;
  }

  private static void time(Path dir, int[] reps, int[] rows) throws IOException {
    List<String> formats = formats(dir);
    for (String f : formats) {
      run(f, dir, 1_000, 10, false);
    }
    OUT.println("side,impl,op,workload,doubles,bytes,median_s,min_s,runs");
    for (int i = 0; i < rows.length; i++) {
      for (String f : formats) {
        run(f, dir, rows[i], reps[i], true);
      }
    }
  }

  /** Times {@code reps} saves, then {@code reps} loads, holding one state at a time. */
  private static void run(String format, Path dir, int rows, int reps, boolean report)
      throws IOException {
    Path file = dir.resolve(Workload.name(rows) + "." + (format.equals("floor") ? "f64" : format));
    long[] save = new long[reps];
    long[] load = new long[reps];
    if (format.equals("floor")) {
      double[][] arrays = Floor.arrays(Workload.state(rows));
      int[] lengths = Floor.lengths(arrays);
      for (int r = 0; r < reps; r++) {
        long t = System.nanoTime();
        Floor.save(arrays, file);
        save[r] = System.nanoTime() - t;
      }
      arrays = null;
      double[][] back = null;
      for (int r = 0; r < reps; r++) {
        back = null;
        long t = System.nanoTime();
        back = Floor.load(file, lengths);
        load[r] = System.nanoTime() - t;
      }
      check(back != null && back.length == lengths.length, file);
    } else {
      SystemStateRecord state = Workload.state(rows);
      for (int r = 0; r < reps; r++) {
        long t = System.nanoTime();
        SystemStates.save(state, file);
        save[r] = System.nanoTime() - t;
      }
      state = null;
      SystemStateRecord back = null;
      for (int r = 0; r < reps; r++) {
        back = null;
        long t = System.nanoTime();
        back = SystemStates.load(file);
        load[r] = System.nanoTime() - t;
      }
      check(back != null && back.qilm().size() == rows, file);
    }
    if (report) {
      long bytes = Files.size(file);
      line(format, "save", rows, bytes, save);
      line(format, "load", rows, bytes, load);
    }
  }

  private static Path seed(Path dir, int rows) {
    return dir.resolve("seed-" + Workload.name(rows) + ".npz");
  }

  private static void once(String format, Path dir, int rows) throws IOException {
    SystemStateRecord state = SystemStates.load(seed(dir, rows));
    Path file = dir.resolve("once-" + Workload.name(rows) + "." + format);
    if (format.equals("floor")) {
      int[] lengths = Floor.lengths(state);
      Floor.save(state, file);
      state = null;
      check(Floor.load(file, lengths).length == lengths.length, file);
    } else {
      SystemStates.save(state, file);
      state = null;
      check(SystemStates.load(file).qilm().size() == rows, file);
    }
  }

  private static void check(boolean ok, Path file) {
    if (!ok) {
      throw new IllegalStateException("load of " + file + " returned the wrong shape");
    }
  }

  private static void line(String impl, String op, int rows, long bytes, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double median = median(s);
    OUT.printf(
        Locale.ROOT,
        "java,%s,%s,%s,%d,%d,%.6f,%.6f,%d%n",
        impl,
        op,
        Workload.name(rows),
        Workload.doubles(rows),
        bytes,
        median / 1e9,
        s[0] / 1e9,
        s.length);
    OUT.flush();
  }

  /** The median of sorted times. */
  static double median(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
