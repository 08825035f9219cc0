package org.mlsdm.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.SplittableRandom;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;

/**
 * The benchmark workloads: dimension {@value #DIMENSION}, {@code rows} QILM vectors of random
 * doubles in [-1, 1), phases in [0, 1), random synaptic levels, all from one fixed seed.
 *
 * <p>The same numbers reach Python through {@link #exportRaw}: a flat little-endian file of {@code
 * l1, l2, l3} ({@code dimension} each), {@code phases} ({@code rows}) and {@code memory} ({@code
 * rows × dimension}, row after row), which {@code benchmarks/scripts/compare.py} reads with {@code
 * numpy.fromfile}.
 */
final class Workload {
  static final int DIMENSION = 384;
  static final long SEED = 20261126L;
  static final Instant CREATED = Instant.parse("2026-11-26T10:00:00.000001Z");

  private Workload() {}

  /** The short name of a workload by its row count: W-S, W-M, W-L, or W-rows. */
  static String name(int rows) {
    return switch (rows) {
      case 1_000 -> "W-S";
      case 10_000 -> "W-M";
      case 100_000 -> "W-L";
      default -> "W-" + rows;
    };
  }

  /** The number of doubles a workload holds: the QILM, its phases and the three levels. */
  static long doubles(int rows) {
    return (long) rows * DIMENSION + rows + 3L * DIMENSION;
  }

  static SystemStateRecord state(int rows) {
    SplittableRandom r = new SplittableRandom(SEED);
    double[] l1 = uniform(r, DIMENSION, -1);
    double[] l2 = uniform(r, DIMENSION, -1);
    double[] l3 = uniform(r, DIMENSION, -1);
    double[] phases = uniform(r, rows, 0);
    double[][] memory = new double[rows][];
    for (int i = 0; i < rows; i++) {
      memory[i] = uniform(r, DIMENSION, -1);
    }
    MemoryParameters p = MemoryParameters.DEFAULTS;
    MemoryStateRecord m =
        new MemoryStateRecord(
            DIMENSION,
            p.lambdaL1(),
            p.lambdaL2(),
            p.lambdaL3(),
            p.thetaL1(),
            p.thetaL2(),
            p.gating12(),
            p.gating23(),
            l1,
            l2,
            l3);
    QilmStateRecord q = new QilmStateRecord(memory, phases);
    return new SystemStateRecord(1, "bench-" + name(rows), CREATED, CREATED, m, q);
  }

  private static double[] uniform(SplittableRandom r, int n, double low) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble(low, 1.0);
    }
    return a;
  }

  /** Writes the workload's doubles as the flat little-endian file described above. */
  static void exportRaw(SystemStateRecord s, Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      MemoryStateRecord m = s.memoryState();
      put(ch, buf, m.stateL1());
      put(ch, buf, m.stateL2());
      put(ch, buf, m.stateL3());
      QilmStateRecord q = s.qilm();
      put(ch, buf, q.phases());
      for (int i = 0; i < q.size(); i++) {
        put(ch, buf, q.row(i));
      }
      buf.flip();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
  }

  private static void put(FileChannel ch, ByteBuffer buf, double[] values) throws IOException {
    for (double v : values) {
      if (!buf.hasRemaining()) {
        buf.flip();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        buf.clear();
      }
      buf.putDouble(v);
    }
  }
}
