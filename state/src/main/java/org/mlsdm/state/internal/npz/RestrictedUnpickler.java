package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;

/**
 * Reads the pickles inside NumPy object arrays written by the Python system, by an allow-list: a
 * stack machine over the opcodes below that builds only plain values, and never executes,
 * instantiates or looks up anything the file names. Everything else is a {@link StateLoadException}
 * whose message contains {@code pickle}.
 *
 * <pre>
 * opcode (byte)                         accepted as
 * PROTO \x80 n                           n = 2..5
 * FRAME \x95 + 8 bytes                   ignored (framing only)
 * STOP .                                 the stack holds exactly one value; no bytes follow
 * MARK ( POP 0 POP_MARK 1 DUP 2          stack operations
 * NONE N  NEWTRUE \x88  NEWFALSE \x89    None, True, False
 * BININT J  BININT1 K  BININT2 M         int (Long)
 * LONG1 \x8a  LONG4 \x8b                 int, at most 64 bytes (Long, else BigInteger)
 * BINFLOAT G                             float, 8 bytes big-endian (Double)
 * SHORT_BINUNICODE \x8c  BINUNICODE X    str, strict UTF-8, length checked against the entry
 * BINUNICODE8 \x8d
 * SHORT_BINBYTES C  BINBYTES B           bytes (only as _reconstruct's argument)
 * BINBYTES8 \x8e
 * EMPTY_LIST ]  APPEND a  APPENDS e      list
 * LIST l
 * EMPTY_DICT }  SETITEM s  SETITEMS u    dict with str keys
 * DICT d
 * EMPTY_TUPLE )  TUPLE t                 tuple, only as an argument or BUILD state
 * TUPLE1 \x85  TUPLE2 \x86  TUPLE3 \x87
 * BINPUT q  LONG_BINPUT r  MEMOIZE \x94  the memo, each entry charged to the budget
 * BINGET h  LONG_BINGET j
 * GLOBAL c  STACK_GLOBAL \x93            only these names, resolved to markers:
 *     numpy.core.multiarray _reconstruct, numpy._core.multiarray _reconstruct
 *         REDUCE (numpy.ndarray, (0,), bytes)     → an object array, empty until BUILD
 *     numpy ndarray                               only as _reconstruct's first argument
 *     numpy dtype
 *         REDUCE ('O8' or 'O', bool, bool)        → the object dtype; BUILD with any tuple
 *     _codecs encode  (protocol 2's bytes)
 *         REDUCE (str, 'latin1')                  → bytes of that Latin-1 text
 * REDUCE R  BUILD b                      only as above; an object array's BUILD state is
 *                                        (version, shape, dtype, is_fortran, list) with
 *                                        len(list) = product(shape)
 * </pre>
 *
 * The stack and the mark stack hold at most 100,000 items; values nest at most {@link #MAX_DEPTH}
 * deep (checked without recursion depth beyond that, so hostile nesting cannot overflow the Java
 * stack).
 *
 * <p><b>Memory and time.</b> Every value the machine creates is charged to the load's {@link
 * LoadBudget} before it is allocated: numbers, strings (the bytes, the decoder's buffer and the
 * string), bytes, lists, dicts and tuples and every element added to them, every {@code
 * _codecs.encode} result, every copy of an object array's elements and every memo entry (NumPy
 * memoises each row of a list of arrays, so a large state's pickle has a memo entry per row, and a
 * fixed cap would refuse a legitimate Python file of more than that many rows). The stack and the
 * marks are not: at most 100,000 entries each, they take a few MiB whatever the input. Memo gets
 * and {@code DUP} only push a reference; what a shared reference costs is charged where it is
 * expanded, by {@link #stateValue}, which charges each copy it makes. So a memoised string
 * re-encoded a thousand times, a row referenced from 100,000 places or a DAG of lists sharing their
 * children (2^40 paths in a kilobyte) fail with the budget's message once what they would produce
 * exceeds it, and the work done before is linear in what was charged.
 */
final class RestrictedUnpickler {
  static final int MAX_STACK = 100_000;
  static final int MAX_DEPTH = 64;
  private static final int MAX_LONG_BYTES = 64;
  private static final int MAX_GLOBAL_NAME = 256;

  /** A NumPy object array: its shape and its elements in C order. */
  static final class ObjectArray {
    private long[] shape;
    private List<Object> elements;

    long[] shape() {
      return shape;
    }

    List<Object> elements() {
      return elements;
    }
  }

  /** The allow-listed globals, as inert markers. */
  private enum Global {
    RECONSTRUCT,
    NDARRAY,
    DTYPE,
    ENCODE
  }

  /** A tuple; only ever an argument or a BUILD state. */
  private record Tuple(List<Object> items) {}

  /** NumPy's object dtype. */
  private static final class ObjectDtype {}

  private static final Object MARK = new Object();

  /** The charge per memo entry: a hash map's node, its boxed key and its share of the table. */
  private static final int MEMO_ENTRY = 64;

  /** The charge per dict entry: a linked hash map's entry and its share of the table. */
  private static final int MAP_ENTRY = 56;

  /** The charge for a new list: an {@code ArrayList} with room for 10 compressed references. */
  private static final int LIST = LoadBudget.OBJECT + (int) LoadBudget.array(5, 8);

  /** The charge for a new dict: a {@code LinkedHashMap} with its first table of 16 buckets. */
  private static final int DICT = 2 * LoadBudget.OBJECT + (int) LoadBudget.array(16, 8);

  private final InputStream in;
  private final String where;
  private final LoadBudget budget;
  private long left;
  private long offset;
  private final List<Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private RestrictedUnpickler(InputStream in, long length, String where, LoadBudget budget) {
    this.in = in;
    this.left = length;
    this.where = where;
    this.budget = budget;
  }

  /**
   * Unpickles exactly {@code length} bytes.
   *
   * @param budget the load's budget, charged with every value before it is allocated
   * @return the pickled value: an {@link ObjectArray}, a {@link Map}, a {@link List}, a String, a
   *     number, a Boolean or null
   * @throws StateLoadException with {@code pickle} in the message for anything not accepted, or
   *     naming the budget when the values would exceed it
   * @throws IOException if reading fails
   */
  static Object unpickle(InputStream in, long length, String where, LoadBudget budget)
      throws IOException {
    return new RestrictedUnpickler(in, length, where, budget).run();
  }

  private Object run() throws IOException {
    while (true) {
      long at = offset;
      int op = u8();
      switch (op) {
        case 0x80 -> {
          int protocol = u8();
          if (protocol < 2 || protocol > 5) {
            throw fail(at, "protocol " + protocol + " is not supported (2 to 5 are)");
          }
        }
        case 0x95 -> bytes(8);
        case '.' -> {
          if (stack.size() != 1 || !marks.isEmpty() || stack.get(0) == MARK) {
            throw fail(at, "STOP with " + stack.size() + " stack items");
          }
          if (left != 0) {
            throw fail(at, left + " bytes follow STOP");
          }
          return stack.get(0);
        }
        case '(' -> {
          if (marks.size() >= MAX_STACK) {
            throw fail(at, "more than " + MAX_STACK + " marks");
          }
          marks.add(stack.size());
          push(MARK, at);
        }
        case '0' -> pop(at);
        case '1' -> popMark(at);
        case '2' -> push(peek(at), at);
        case 'N' -> push(null, at);
        case 0x88 -> push(true, at);
        case 0x89 -> push(false, at);
        case 'J' -> push(number((long) buffer(4).getInt(), at), at);
        case 'K' -> push(number((long) u8(), at), at);
        case 'M' -> push(number((long) (buffer(2).getShort() & 0xFFFF), at), at);
        case 0x8a -> push(number(longValue(u8(), at), at), at);
        case 0x8b -> push(number(longValue(length(4, at), at), at), at);
        case 'G' -> push(number(ByteBuffer.wrap(bytes(8)).getDouble(), at), at);
        case 0x8c -> push(text(u8(), at), at);
        case 'X' -> push(text(length(4, at), at), at);
        case 0x8d -> push(text(length(8, at), at), at);
        case 'C' -> push(blob(u8(), at), at);
        case 'B' -> push(blob(length(4, at), at), at);
        case 0x8e -> push(blob(length(8, at), at), at);
        case ']' -> {
          charge(LIST, at, "a list");
          push(new ArrayList<>(), at);
        }
        case '}' -> {
          charge(DICT, at, "a dict");
          push(new LinkedHashMap<String, Object>(), at);
        }
        case ')' -> {
          charge(LoadBudget.OBJECT, at, "a tuple");
          push(new Tuple(List.of()), at);
        }
        case 'l' -> push(new ArrayList<>(popMarkKept(at, "a list")), at);
        case 't' -> push(new Tuple(popMarkKept(at, "a tuple")), at);
        case 0x85, 0x86, 0x87 -> {
          int n = op - 0x84;
          charge(LoadBudget.OBJECT + LoadBudget.array(n, LoadBudget.REFERENCE), at, "a tuple");
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(0, pop(at));
          }
          push(new Tuple(items), at);
        }
        case 'd' -> {
          charge(DICT, at, "a dict");
          Map<String, Object> dict = new LinkedHashMap<>();
          setItems(dict, popMark(at), at);
          push(dict, at);
        }
        case 'a' -> {
          Object value = pop(at);
          List<Object> list = list(peek(at), at);
          charge(LoadBudget.REFERENCE, at, "a list item");
          list.add(value);
        }
        case 'e' -> {
          List<Object> items = popMark(at);
          List<Object> list = list(peek(at), at);
          charge((long) LoadBudget.REFERENCE * items.size(), at, "list items");
          list.addAll(items);
        }
        case 's' -> {
          Object value = pop(at);
          Object key = pop(at);
          // Arrays.asList, not List.of: None (null) is a valid key or value here.
          setItems(dict(peek(at), at), Arrays.asList(key, value), at);
        }
        case 'u' -> {
          List<Object> items = popMark(at);
          setItems(dict(peek(at), at), items, at);
        }
        case 'q' -> put(u8(), at);
        case 'r' -> put(buffer(4).getInt() & 0xFFFF_FFFFL, at);
        case 0x94 -> put(memo.size(), at);
        case 'h' -> push(get(u8(), at), at);
        case 'j' -> push(get(buffer(4).getInt() & 0xFFFF_FFFFL, at), at);
        case 'c' -> push(global(line(at), line(at), at), at);
        case 0x93 -> {
          Object name = pop(at);
          Object module = pop(at);
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail(at, "STACK_GLOBAL needs two strings");
          }
          push(global(m, n, at), at);
        }
        case 'R' -> {
          Object args = pop(at);
          Object callable = pop(at);
          push(reduce(callable, args, at), at);
        }
        case 'b' -> {
          Object state = pop(at);
          build(peek(at), state, at);
        }
        default -> throw fail(at, "opcode 0x" + Integer.toHexString(op) + " is not allowed");
      }
    }
  }

  private Object global(String module, String name, long at) {
    String full = module + "." + name;
    switch (full) {
      case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct" -> {
        return Global.RECONSTRUCT;
      }
      case "numpy.ndarray" -> {
        return Global.NDARRAY;
      }
      case "numpy.dtype" -> {
        return Global.DTYPE;
      }
      case "_codecs.encode" -> {
        return Global.ENCODE;
      }
      default -> throw fail(at, "global '" + printable(full) + "' is not allowed");
    }
  }

  private Object reduce(Object callable, Object args, long at) {
    if (!(callable instanceof Global g) || !(args instanceof Tuple t)) {
      throw fail(at, "REDUCE of something other than an allowed global");
    }
    List<Object> a = t.items();
    switch (g) {
      case RECONSTRUCT -> {
        if (a.size() != 3
            || a.get(0) != Global.NDARRAY
            || !(a.get(1) instanceof Tuple)
            || !(a.get(2) instanceof byte[])) {
          throw fail(at, "_reconstruct needs (numpy.ndarray, shape, bytes)");
        }
        charge(LoadBudget.OBJECT, at, "an object array");
        return new ObjectArray();
      }
      case DTYPE -> {
        if (a.size() != 3 || !(a.get(0) instanceof String d)) {
          throw fail(at, "dtype needs (str, bool, bool)");
        }
        if (!d.equals("O8") && !d.equals("O")) {
          throw fail(at, "only object arrays are supported, got dtype '" + printable(d) + "'");
        }
        charge(LoadBudget.OBJECT, at, "a dtype");
        return new ObjectDtype();
      }
      case ENCODE -> {
        if (a.size() != 2
            || !(a.get(0) instanceof String s)
            || !("latin1".equals(a.get(1)) || "latin-1".equals(a.get(1)))) {
          throw fail(at, "_codecs.encode needs (str, 'latin1')");
        }
        charge(LoadBudget.array(s.length(), 1), at, "the result of _codecs.encode");
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
          char c = s.charAt(i);
          if (c > 0xFF) {
            throw fail(at, "_codecs.encode of a non-Latin-1 string");
          }
          b[i] = (byte) c;
        }
        return b;
      }
      default -> throw fail(at, "global numpy.ndarray cannot be called");
    }
  }

  private void build(Object target, Object state, long at) {
    if (target instanceof ObjectDtype && state instanceof Tuple) {
      return;
    }
    if (target instanceof ObjectArray array && array.shape == null && state instanceof Tuple t) {
      List<Object> s = t.items();
      int base = s.size() - 4;
      if ((base != 0 && base != 1)
          || !(s.get(base) instanceof Tuple shape)
          || !(s.get(base + 1) instanceof ObjectDtype)
          || !(s.get(base + 2) instanceof Boolean)
          || !(s.get(base + 3) instanceof List<?> elements)) {
        throw fail(at, "object array state must be (version, shape, dtype, is_fortran, list)");
      }
      long[] dims = new long[shape.items().size()];
      long count = 1;
      for (int i = 0; i < dims.length; i++) {
        if (!(shape.items().get(i) instanceof Long d) || d < 0) {
          throw fail(at, "object array shape must hold non-negative ints");
        }
        dims[i] = d;
        count = d == 0 ? 0 : count > Long.MAX_VALUE / d ? -1 : count * d;
        if (count < 0) {
          throw fail(at, "object array shape overflows");
        }
      }
      if (count != elements.size()) {
        throw fail(
            at,
            "object array of shape "
                + NpyHeader.shapeText(dims)
                + " holds "
                + elements.size()
                + " elements");
      }
      charge(
          LoadBudget.OBJECT + LoadBudget.array(elements.size(), LoadBudget.REFERENCE),
          at,
          "an object array's elements");
      array.shape = dims;
      array.elements = new ArrayList<>(elements);
      return;
    }
    throw fail(at, "BUILD is only allowed for NumPy object arrays and dtypes");
  }

  private void setItems(Map<String, Object> dict, List<Object> items, long at) {
    if (items.size() % 2 != 0) {
      throw fail(at, "odd number of items for a dict");
    }
    charge((long) MAP_ENTRY * (items.size() / 2), at, "dict items");
    for (int i = 0; i < items.size(); i += 2) {
      if (!(items.get(i) instanceof String key)) {
        throw fail(at, "dict keys must be strings");
      }
      dict.put(key, items.get(i + 1));
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object target, long at) {
    if (target instanceof ArrayList<?> l) {
      return (List<Object>) l;
    }
    throw fail(at, "APPEND to something other than a list");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> dict(Object target, long at) {
    if (target instanceof LinkedHashMap<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw fail(at, "SETITEM on something other than a dict");
  }

  private void push(Object value, long at) {
    if (stack.size() >= MAX_STACK) {
      throw fail(at, "stack deeper than " + MAX_STACK);
    }
    stack.add(value);
  }

  private Object pop(long at) {
    Object v = peek(at);
    stack.remove(stack.size() - 1);
    return v;
  }

  private Object peek(long at) {
    int n = stack.size();
    if (n == 0 || stack.get(n - 1) == MARK) {
      throw fail(at, "stack underflow");
    }
    return stack.get(n - 1);
  }

  private List<Object> popMark(long at) {
    if (marks.isEmpty()) {
      throw fail(at, "no MARK");
    }
    int m = marks.remove(marks.size() - 1);
    List<Object> sub = stack.subList(m + 1, stack.size());
    List<Object> items = new ArrayList<>(sub);
    sub.clear();
    stack.remove(m);
    return items;
  }

  /** {@link #popMark}, charged as a container that keeps the items. */
  private List<Object> popMarkKept(long at, String what) {
    List<Object> items = popMark(at);
    charge(LoadBudget.OBJECT + LoadBudget.array(items.size(), LoadBudget.REFERENCE), at, what);
    return items;
  }

  private void put(long index, long at) {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw fail(at, "memo put with an empty stack");
    }
    if (!memo.containsKey(index)) {
      charge(MEMO_ENTRY, at, "a memo entry");
    }
    memo.put(index, stack.get(stack.size() - 1));
  }

  private Object get(long index, long at) {
    if (!memo.containsKey(index)) {
      throw fail(at, "memo entry " + index + " is missing");
    }
    return memo.get(index);
  }

  private Object longValue(long n, long at) throws IOException {
    if (n > MAX_LONG_BYTES) {
      throw fail(at, "int of " + n + " bytes is too long");
    }
    charge(3 * LoadBudget.array(n, 1), at, "an int");
    byte[] le = bytes(n);
    if (n == 0) {
      return 0L;
    }
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private String text(long n, long at) throws IOException {
    // The bytes, the decoder's UTF-16 buffer and the string (at most UTF-16 too).
    charge(
        LoadBudget.array(n, 1) + LoadBudget.OBJECT + 2 * LoadBudget.array(n, Character.BYTES),
        at,
        "a string");
    byte[] b = bytes(n);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(at, "string is not valid UTF-8");
    }
  }

  private byte[] blob(long n, long at) throws IOException {
    charge(LoadBudget.array(n, 1), at, "bytes");
    return bytes(n);
  }

  private String line(long at) throws IOException {
    StringBuilder s = new StringBuilder();
    while (true) {
      int c = u8();
      if (c == '\n') {
        return s.toString();
      }
      if (s.length() >= MAX_GLOBAL_NAME) {
        throw fail(at, "GLOBAL name longer than " + MAX_GLOBAL_NAME);
      }
      s.append((char) c);
    }
  }

  private long length(int size, long at) throws IOException {
    ByteBuffer b = buffer(size);
    long n = size == 4 ? b.getInt() & 0xFFFF_FFFFL : b.getLong();
    if (n < 0 || n > left) {
      throw fail(at, "length " + n + " exceeds the " + left + " bytes left");
    }
    return n;
  }

  private int u8() throws IOException {
    if (left <= 0) {
      throw fail(offset, "data ends before STOP");
    }
    int c = in.read();
    if (c < 0) {
      throw fail(offset, "data ends before STOP");
    }
    left--;
    offset++;
    return c;
  }

  private ByteBuffer buffer(int n) throws IOException {
    return ByteBuffer.wrap(bytes(n)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private byte[] bytes(long n) throws IOException {
    if (n > left || n > Integer.MAX_VALUE - 8) {
      throw fail(offset, "needs " + n + " bytes, " + left + " left");
    }
    byte[] b = NpyReader.readFully(in, (int) n, where);
    left -= n;
    offset += n;
    return b;
  }

  private Object number(Object boxed, long at) {
    charge(LoadBudget.OBJECT, at, "a number");
    return boxed;
  }

  private void charge(long bytes, long at, String what) {
    if (!budget.tryCharge(bytes)) {
      budget.charge(bytes, where + ": pickle at offset " + at + ": " + what);
    }
  }

  private StateLoadException fail(long at, String what) {
    return new StateLoadException(where + ": pickle refused at offset " + at + ": " + what);
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * Turns an unpickled value into a state-map value: dicts into maps, lists of numbers into {@code
   * double[]}, lists of such lists into {@code double[][]}, ints as Long, strings, floats, bools
   * and None as they are. Every map, list and array it makes is charged to {@code budget} first, as
   * often as it is made: a list the pickle shares between several places is copied, and charged,
   * once for each.
   *
   * @param what the value's place, for messages
   * @param budget the load's budget
   * @throws StateLoadException with {@code pickle} in the message for other values or nesting
   *     deeper than {@link #MAX_DEPTH}, or naming the budget when the copies would exceed it
   */
  static Object stateValue(Object value, String what, LoadBudget budget) {
    return stateValue(value, what, 0, budget);
  }

  private static Object stateValue(Object value, String what, int depth, LoadBudget budget) {
    if (depth > MAX_DEPTH) {
      throw new StateLoadException(what + ": pickle nests deeper than " + MAX_DEPTH);
    }
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof Double
        || value instanceof BigInteger) {
      return value;
    }
    if (value instanceof LinkedHashMap<?, ?> m) {
      charge(budget, DICT + (long) MAP_ENTRY * m.size(), what, "a dict of %d items", m.size());
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put((String) e.getKey(), stateValue(e.getValue(), what, depth + 1, budget));
      }
      return out;
    }
    if (value instanceof ArrayList<?> list) {
      if (!list.isEmpty() && isNumbers(list)) {
        return numbers(list, what, budget);
      }
      double[][] rows = list.isEmpty() ? null : rows(list, what, budget);
      if (rows != null) {
        return rows;
      }
      charge(
          budget,
          LoadBudget.OBJECT + LoadBudget.array(list.size(), LoadBudget.REFERENCE),
          what,
          "a list of %d items",
          list.size());
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(stateValue(item, what, depth + 1, budget));
      }
      return out;
    }
    throw new StateLoadException(
        what + ": pickle holds a value of unsupported type " + value.getClass().getSimpleName());
  }

  /**
   * The rows, or null if some item is not a list of numbers. Each row is checked and then charged
   * before the next is looked at, so the checks never cost more than the rows charged so far plus
   * one row: a row shared by many places cannot be scanned again and again for free.
   */
  private static double[][] rows(List<?> list, String what, LoadBudget budget) {
    if (!(list.get(0) instanceof ArrayList<?>)) {
      return null;
    }
    charge(
        budget,
        LoadBudget.array(list.size(), LoadBudget.REFERENCE),
        what,
        "a matrix of %d rows",
        list.size());
    double[][] rows = new double[list.size()][];
    for (int i = 0; i < rows.length; i++) {
      if (!(list.get(i) instanceof ArrayList<?> row) || !isNumbers(row)) {
        return null;
      }
      rows[i] = numbers(row, what, budget);
    }
    return rows;
  }

  private static boolean isNumbers(List<?> list) {
    for (Object v : list) {
      if (!(v instanceof Long || v instanceof Double || v instanceof BigInteger)) {
        return false;
      }
    }
    return true;
  }

  private static double[] numbers(List<?> list, String what, LoadBudget budget) {
    charge(
        budget,
        LoadBudget.array(list.size(), Double.BYTES),
        what,
        "a list of %d numbers",
        list.size());
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).doubleValue();
    }
    return out;
  }

  /** Charges {@code budget}, building the message only when the charge fails. */
  private static void charge(LoadBudget budget, long bytes, String what, String format, int n) {
    if (!budget.tryCharge(bytes)) {
      budget.charge(bytes, what + ": " + String.format(format, n));
    }
  }
}
