package org.mlsdm.state.internal.npz;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.mlsdm.state.StateLoadException;

/**
 * The header of one {@code .npy} array: its dtype, memory order and shape. Parses the header's
 * Python dict literal with a small strict parser (never an evaluator) and writes headers the way
 * NumPy does. See {@link NpyReader} for the accepted bytes.
 */
final class NpyHeader {
  /** NumPy's own reading cap ({@code max_header_size}); longer headers are hostile. */
  static final int MAX_HEADER_LENGTH = 10_000;

  /** NumPy allows 64 dimensions; a state needs two. */
  static final int MAX_DIMENSIONS = 32;

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private static final int ALIGNMENT = 64;

  final String descr;
  final boolean fortranOrder;
  final long[] shape;

  /** {@code '<'} or {@code '>'} after resolving {@code '='}, {@code '|'} for single bytes. */
  final char byteOrder;

  /** NumPy's kind character: {@code f i u b U S O}. */
  final char kind;

  /** Bytes per element; 0 for {@code O}. */
  final int itemSize;

  private NpyHeader(String descr, boolean fortranOrder, long[] shape, String where) {
    this.descr = descr;
    this.fortranOrder = fortranOrder;
    this.shape = shape;
    int i = 0;
    char order = '|';
    if (!descr.isEmpty() && "<>|=".indexOf(descr.charAt(0)) >= 0) {
      order = descr.charAt(0);
      i = 1;
    }
    if (i >= descr.length()) {
      throw bad(where, "'descr' is not a dtype: '" + descr + "'");
    }
    char k = descr.charAt(i);
    String digits = descr.substring(i + 1);
    int size;
    if (k == 'O' && (digits.isEmpty() || digits.equals("8"))) {
      size = 0;
    } else if (k == '?' && digits.isEmpty()) {
      k = 'b';
      size = 1;
    } else {
      if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(NpyHeader::isDigit)) {
        throw bad(where, "'descr' is not a supported dtype: '" + descr + "'");
      }
      size = Integer.parseInt(digits);
      boolean ok =
          switch (k) {
            case 'f' -> size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            case 'U' -> size >= 1 && size <= MAX_HEADER_LENGTH;
            case 'S' -> size >= 1 && size <= MAX_HEADER_LENGTH;
            default -> false;
          };
      if (!ok) {
        throw bad(where, "'descr' is not a supported dtype: '" + descr + "'");
      }
      if (k == 'U') {
        size = Math.multiplyExact(size, 4);
      }
    }
    int unit = k == 'U' ? 4 : k == 'S' ? 1 : size;
    if (order == '=') {
      order = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? '<' : '>';
    }
    if (order == '|' && unit > 1) {
      throw bad(where, "'descr' '" + descr + "' needs a byte order ('<' or '>')");
    }
    this.byteOrder = unit > 1 ? order : '|';
    this.kind = k;
    this.itemSize = size;
  }

  /** The number of elements, the product of the shape; 1 for a 0-d array. */
  long count(String where) {
    long n = 1;
    for (long d : shape) {
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw bad(where, "'shape' " + shapeText(shape) + " overflows");
      }
    }
    return n;
  }

  ByteOrder order() {
    return byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  /**
   * Parses the header dict, e.g. {@code {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }}
   * followed by spaces and a newline.
   *
   * @throws StateLoadException naming {@code where} if the text is anything else
   */
  static NpyHeader parse(String text, String where) {
    Parser p = new Parser(text, where);
    String descr = null;
    Boolean fortran = null;
    long[] shape = null;
    p.skipSpace();
    p.expect('{');
    p.skipSpace();
    while (!p.peek('}')) {
      String key = p.string();
      p.skipSpace();
      p.expect(':');
      p.skipSpace();
      switch (key) {
        case "descr" -> {
          if (descr != null) {
            throw p.fail("duplicate key 'descr'");
          }
          if (p.peek('[')) {
            throw p.fail("structured dtypes are not supported");
          }
          descr = p.string();
        }
        case "fortran_order" -> {
          if (fortran != null) {
            throw p.fail("duplicate key 'fortran_order'");
          }
          fortran = p.bool();
        }
        case "shape" -> {
          if (shape != null) {
            throw p.fail("duplicate key 'shape'");
          }
          shape = p.shape();
        }
        default -> throw p.fail("unexpected key '" + key + "'");
      }
      p.skipSpace();
      if (!p.peek('}')) {
        p.expect(',');
        p.skipSpace();
      }
    }
    p.expect('}');
    p.skipSpace();
    p.expectEnd();
    if (descr == null || fortran == null || shape == null) {
      String missing = descr == null ? "descr" : fortran == null ? "fortran_order" : "shape";
      throw bad(where, "header has no '" + missing + "'");
    }
    return new NpyHeader(descr, fortran, shape, where);
  }

  /**
   * The preamble and header for a C-order array, version 1.0 unless the header needs 2.0, padded
   * with spaces and a newline so that the data starts on a 64-byte boundary.
   */
  static byte[] encode(String descr, long[] shape) {
    String dict =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
    int preamble = dict.length() + 1 + 10 <= 0xFFFF ? 10 : 12;
    int total = preamble + dict.length() + 1;
    total = (total + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    int headerLength = total - preamble;
    byte[] out = new byte[total];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[6] = (byte) (preamble == 10 ? 1 : 2);
    out[7] = 0;
    out[8] = (byte) headerLength;
    out[9] = (byte) (headerLength >>> 8);
    if (preamble == 12) {
      out[10] = (byte) (headerLength >>> 16);
      out[11] = (byte) (headerLength >>> 24);
    }
    byte[] text = dict.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, out, preamble, text.length);
    for (int i = preamble + text.length; i < total - 1; i++) {
      out[i] = ' ';
    }
    out[total - 1] = '\n';
    return out;
  }

  static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return b.append(shape.length == 1 ? ",)" : ")").toString();
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  static StateLoadException bad(String where, String what) {
    return new StateLoadException(where + ": " + what);
  }

  /** A cursor over the header text; every method fails with the offset it stopped at. */
  private static final class Parser {
    private final String text;
    private final String where;
    private int pos;

    Parser(String text, String where) {
      this.text = text;
      this.where = where;
    }

    StateLoadException fail(String what) {
      return bad(where, "npy header: " + what + " at header offset " + pos);
    }

    boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    void expect(char c) {
      if (!peek(c)) {
        throw fail("expected '" + c + "'");
      }
      pos++;
    }

    void expectEnd() {
      if (pos != text.length()) {
        throw fail("unexpected text after the dict");
      }
    }

    void skipSpace() {
      while (pos < text.length() && " \t\r\n\f".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    String string() {
      if (!peek('\'') && !peek('"')) {
        throw fail("expected a quoted string");
      }
      char quote = text.charAt(pos++);
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != quote) {
        char c = text.charAt(pos);
        if (c == '\\' || c < ' ') {
          throw fail("unsupported character in a string");
        }
        pos++;
      }
      if (pos >= text.length()) {
        throw fail("unterminated string");
      }
      return text.substring(start, pos++);
    }

    boolean bool() {
      if (text.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (text.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      throw fail("expected True or False");
    }

    long[] shape() {
      expect('(');
      skipSpace();
      long[] dims = new long[MAX_DIMENSIONS];
      int n = 0;
      boolean comma = true;
      while (!peek(')')) {
        if (!comma) {
          throw fail("expected ',' or ')' in 'shape'");
        }
        if (n == MAX_DIMENSIONS) {
          throw fail("more than " + MAX_DIMENSIONS + " dimensions in 'shape'");
        }
        dims[n++] = integer();
        skipSpace();
        comma = peek(',');
        if (comma) {
          pos++;
          skipSpace();
        }
      }
      if (n == 1 && !comma) {
        throw fail("a 1-d 'shape' needs a trailing comma");
      }
      pos++;
      return Arrays.copyOf(dims, n);
    }

    private long integer() {
      int start = pos;
      while (pos < text.length() && isDigit(text.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw fail("expected a non-negative dimension in 'shape'");
      }
      long v;
      try {
        v = Long.parseLong(text.substring(start, pos));
      } catch (NumberFormatException e) {
        pos = start;
        throw fail("dimension in 'shape' overflows");
      }
      if (peek('L')) {
        pos++;
      }
      return v;
    }
  }
}
