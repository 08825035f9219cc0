package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * One {@code .npy} array ready to stream: NPY 1.0 (2.0 if the header needs it), little-endian, C
 * order, data on a 64-byte boundary. The length is known before anything is written, so a zip entry
 * can be stored with exact sizes; {@link #writeTo} may run more than once (once for the CRC).
 */
final class NpyWriter {
  private static final int CHUNK = 1 << 16;

  /** Writes the data bytes through a little-endian scratch buffer of 8 to {@link #CHUNK} bytes. */
  private interface Body {
    void write(OutputStream out, ByteBuffer scratch) throws IOException;
  }

  private final byte[] header;
  private final long dataLength;
  private final Body body;

  private NpyWriter(String descr, long[] shape, long dataLength, Body body) {
    this.header = NpyHeader.encode(descr, shape);
    this.dataLength = dataLength;
    this.body = body;
  }

  /** The total length in bytes: header and data. */
  long length() {
    return header.length + dataLength;
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(header);
    int scratch = (int) Math.min(CHUNK, Math.max(8, dataLength));
    body.write(out, ByteBuffer.allocate(scratch).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** A 0-d {@code <i8}. */
  static NpyWriter int64(long value) {
    return new NpyWriter(
        "<i8", new long[0], 8, (out, b) -> out.write(b.putLong(0, value).array(), 0, 8));
  }

  /** A 0-d {@code <f8}. */
  static NpyWriter float64(double value) {
    return new NpyWriter(
        "<f8", new long[0], 8, (out, b) -> out.write(b.putDouble(0, value).array(), 0, 8));
  }

  /** A 0-d {@code <U}n: UTF-32LE code points, n at least 1 as in NumPy. */
  static NpyWriter unicode(String value) {
    int[] points = value.codePoints().toArray();
    int n = Math.max(1, points.length);
    return new NpyWriter(
        "<U" + n,
        new long[0],
        4L * n,
        (out, b) -> {
          for (int i = 0; i < n; i++) {
            b.putInt(0, i < points.length ? points[i] : 0);
            out.write(b.array(), 0, 4);
          }
        });
  }

  /**
   * A 1-d {@code <U}n: each string as UTF-32LE code points padded with NULs to the longest, n at
   * least 1 as in NumPy. The strings hold no U+0000 (the records refuse it), so none is cut short.
   */
  static NpyWriter unicodeVector(String[] values) {
    int[][] points = new int[values.length][];
    int n = 1;
    for (int i = 0; i < values.length; i++) {
      points[i] = values[i].codePoints().toArray();
      n = Math.max(n, points[i].length);
    }
    int width = n;
    return new NpyWriter(
        "<U" + width,
        new long[] {values.length},
        4L * width * values.length,
        (out, b) -> {
          for (int[] s : points) {
            for (int i = 0; i < width; i++) {
              b.putInt(0, i < s.length ? s[i] : 0);
              out.write(b.array(), 0, 4);
            }
          }
        });
  }

  /** A 1-d {@code |b1}. */
  static NpyWriter booleans(boolean[] values) {
    return new NpyWriter(
        "|b1",
        new long[] {values.length},
        values.length,
        (out, b) -> {
          for (boolean v : values) {
            out.write(v ? 1 : 0);
          }
        });
  }

  /** An object array ({@code |O}) of shape () or (1,) whose data is {@code pickle}. */
  static NpyWriter pickled(boolean oneDimensional, byte[] pickle) {
    return new NpyWriter(
        "|O",
        oneDimensional ? new long[] {1} : new long[0],
        pickle.length,
        (out, b) -> out.write(pickle));
  }

  /** A 1-d {@code <f8}. */
  static NpyWriter vector(double[] values) {
    return new NpyWriter(
        "<f8",
        new long[] {values.length},
        8L * values.length,
        (out, b) -> writeDoubles(out, values, b));
  }

  /** A 2-d {@code <f8} of shape (rows, width); every row has {@code width} values. */
  static NpyWriter matrix(double[][] rows, int width) {
    return new NpyWriter(
        "<f8",
        new long[] {rows.length, width},
        8L * rows.length * width,
        (out, b) -> {
          for (double[] row : rows) {
            writeDoubles(out, row, b);
          }
        });
  }

  /** A 1-d {@code <f8} of all rows one after another. */
  static NpyWriter concatenation(double[][] rows) {
    long n = 0;
    for (double[] row : rows) {
      n += row.length;
    }
    return new NpyWriter(
        "<f8",
        new long[] {n},
        8L * n,
        (out, b) -> {
          for (double[] row : rows) {
            writeDoubles(out, row, b);
          }
        });
  }

  /** A 1-d {@code <i8} of the rows' lengths. */
  static NpyWriter lengths(double[][] rows) {
    return new NpyWriter(
        "<i8",
        new long[] {rows.length},
        8L * rows.length,
        (out, b) -> {
          int i = 0;
          while (i < rows.length) {
            int n = Math.min(b.capacity() / 8, rows.length - i);
            for (int k = 0; k < n; k++) {
              b.putLong(8 * k, rows[i + k].length);
            }
            out.write(b.array(), 0, 8 * n);
            i += n;
          }
        });
  }

  private static void writeDoubles(OutputStream out, double[] values, ByteBuffer b)
      throws IOException {
    DoubleBuffer view = b.asDoubleBuffer();
    int i = 0;
    while (i < values.length) {
      int n = Math.min(view.capacity(), values.length - i);
      view.clear();
      view.put(values, i, n);
      out.write(b.array(), 0, 8 * n);
      i += n;
    }
  }
}
