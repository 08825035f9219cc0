package org.mlsdm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.store.StateCodec;

/**
 * Times the two JSON readers on the same file in one JVM, alternating them run by run so that a
 * machine whose load changes during the run slows both alike: the one-pass reader that hashes as it
 * parses ({@code JsonStateCodec.readHashing}, the load path for this library's files) and the
 * Jackson streaming reader ({@code JsonStateCodec.read}) without any hashing, which is the least
 * the full path costs. The measurement behind the "Two readers" paragraph of {@code
 * JsonStateCodec}.
 *
 * <pre>
 * JsonReaders DIR REPS ROWS...   writes DIR/W-x.json, warms both readers up on it, then times REPS
 *                                pairs of reads of each workload
 * </pre>
 *
 * Output: one CSV line per reader and workload, {@code reader,workload,bytes,median_s,min_s,runs},
 * then the ratio of the medians. It uses the core module's internal classes, which the benchmarks
 * reach on the class path.
 */
public final class JsonReaders {
  private static final PrintStream OUT = System.out;

  private JsonReaders() {}

  /**
   * Runs the comparison.
   *
   * @param args the directory, the pairs of runs per workload and the workloads' row counts
   * @throws IOException if a benchmark file cannot be written or read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: JsonReaders DIR REPS ROWS...");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    int reps = Integer.parseInt(args[1]);
    for (int i = 2; i < args.length; i++) {
      int rows = Integer.parseInt(args[i]);
      Path file = dir.resolve(Workload.name(rows) + ".json");
      SystemStates.save(Workload.state(rows), file);
      for (int w = 0; w < 5; w++) {
        fast(file);
        full(file);
      }
      long[] fast = new long[reps];
      long[] full = new long[reps];
      for (int r = 0; r < reps; r++) {
        // Alternate which one goes first, so that neither always runs after the other's garbage.
        if (r % 2 == 0) {
          fast[r] = fast(file);
          full[r] = full(file);
        } else {
          full[r] = full(file);
          fast[r] = fast(file);
        }
      }
      long bytes = Files.size(file);
      double f = line("one-pass+sha256", rows, bytes, fast);
      double j = line("jackson", rows, bytes, full);
      OUT.printf(Locale.ROOT, "ratio,%s,jackson/one-pass,%.3f%n", Workload.name(rows), j / f);
    }
  }

  private static long fast(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long start = System.nanoTime();
      StateCodec.Hashed h = JsonStateCodec.INSTANCE.readHashing(ch, true);
      long t = System.nanoTime() - start;
      if (h == null || h.sha256() == null) {
        throw new IllegalStateException("the one-pass reader declined " + file);
      }
      return t;
    }
  }

  private static long full(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long start = System.nanoTime();
      Decoded d = JsonStateCodec.INSTANCE.read(ch, file.toString());
      long t = System.nanoTime() - start;
      if (d == null) {
        throw new IllegalStateException("the Jackson reader returned nothing for " + file);
      }
      return t;
    }
  }

  private static double line(String reader, int rows, long bytes, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double median = Compare.median(s);
    OUT.printf(
        Locale.ROOT,
        "%s,%s,%d,%.6f,%.6f,%d%n",
        reader,
        Workload.name(rows),
        bytes,
        median / 1e9,
        s[0] / 1e9,
        s.length);
    OUT.flush();
    return median;
  }
}
