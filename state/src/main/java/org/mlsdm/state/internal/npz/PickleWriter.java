package org.mlsdm.state.internal.npz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mlsdm.state.StateValidationException;

/**
 * Writes the pickle that {@code numpy.save} writes for an object array of one element (0-d, or 1-d
 * of length 1) holding a tree of plain values: what the Python system's NPZ files hold, and what
 * {@link RestrictedUnpickler} reads back.
 *
 * <pre>
 * \x80\x03                                   protocol 3: Python 3 reads it, and bytes need no
 *                                            _codecs.encode global as in protocol 2
 * c numpy.core.multiarray\n_reconstruct\n    the globals numpy 1.x writes; numpy 2.x maps
 * c numpy\nndarray\n K\x00 \x85 C\x01 b \x87 R   numpy.core to numpy._core on loading
 * ( K\x01  shape  c numpy\ndtype\n X "O8" \x89 \x88 \x87 R
 *   ( K\x03 X "|" N N N J -1 J -1 K\x3f t b   the object dtype's state, as numpy pickles it
 *   \x89  ] value a                         not Fortran order; the element list
 * t b .                                      the array's state, BUILD, STOP
 * </pre>
 *
 * The shape is an empty tuple (0-d) or {@code K\x01 \x85} (1-d, one element). Values: a {@link Map}
 * with {@link String} keys as a dict (EMPTY_DICT, then MARK, keys and values, SETITEMS), a {@link
 * List}, {@code double[]} or {@code double[][]} as lists (EMPTY_LIST, then MARK, items, APPENDS), a
 * {@link String} as {@code X} with UTF-8 (a lone surrogate is refused), a {@link Double} as {@code
 * G} (big-endian IEEE 754), an {@link Integer} or {@link Long} in the 32-bit range as {@code J},
 * null as {@code N}. No memo is written, so nothing is shared and no {@code BINPUT} or {@code
 * BINGET} appears.
 */
final class PickleWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private PickleWriter() {}

  /**
   * Pickles an object array holding {@code value}.
   *
   * @param oneDimensional true for shape (1,), as the {@code MemoryManager} writes; false for 0-d
   */
  static byte[] objectArray(Object value, boolean oneDimensional) {
    PickleWriter w = new PickleWriter();
    w.raw(0x80, 3);
    w.global("numpy.core.multiarray", "_reconstruct");
    w.global("numpy", "ndarray");
    w.raw('K', 0, 0x85, 'C', 1, 'b', 0x87, 'R');
    w.raw('(', 'K', 1);
    if (oneDimensional) {
      w.raw('K', 1, 0x85);
    } else {
      w.raw(')');
    }
    w.global("numpy", "dtype");
    w.string("O8");
    w.raw(0x89, 0x88, 0x87, 'R');
    w.raw('(', 'K', 3);
    w.string("|");
    w.raw('N', 'N', 'N');
    w.int32(-1);
    w.int32(-1);
    w.raw('K', 0x3f, 't', 'b');
    w.raw(0x89, ']');
    w.value(value);
    w.raw('a', 't', 'b', '.');
    return w.out.toByteArray();
  }

  private void value(Object v) {
    if (v == null) {
      raw('N');
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Double d) {
      float64(d);
    } else if (v instanceof Integer || v instanceof Long) {
      long l = ((Number) v).longValue();
      if (l != (int) l) {
        throw new IllegalArgumentException("integer out of the 32-bit range: " + l);
      }
      int32((int) l);
    } else if (v instanceof double[] a) {
      raw(']');
      if (a.length > 0) {
        raw('(');
        for (double d : a) {
          float64(d);
        }
        raw('e');
      }
    } else if (v instanceof double[][] rows) {
      list(List.of((Object[]) rows));
    } else if (v instanceof List<?> list) {
      list(list);
    } else if (v instanceof Map<?, ?> map) {
      raw('}');
      if (!map.isEmpty()) {
        raw('(');
        for (Map.Entry<?, ?> e : map.entrySet()) {
          string((String) e.getKey());
          value(e.getValue());
        }
        raw('u');
      }
    } else {
      throw new IllegalArgumentException("cannot pickle a " + v.getClass().getName());
    }
  }

  private void list(List<?> list) {
    raw(']');
    if (!list.isEmpty()) {
      raw('(');
      for (Object item : list) {
        value(item);
      }
      raw('e');
    }
  }

  private void global(String module, String name) {
    raw('c');
    ascii(module);
    raw('\n');
    ascii(name);
    raw('\n');
  }

  private void string(String s) {
    byte[] b = utf8(s);
    raw('X');
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array(), 0, 4);
    out.write(b, 0, b.length);
  }

  private void float64(double d) {
    raw('G');
    out.write(ByteBuffer.allocate(8).putDouble(d).array(), 0, 8);
  }

  private void int32(int i) {
    raw('J');
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array(), 0, 4);
  }

  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      out.write(s.charAt(i));
    }
  }

  private void raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
  }

  /**
   * UTF-8. A lone surrogate is refused: Python would pickle it with {@code surrogatepass}, which
   * {@link RestrictedUnpickler} (strict UTF-8) would not read back.
   */
  private static byte[] utf8(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
        if (!paired) {
          throw new StateValidationException(
              "strings",
              "a string holds the lone surrogate U+"
                  + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                  + " at index "
                  + i
                  + ", which the Python layouts' pickles cannot carry: '"
                  + s
                  + "'");
        }
        i++;
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
