package org.mlsdm.state.internal.json;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Makes the parser refuse every byte sequence that is not well-formed UTF-8 (Unicode, table 3-7),
 * which Jackson's UTF-8 decoder does not do: it reads the overlong {@code C0 AF} as {@code /}, and
 * takes encoded surrogates ({@code ED A0 80}) and code points above U+10FFFF ({@code F4 90 80 80}).
 * Each ill-formed sequence's first byte is replaced by {@code 0xFF}, a byte the parser refuses
 * where it meets it (so the error names the field and the location, and a byte count is never
 * changed), and the first such sequence is remembered for the message.
 *
 * <pre>
 * first byte   then                        accepted as
 * 00..7F                                   ASCII
 * C2..DF       80..BF                      U+0080..U+07FF
 * E0           A0..BF 80..BF               U+0800..U+0FFF (E0 80..9F would be overlong)
 * E1..EC EE EF 80..BF 80..BF
 * ED           80..9F 80..BF               not D800..DFFF, the surrogates
 * F0           90..BF 80..BF 80..BF        U+10000.. (F0 80..8F would be overlong)
 * F1..F3       80..BF 80..BF 80..BF
 * F4           80..8F 80..BF 80..BF        not above U+10FFFF
 * 80..C1 F5..FF                            never: refused
 * </pre>
 *
 * Only for input the parser reads as UTF-8; UTF-16 and UTF-32 have their own checks.
 */
final class StrictUtf8Input extends InputStream {
  private static final int BLOCK = 1 << 16;

  private final InputStream in;
  private final byte[] buf = new byte[BLOCK + 3];
  private int pos;
  private int lim;

  /** Bytes of an incomplete sequence at the end of the block, kept for the next one. */
  private int carried;

  private long offset;
  private boolean eof;
  private String problem;
  private long problemOffset = -1;

  StrictUtf8Input(InputStream in) {
    this.in = in;
  }

  /**
   * The first ill-formed sequence, for the error message.
   *
   * @return for example {@code "invalid UTF-8 at offset 12: overlong encoding (bytes C0 AF)"}, or
   *     null when every byte so far was well-formed
   */
  String problem() {
    return problem;
  }

  /**
   * Where the first ill-formed sequence starts.
   *
   * @return its byte offset, or -1 when there is none
   */
  long problemOffset() {
    return problemOffset;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos == lim) {
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Reads and checks the next block; false at the end of the input. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    // The carried bytes of an incomplete sequence move to the front.
    System.arraycopy(buf, lim, buf, 0, carried);
    int have = carried;
    int n = in.read(buf, have, BLOCK);
    if (n < 0) {
      eof = true;
      if (have == 0) {
        return false;
      }
      // A sequence cut off by the end of the file.
      mark(0, have, "truncated sequence");
      pos = 0;
      lim = have;
      carried = 0;
      offset += have;
      return true;
    }
    have += n;
    int end = check(have);
    pos = 0;
    lim = end;
    carried = have - end;
    offset += end;
    return true;
  }

  /**
   * Checks {@code buf[0, have)}, marking ill-formed sequences; returns where the last complete
   * sequence ends (at most 3 bytes of an incomplete one remain after it).
   */
  private int check(int have) {
    int i = 0;
    while (i < have) {
      int c = buf[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
      } else {
        mark(i, 1, c == 0xc0 || c == 0xc1 ? "overlong encoding" : "invalid first byte");
        i++;
        continue;
      }
      if (i + need >= have) {
        // Incomplete here: checked with the next block.
        return i;
      }
      int j = 1;
      for (; j <= need; j++) {
        int d = buf[i + j] & 0xff;
        if (d < (j == 1 ? lo : 0x80) || d > (j == 1 ? hi : 0xbf)) {
          break;
        }
      }
      if (j <= need) {
        String why =
            j == 1 && (c == 0xe0 || c == 0xf0) && (buf[i + 1] & 0xff) < lo
                ? "overlong encoding"
                : j == 1 && c == 0xed && (buf[i + 1] & 0xff) > hi
                    ? "encoded surrogate"
                    : j == 1 && c == 0xf4 && (buf[i + 1] & 0xff) > hi
                        ? "code point above U+10FFFF"
                        : "invalid continuation byte";
        mark(i, j + 1, why);
        i += j;
        continue;
      }
      i += need + 1;
    }
    return have;
  }

  /** Replaces the sequence's first byte by one the parser refuses; remembers the first. */
  private void mark(int at, int length, String why) {
    if (problem == null) {
      problemOffset = offset + at;
      problem =
          "invalid UTF-8 at offset "
              + (offset + at)
              + ": "
              + why
              + " (bytes "
              + HexFormat.ofDelimiter(" ")
                  .withUpperCase()
                  .formatHex(Arrays.copyOfRange(buf, at, at + length))
              + ")";
    }
    buf[at] = (byte) 0xff;
  }
}
