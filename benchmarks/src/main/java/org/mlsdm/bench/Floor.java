package org.mlsdm.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.IntFunction;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;

/**
 * The physical floor: the state's doubles as raw little-endian bytes, no format, no checksum. Save
 * writes them to a temporary file with a {@link FileChannel}, fsyncs it, renames it over the target
 * and fsyncs the directory (the least a durable replace needs); load reads them back into arrays of
 * the record's shape. Nothing a real store can do with the same bytes is cheaper.
 */
final class Floor {
  static final int BUFFER = 1 << 20;

  private Floor() {}

  /** The state's arrays in the order they are written. */
  static double[][] arrays(SystemStateRecord s) {
    double[][] out = new double[count(s)][];
    for (int i = 0; i < out.length; i++) {
      out[i] = array(s, i);
    }
    return out;
  }

  static int count(SystemStateRecord s) {
    return 4 + s.qilm().size();
  }

  /** A copy of the state's {@code i}-th array: levels 1 to 3, phases, then the QILM rows. */
  static double[] array(SystemStateRecord s, int i) {
    MemoryStateRecord m = s.memoryState();
    QilmStateRecord q = s.qilm();
    return switch (i) {
      case 0 -> m.stateL1();
      case 1 -> m.stateL2();
      case 2 -> m.stateL3();
      case 3 -> q.phases();
      default -> q.row(i - 4);
    };
  }

  static void save(double[][] arrays, Path target) throws IOException {
    save(arrays.length, i -> arrays[i], target);
  }

  /** Saves a record's arrays one copy at a time, so that the record is never held twice. */
  static void save(SystemStateRecord s, Path target) throws IOException {
    save(count(s), i -> array(s, i), target);
  }

  private static void save(int count, IntFunction<double[]> arrays, Path target)
      throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    DoubleBuffer doubles = buf.asDoubleBuffer();
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int k = 0; k < count; k++) {
        double[] a = arrays.apply(k);
        int off = 0;
        while (off < a.length) {
          int n = Math.min(doubles.remaining(), a.length - off);
          doubles.put(a, off, n);
          off += n;
          if (!doubles.hasRemaining()) {
            drain(ch, buf, doubles);
          }
        }
      }
      drain(ch, buf, doubles);
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static void drain(FileChannel ch, ByteBuffer buf, DoubleBuffer doubles)
      throws IOException {
    buf.limit(doubles.position() * Double.BYTES).position(0);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
    doubles.clear();
  }

  /** Reads arrays of the given lengths back. */
  static double[][] load(Path file, int[] lengths) throws IOException {
    double[][] out = new double[lengths.length][];
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      DoubleBuffer doubles = fill(ch, buf);
      for (int i = 0; i < lengths.length; i++) {
        double[] a = new double[lengths[i]];
        int off = 0;
        while (off < a.length) {
          if (!doubles.hasRemaining()) {
            doubles = fill(ch, buf);
          }
          int n = Math.min(doubles.remaining(), a.length - off);
          doubles.get(a, off, n);
          off += n;
        }
        out[i] = a;
      }
    }
    return out;
  }

  private static DoubleBuffer fill(FileChannel ch, ByteBuffer buf) throws IOException {
    buf.clear();
    // Reads until the buffer is full or the file ends; the loop's condition does the work.
    while (buf.hasRemaining() && ch.read(buf) >= 0) {}
    buf.flip();
    if (buf.remaining() < Double.BYTES) {
      throw new IOException("unexpected end of file");
    }
    return buf.asDoubleBuffer();
  }

  static int[] lengths(SystemStateRecord s) {
    int[] out = new int[count(s)];
    int dimension = s.memoryState().dimension();
    out[0] = dimension;
    out[1] = dimension;
    out[2] = dimension;
    out[3] = s.qilm().size();
    for (int i = 4; i < out.length; i++) {
      out[i] = s.qilm().row(i - 4).length;
    }
    return out;
  }

  static int[] lengths(double[][] arrays) {
    int[] out = new int[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      out[i] = arrays[i].length;
    }
    return out;
  }
}
