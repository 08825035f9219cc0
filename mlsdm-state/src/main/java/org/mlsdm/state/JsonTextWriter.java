package org.mlsdm.state;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.IOException;
import java.io.OutputStream;

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
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int count;

  JsonTextWriter(OutputStream out) {
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
