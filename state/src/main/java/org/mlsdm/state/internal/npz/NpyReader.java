package org.mlsdm.state.internal.npz;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;

/**
 * Reads one {@code .npy} array from a stream of known length, streaming the data in bulk (no
 * per-element boxing) into {@code double[]} or {@code double[][]}.
 *
 * <pre>
 * offset  bytes  accepted
 * 0       6      \x93NUMPY
 * 6       1      major version 1, 2 or 3
 * 7       1      minor version 0
 * 8       2 / 4  header length n, little-endian: 2 bytes in 1.0, 4 bytes in 2.0 and 3.0;
 *                at most 10,000 (NumPy's own cap) and within the entry
 * 10 / 12 n      the header: a Python dict literal, Latin-1 (1.0, 2.0) or UTF-8 (3.0), with
 *                exactly the keys 'descr', 'fortran_order', 'shape' in any order, quoted with
 *                ' or ", a trailing comma allowed, then spaces and a newline. Parsed, never
 *                evaluated.
 *                  descr          byte order '&lt;', '&gt;', '=' (native) or '|' (one-byte types)
 *                                 then f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 ? U&lt;n&gt; S&lt;n&gt;, or |O
 *                  fortran_order  True or False
 *                  shape          a tuple of at most 32 non-negative integers
 * then    rest   the data: exactly product(shape) × itemsize bytes; for |O a pickle of the
 *                array, read by {@link RestrictedUnpickler}
 * </pre>
 *
 * Values: 0-d numbers become a {@link Long} (integers), a {@link Double} (floats) or a {@link
 * Boolean}; 0-d U and S become a {@link String} without trailing NULs, 1-d U a {@code String[]};
 * 1-d and 2-d numbers become {@code double[]} and {@code double[][]} (Fortran order transposed to
 * rows); object arrays become their single element (0-d) or a {@link List} of elements. Refused:
 * other versions, dtypes and structured dtypes, more than 2 dimensions for numbers, byte strings of
 * 1 or more dimensions, unicode strings of 2 or more, a data length other than the shape's, a
 * zero-width matrix of more than {@link #MAX_EMPTY_ROWS} rows, and values that would take the load
 * past its {@link LoadBudget} (charged before they are allocated: a {@code |i1} vector needs 8
 * bytes of heap per data byte, an {@code (n, 1)} matrix of {@code |i1} 32).
 */
final class NpyReader {
  /** Rows of width 0 cost an object each but no data; bounds what an empty entry can allocate. */
  static final int MAX_EMPTY_ROWS = 1 << 20;

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int CHUNK = 1 << 16;

  /** A decoded array: its shape and its value as described in the class comment. */
  record NpyArray(long[] shape, Object value) {
    String shapeText() {
      return NpyHeader.shapeText(shape);
    }
  }

  private NpyReader() {}

  /**
   * Reads the array, consuming exactly {@code length} bytes.
   *
   * @param where the source and entry, for messages
   * @param budget the load's budget, charged with the values before they are allocated
   * @throws StateLoadException for anything the class comment does not accept
   * @throws IOException if reading fails
   */
  static NpyArray read(InputStream entry, long length, String where, LoadBudget budget)
      throws IOException {
    InputStream in = new BufferedInputStream(entry, CHUNK);
    byte[] pre = readFully(in, 8, where);
    if (!Arrays.equals(pre, 0, 6, NpyHeader.MAGIC, 0, 6)) {
      throw NpyHeader.bad(where, "not an npy array (no \\x93NUMPY magic)");
    }
    int major = pre[6];
    if (major < 1 || major > 3 || pre[7] != 0) {
      throw NpyHeader.bad(
          where, "unsupported npy version " + (pre[6] & 0xFF) + "." + (pre[7] & 0xFF));
    }
    byte[] len = readFully(in, major == 1 ? 2 : 4, where);
    long headerLength =
        ByteBuffer.wrap(Arrays.copyOf(len, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    long preamble = 8L + len.length;
    if (headerLength > NpyHeader.MAX_HEADER_LENGTH || preamble + headerLength > length) {
      throw NpyHeader.bad(
          where,
          "npy header length "
              + headerLength
              + " exceeds the limit "
              + NpyHeader.MAX_HEADER_LENGTH
              + " or the entry's "
              + length
              + " bytes");
    }
    byte[] text = readFully(in, (int) headerLength, where);
    NpyHeader h =
        NpyHeader.parse(
            new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1),
            where);
    long dataLength = length - preamble - headerLength;
    long count = h.count(where);
    if (h.kind == 'O') {
      Object pickled = RestrictedUnpickler.unpickle(in, dataLength, where, budget);
      if (!(pickled instanceof RestrictedUnpickler.ObjectArray a)
          || !Arrays.equals(a.shape(), h.shape)) {
        throw NpyHeader.bad(
            where, "pickle does not hold an object array of shape " + NpyHeader.shapeText(h.shape));
      }
      Object value = h.shape.length == 0 ? a.elements().get(0) : a.elements();
      return new NpyArray(h.shape, value);
    }
    long expected;
    try {
      expected = Math.multiplyExact(count, (long) h.itemSize);
    } catch (ArithmeticException e) {
      throw NpyHeader.bad(where, "shape " + NpyHeader.shapeText(h.shape) + " overflows");
    }
    if (expected != dataLength) {
      throw NpyHeader.bad(
          where,
          "shape "
              + NpyHeader.shapeText(h.shape)
              + " of "
              + h.descr
              + " needs "
              + expected
              + " data bytes, the entry has "
              + dataLength);
    }
    if (h.shape.length == 0) {
      // The bytes, and for text a builder and the string: at most four times the item.
      budget.charge(4 * LoadBudget.array(h.itemSize, 1), where + ": a 0-d " + h.descr);
      return new NpyArray(h.shape, scalar(h, readFully(in, h.itemSize, where), where));
    }
    if (h.kind == 'S' || (h.kind == 'U' && h.shape.length > 1)) {
      throw NpyHeader.bad(
          where, "string arrays of shape " + NpyHeader.shapeText(h.shape) + " are not supported");
    }
    if (h.shape.length > 2) {
      throw NpyHeader.bad(where, "arrays of " + h.shape.length + " dimensions are not supported");
    }
    if (count > MAX_ARRAY) {
      throw NpyHeader.bad(
          where,
          "shape " + NpyHeader.shapeText(h.shape) + " has more than " + MAX_ARRAY + " elements");
    }
    if (h.kind == 'U' && h.shape.length == 1) {
      // The array of references, and per string its bytes, a builder and the string: at most four
      // times the item each, as for a 0-d one.
      budget.charge(
          LoadBudget.array(count, LoadBudget.REFERENCE)
              + count * 4 * LoadBudget.array(h.itemSize, 1),
          where + ": " + count + " strings of " + h.descr);
      String[] strings = new String[(int) count];
      for (int i = 0; i < strings.length; i++) {
        strings[i] = (String) scalar(h, readFully(in, h.itemSize, where), where);
      }
      return new NpyArray(h.shape, strings);
    }
    ByteBuffer scratch =
        ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(8, expected))).order(h.order());
    if (h.shape.length == 1) {
      budget.charge(
          LoadBudget.array(count, Double.BYTES),
          where + ": " + count + " values of " + h.descr + " as doubles");
      double[] values = new double[(int) count];
      readNumbers(in, h, scratch, values, where);
      return new NpyArray(h.shape, values);
    }
    long rows = h.shape[0];
    int width = (int) Math.min(h.shape[1], MAX_ARRAY);
    if (rows > MAX_ARRAY || (width == 0 && rows > MAX_EMPTY_ROWS)) {
      throw NpyHeader.bad(where, "shape " + NpyHeader.shapeText(h.shape) + " has too many rows");
    }
    // rows × width = count fits an int, so neither sum overflows.
    budget.charge(
        LoadBudget.array(rows, LoadBudget.REFERENCE)
            + rows * LoadBudget.array(0, Double.BYTES)
            + count * Double.BYTES,
        where + ": " + rows + " × " + width + " values of " + h.descr + " as rows of doubles");
    double[][] matrix = new double[(int) rows][];
    if (h.fortranOrder && rows > 1 && width > 1) {
      budget.charge(
          LoadBudget.array(count, Double.BYTES), where + ": " + count + " values in Fortran order");
      double[] columns = new double[(int) count];
      readNumbers(in, h, scratch, columns, where);
      for (int i = 0; i < rows; i++) {
        double[] row = new double[width];
        for (int j = 0; j < width; j++) {
          row[j] = columns[j * (int) rows + i];
        }
        matrix[i] = row;
      }
    } else {
      for (int i = 0; i < rows; i++) {
        matrix[i] = new double[width];
        readNumbers(in, h, scratch, matrix[i], where);
      }
    }
    return new NpyArray(h.shape, matrix);
  }

  private static Object scalar(NpyHeader h, byte[] data, String where) {
    ByteBuffer b = ByteBuffer.wrap(data).order(h.order());
    switch (h.kind) {
      case 'U' -> {
        StringBuilder s = new StringBuilder();
        int end = data.length / 4;
        while (end > 0 && b.getInt(4 * (end - 1)) == 0) {
          end--;
        }
        for (int i = 0; i < end; i++) {
          int cp = b.getInt(4 * i);
          if (!Character.isValidCodePoint(cp)) {
            throw NpyHeader.bad(
                where, "invalid code point " + Integer.toHexString(cp) + " in a string");
          }
          s.appendCodePoint(cp);
        }
        return s.toString();
      }
      case 'S' -> {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) {
          end--;
        }
        return new String(data, 0, end, StandardCharsets.ISO_8859_1);
      }
      case 'b' -> {
        return data[0] != 0;
      }
      case 'f' -> {
        return h.itemSize == 4 ? (double) b.getFloat(0) : b.getDouble(0);
      }
      case 'u' -> {
        if (h.itemSize == 8 && b.getLong(0) < 0) {
          throw NpyHeader.bad(
              where, "unsigned value " + Long.toUnsignedString(b.getLong(0)) + " is out of range");
        }
        return integer(b, h.itemSize, true);
      }
      default -> {
        return integer(b, h.itemSize, false);
      }
    }
  }

  private static long integer(ByteBuffer b, int size, boolean unsigned) {
    return switch (size) {
      case 1 -> unsigned ? b.get(0) & 0xFFL : b.get(0);
      case 2 -> unsigned ? b.getShort(0) & 0xFFFFL : b.getShort(0);
      case 4 -> unsigned ? b.getInt(0) & 0xFFFF_FFFFL : b.getInt(0);
      default -> b.getLong(0);
    };
  }

  /** Fills {@code dst} with elements converted to doubles, a scratch buffer at a time. */
  private static void readNumbers(
      InputStream in, NpyHeader h, ByteBuffer b, double[] dst, String where) throws IOException {
    byte[] chunk = b.array();
    int per = chunk.length / h.itemSize;
    int n = dst.length;
    int done = 0;
    while (done < n) {
      int k = Math.min(per, n - done);
      fill(in, chunk, k * h.itemSize, where);
      if (h.kind == 'f' && h.itemSize == 8) {
        b.clear();
        b.asDoubleBuffer().get(dst, done, k);
      } else {
        for (int i = 0; i < k; i++) {
          int p = i * h.itemSize;
          dst[done + i] =
              switch (h.kind) {
                case 'f' -> b.getFloat(p);
                case 'b' -> chunk[p] != 0 ? 1 : 0;
                case 'u' ->
                    switch (h.itemSize) {
                      case 1 -> chunk[p] & 0xFF;
                      case 2 -> b.getShort(p) & 0xFFFF;
                      case 4 -> b.getInt(p) & 0xFFFF_FFFFL;
                      default -> unsignedToDouble(b.getLong(p));
                    };
                default ->
                    switch (h.itemSize) {
                      case 1 -> chunk[p];
                      case 2 -> b.getShort(p);
                      case 4 -> b.getInt(p);
                      default -> b.getLong(p);
                    };
              };
        }
      }
      done += k;
    }
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  static byte[] readFully(InputStream in, int n, String where) throws IOException {
    byte[] b = new byte[n];
    fill(in, b, n, where);
    return b;
  }

  private static void fill(InputStream in, byte[] b, int n, String where) throws IOException {
    int done = 0;
    while (done < n) {
      int r = in.read(b, done, n - done);
      if (r < 0) {
        throw NpyHeader.bad(where, "npy data ends early");
      }
      done += r;
    }
  }
}
