package org.mlsdm.state.internal.json;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import org.mlsdm.state.internal.io.HashingSink;
import org.mlsdm.state.internal.io.Workers;

/**
 * The byte-level writer behind {@link JsonStateCodec#write}: ASCII text and numbers go straight
 * into one block buffer, with no generator state, pretty-printer callbacks or per-value checks in
 * the way. Doubles are spelled by Jackson's Schubfach writer ({@link NumberOutput#toString(double,
 * boolean)}), the same text a Jackson generator with {@code USE_FAST_DOUBLE_WRITER} produces.
 */
final class JsonTextWriter {
  /** The block handed to the sink; as large as the sink's own, so blocks pass it uncopied. */
  static final int BUFFER_SIZE = HashingSink.BUFFER_SIZE;

  /** The longest text one double can take ({@code -2.2250738585072014E-308} is 24). */
  private static final int MAX_DOUBLE_CHARS = 32;

  private final OutputStream out;
  private final Workers workers;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int count;

  JsonTextWriter(OutputStream out) {
    this(out, Workers.shared());
  }

  /** A writer that formats large matrices on {@code workers}. */
  JsonTextWriter(OutputStream out, Workers workers) {
    this.workers = workers;
    this.out = out;
  }

  /** Appends ASCII text. */
  JsonTextWriter ascii(String text) throws IOException {
    int n = text.length();
    if (n > buf.length - count) {
      drain();
      if (n > buf.length) {
        for (int i = 0; i < n; i++) {
          ascii(text.charAt(i));
        }
        return this;
      }
    }
    for (int i = 0; i < n; i++) {
      buf[count++] = (byte) text.charAt(i);
    }
    return this;
  }

  private void ascii(char c) throws IOException {
    if (count == buf.length) {
      drain();
    }
    buf[count++] = (byte) c;
  }

  /** Appends bytes as they are. */
  JsonTextWriter bytes(byte[] b) throws IOException {
    drain();
    out.write(b);
    return this;
  }

  JsonTextWriter integer(long v) throws IOException {
    return ascii(Long.toString(v));
  }

  JsonTextWriter number(double v) throws IOException {
    if (buf.length - count < MAX_DOUBLE_CHARS) {
      drain();
    }
    String s = NumberOutput.toString(v, true);
    for (int i = 0, n = s.length(); i < n; i++) {
      buf[count++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** Appends {@code [a, b, c]} on one line. */
  JsonTextWriter vector(double[] values) throws IOException {
    ascii('[');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        if (buf.length - count < 2) {
          drain();
        }
        buf[count++] = ',';
        buf[count++] = ' ';
      }
      number(values[i]);
    }
    ascii(']');
    return this;
  }

  /**
   * Appends the QILM rows, each on a line of its own after a newline and six spaces, comma
   * separated. A large matrix is formatted in slices of about {@value #SLICE_VALUES} numbers on
   * {@link Workers} threads, at most {@value #SLICES_IN_FLIGHT} slices ahead of the one being
   * written, and written in order: the same bytes, on every spare core.
   */
  JsonTextWriter rows(double[][] rows) throws IOException {
    int first = sliceEnd(rows, 0);
    if (first == rows.length) {
      return rowLines(rows, 0, rows.length);
    }
    drain();
    ArrayDeque<Future<ByteArrayOutputStream>> pending = new ArrayDeque<>();
    int next = 0;
    while (next < rows.length || !pending.isEmpty()) {
      while (next < rows.length && pending.size() < SLICES_IN_FLIGHT) {
        int from = next;
        int to = sliceEnd(rows, from);
        pending.add(workers.submit(() -> slice(rows, from, to)));
        next = to;
      }
      Workers.await(pending.remove()).writeTo(out);
    }
    return this;
  }

  /** Numbers per parallel slice: about 400 KB of text. */
  static final int SLICE_VALUES = 1 << 14;

  /** Slices formatted ahead of the writer: bounds the memory to a few MB. */
  static final int SLICES_IN_FLIGHT = 4;

  private static int sliceEnd(double[][] rows, int from) {
    long values = 0;
    int to = from;
    while (to < rows.length && values < SLICE_VALUES) {
      values += rows[to].length + 1;
      to++;
    }
    return to;
  }

  private static ByteArrayOutputStream slice(double[][] rows, int from, int to) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * SLICE_VALUES);
    new JsonTextWriter(bytes).rowLines(rows, from, to).drain();
    return bytes;
  }

  private JsonTextWriter rowLines(double[][] rows, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      ascii(i == 0 ? "\n      " : ",\n      ").vector(rows[i]);
    }
    return this;
  }

  /** Writes out what is buffered and flushes the stream. */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }
}
