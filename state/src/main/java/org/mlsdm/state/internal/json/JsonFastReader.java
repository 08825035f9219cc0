package org.mlsdm.state.internal.json;

import com.fasterxml.jackson.core.io.NumberInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.state.internal.io.BlockHasher;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.schema.DecodedState;
import org.mlsdm.state.internal.schema.Schema;
import org.mlsdm.state.internal.schema.Schema.Field;
import org.mlsdm.state.internal.schema.Schema.Group;
import org.mlsdm.state.internal.store.StateCodec;

/**
 * The load path for the JSON files this library writes: one pass over the file that hashes each
 * block as it is read and turns the numbers straight into {@code double}s, with no token objects,
 * no strings per number and no second read for the checksum. It allocates the record's own arrays
 * (each QILM row sized like the one before it, so rows of one length are never copied) and little
 * else.
 *
 * <p>It accepts a strict subset of what {@link JsonStateCodec#read} accepts and, on the first byte
 * outside it, gives up and returns null; the store then runs the full reader, which gives the exact
 * result or error message. Whatever it returns is therefore exactly what the full reader returns
 * for the same bytes (the same typed values, {@code Integer} or {@code Long} for integers, doubles
 * parsed by the same Jackson routine). The subset:
 *
 * <pre>
 * bytes        UTF-8 without BOM; whitespace is space, tab, CR, LF
 * root         an object that starts with "version": 1 (the current schema version, as an
 *              integer), then id, created_at, updated_at, memory_state, qilm (any order, each
 *              at most once, none required), then only whitespace to the end of the file
 * keys         printable ASCII without escapes, exactly the ones named here
 * id           null or a string; strings are printable ASCII without escapes, at most
 *              {@value JsonStateCodec#MAX_STRING_LENGTH} bytes
 * memory_state dimension, lambda_l1 … gating23 (numbers), state_l1 … state_l3 or their aliases
 *              state_L1 … state_L3 (arrays of numbers), each level at most once
 * qilm         memory (an array of arrays of numbers), phases (an array of numbers)
 * numbers      JSON grammar, fewer than {@value #MAX_NUMBER_CHARS} characters; integers of at
 *              most 18 digits
 * arrays       at most as many elements as the full reader's file-size cap allows
 * </pre>
 *
 * Other versions, legacy files, unknown keys, escapes, non-ASCII ids and every malformed file take
 * the full reader. Key names come from {@link Schema}. Why there are two readers, with the
 * measurement, is in {@link JsonStateCodec}'s Javadoc; the number grammar is written once, in
 * {@link #grammar}.
 */
final class JsonFastReader {
  /** The read block: hashed and scanned while it is in cache. Chosen by measurement. */
  static final int BUFFER_SIZE = 1 << 16;

  /** Longer numbers (other writers' padding) go to the full reader, which applies its limit. */
  static final int MAX_NUMBER_CHARS = 64;

  /** Thrown at the first byte outside the subset; never escapes {@link #read}. */
  private static final class Decline extends Exception {
    private static final long serialVersionUID = 1L;

    // One shared instance is the point: declining happens on the load path's hot loop, and this
    // exception is caught inside read() every time, so its stack trace is never looked at.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final Decline INSTANCE = new Decline();

    private Decline() {
      super(null, null, false, false);
    }
  }

  /** Blocks read ahead of the hashing thread; parsing a block takes longer than hashing it. */
  private static final int RING = 4;

  private final SeekableByteChannel in;
  private final BlockHasher hasher;
  private final int cap;
  private final LoadBudget budget;
  private final char[] number = new char[MAX_NUMBER_CHARS];

  /** A copy of a number token that may cross a block boundary, and a byte after it. */
  private final byte[] spill = new byte[MAX_NUMBER_CHARS + 1];

  /** The length in {@link #number} of the token {@link #grammar} last read. */
  private int length;

  private byte[] buf;
  private int pos;
  private int lim;

  private JsonFastReader(SeekableByteChannel in, BlockHasher hasher, int cap) throws IOException {
    this.in = in;
    this.hasher = hasher;
    this.cap = cap;
    this.budget = LoadBudget.forFileSize(in.size());
    this.buf = hasher == null ? new byte[BUFFER_SIZE] : hasher.next();
  }

  /**
   * Reads a state map from the channel's current position (0), hashing every byte read when {@code
   * hash}; the blocks are hashed on another thread while the next ones are parsed.
   *
   * @param cap the full reader's element cap for this file
   * @return the state map and, when asked for, the file's SHA-256, the file having been read to its
   *     end; or null when the file is outside the subset, the channel's position then being
   *     undefined
   * @throws IOException if reading fails
   */
  static StateCodec.Hashed read(SeekableByteChannel in, boolean hash, int cap) throws IOException {
    BlockHasher hasher = hash ? new BlockHasher(BUFFER_SIZE, RING) : null;
    DecodedState state;
    try {
      state = new JsonFastReader(in, hasher, cap).document();
    } catch (Decline | NumberFormatException d) {
      return null;
    }
    return new StateCodec.Hashed(
        Decoded.typed(state), hasher == null ? null : hasher.digest().join());
  }

  /** A current-version document: {@code version} first and equal to it, as this library writes. */
  private DecodedState document() throws IOException, Decline {
    expect('{');
    if (emptyObject() || !Field.VERSION.key().equals(key())) {
      throw Decline.INSTANCE;
    }
    Number version = scalar();
    if (!(version instanceof Integer v) || v != Schema.CURRENT_VERSION) {
      throw Decline.INSTANCE;
    }
    DecodedState d = new DecodedState();
    d.putNumber(Field.VERSION, version);
    while (more('}')) {
      String key = key();
      Field f = Field.of(Group.ROOT, key);
      if (f == null) {
        Group g = Group.of(key);
        if (g == null || d.has(g == Group.QILM ? Field.MEMORY : Field.DIMENSION)) {
          throw Decline.INSTANCE;
        }
        group(d, g);
      } else {
        value(d, f);
      }
    }
    if (skipSpace() != -1) {
      throw Decline.INSTANCE;
    }
    return d;
  }

  /**
   * The members of {@code memory_state} or {@code qilm}, each known and present once; a group that
   * lacks its first field (by which a repeated group is recognized) is left to the full reader.
   */
  private void group(DecodedState d, Group g) throws IOException, Decline {
    expect('{');
    if (emptyObject()) {
      throw Decline.INSTANCE;
    }
    do {
      Field f = Field.of(g, key());
      if (f == null) {
        throw Decline.INSTANCE;
      }
      value(d, f);
    } while (more('}'));
    if (!d.has(g == Group.QILM ? Field.MEMORY : Field.DIMENSION)) {
      throw Decline.INSTANCE;
    }
  }

  private void value(DecodedState d, Field f) throws IOException, Decline {
    if (d.has(f)) {
      throw Decline.INSTANCE;
    }
    switch (f.kind()) {
      case INT, DOUBLE -> d.putNumber(f, scalar());
      case STRING -> d.putString(f, nullOrString());
      case TIMESTAMP -> d.putString(f, string());
      case VECTOR, PHASES -> d.putVector(f, vector(0));
      case MATRIX -> d.putMatrix(f, matrix());
    }
  }

  /** After an object's '{': consumes a '}' and returns true, or returns false before a member. */
  private boolean emptyObject() throws IOException, Decline {
    if (skipSpace() == '}') {
      pos++;
      return true;
    }
    return false;
  }

  /**
   * After a member's value or an array element: true after a ',', false after {@code close} (the
   * object's '}' or the array's ']').
   */
  private boolean more(char close) throws IOException, Decline {
    int c = skipSpace();
    if (c == ',') {
      pos++;
      return true;
    }
    if (c == close) {
      pos++;
      return false;
    }
    throw Decline.INSTANCE;
  }

  private String key() throws IOException, Decline {
    String key = ascii(JsonStateCodec.MAX_NAME_LENGTH);
    expect(':');
    return key;
  }

  private String nullOrString() throws IOException, Decline {
    if (skipSpace() != 'n') {
      return string();
    }
    for (int i = 0; i < 4; i++) {
      if (next() != "null".charAt(i)) {
        throw Decline.INSTANCE;
      }
    }
    return null;
  }

  private String string() throws IOException, Decline {
    return ascii(JsonStateCodec.MAX_STRING_LENGTH);
  }

  /** A quoted string of printable ASCII without escapes. */
  private String ascii(int maxLength) throws IOException, Decline {
    expect('"');
    byte[] out = new byte[32];
    int n = 0;
    for (int c = next(); c != '"'; c = next()) {
      if (c < 0x20 || c > 0x7e || c == '\\' || n == maxLength) {
        throw Decline.INSTANCE;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, Math.min(maxLength, 2 * n));
      }
      out[n++] = (byte) c;
    }
    return new String(out, 0, n, StandardCharsets.US_ASCII);
  }

  private double[][] matrix() throws IOException, Decline {
    expect('[');
    double[][] rows = new double[allocate(Math.min(16, cap), LoadBudget.REFERENCE)][];
    int n = 0;
    if (skipSpace() == ']') {
      pos++;
      return new double[allocate(0, LoadBudget.REFERENCE)][];
    }
    int width = 0;
    do {
      if (n == rows.length) {
        rows = Arrays.copyOf(rows, allocate(grow(n), LoadBudget.REFERENCE));
      }
      double[] row = vector(width);
      rows[n++] = row;
      width = row.length;
    } while (more(']'));
    return n == rows.length ? rows : Arrays.copyOf(rows, allocate(n, LoadBudget.REFERENCE));
  }

  /** An array of numbers; {@code expected} is the likely length, 0 when unknown. */
  private double[] vector(int expected) throws IOException, Decline {
    expect('[');
    if (skipSpace() == ']') {
      pos++;
      return new double[allocate(0, 8)];
    }
    double[] values =
        new double[allocate(expected > 0 && expected <= cap ? expected : Math.min(16, cap), 8)];
    int n = 0;
    do {
      if (n == values.length) {
        values = Arrays.copyOf(values, allocate(grow(n), 8));
      }
      values[n++] = number();
    } while (more(']'));
    return n == values.length ? values : Arrays.copyOf(values, allocate(n, 8));
  }

  /**
   * Charges an array to the load budget, declining when it is spent (the full reader then reports
   * the limit); returns {@code length}.
   */
  private int allocate(int length, int elementBytes) throws Decline {
    if (!budget.tryCharge(LoadBudget.array(length, elementBytes))) {
      throw Decline.INSTANCE;
    }
    return length;
  }

  /** The full reader's growth rule, declining where the full reader reports too many values. */
  private int grow(int length) throws Decline {
    if (length >= cap) {
      throw Decline.INSTANCE;
    }
    return (int) Math.min(cap, Math.max(16L, 2L * length));
  }

  /** A number where a scalar is expected: Integer or Long for integers, Double otherwise. */
  private Number scalar() throws IOException, Decline {
    double d = number();
    for (int i = 0; i < length; i++) {
      char c = number[i];
      if (c == '.' || c == 'e') {
        return Double.valueOf(d);
      }
    }
    // An integer of at most 18 digits: the token's characters give its exact value.
    long v = Long.parseLong(new String(number, 0, length));
    if (v == (int) v) {
      return Integer.valueOf((int) v);
    }
    return Long.valueOf(v);
  }

  /**
   * Reads one number after any whitespace. A token that lies wholly in the buffer (all but a few
   * per block) is read there; one that may cross into the next block goes through {@link #spilled}.
   */
  private double number() throws IOException, Decline {
    skipSpace();
    if (lim - pos > MAX_NUMBER_CHARS) {
      return grammar();
    }
    return spilled();
  }

  /**
   * A number token that may cross a block boundary: copied, byte by byte through the refills, into
   * {@link #spill}, which {@link #grammar} then reads in place of the buffer.
   */
  private double spilled() throws IOException, Decline {
    int n = 0;
    for (int c = peek(); isNumberByte(c); c = peek()) {
      if (n == MAX_NUMBER_CHARS) {
        throw Decline.INSTANCE;
      }
      spill[n++] = (byte) c;
      pos++;
    }
    spill[n] = ' ';
    byte[] block = buf;
    int at = pos;
    buf = spill;
    pos = 0;
    double v;
    try {
      v = grammar();
      // Whatever follows a number in our subset (whitespace, ',', ']', '}') is not a number
      // byte, so a token the grammar ends early could never be followed by what the caller
      // expects.
      if (pos != n) {
        throw Decline.INSTANCE;
      }
    } finally {
      buf = block;
      pos = at;
    }
    return v;
  }

  /** The bytes a number token can hold; the token ends at the first other byte. */
  private static boolean isNumberByte(int c) {
    return isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  /**
   * The JSON number grammar, the one place it is written: reads the token at {@code buf[pos]},
   * moves {@code pos} past it and returns its value; the token's characters are left in {@link
   * #number}, its length in {@link #length}. Declines tokens of {@value #MAX_NUMBER_CHARS}
   * characters or more, integers of more than 18 digits and anything outside the grammar. Needs a
   * byte that cannot be part of a number within {@value #MAX_NUMBER_CHARS} bytes of {@code pos}, so
   * that it never checks a bound.
   */
  private double grammar() throws Decline {
    byte[] b = buf;
    char[] out = number;
    int p = pos;
    int n = 0;
    int c = b[p];
    boolean negative = c == '-';
    if (negative) {
      out[n++] = '-';
      c = b[++p];
    }
    long value = 0;
    while (c >= '0' && c <= '9' && n < MAX_NUMBER_CHARS) {
      out[n++] = (char) c;
      value = value * 10 + (c - '0');
      c = b[++p];
    }
    int first = negative ? 1 : 0;
    int digits = n - first;
    if (digits == 0 || (digits > 1 && out[first] == '0')) {
      throw Decline.INSTANCE;
    }
    boolean integral = true;
    if (c == '.' && n < MAX_NUMBER_CHARS) {
      integral = false;
      out[n++] = '.';
      c = b[++p];
      int start = n;
      while (c >= '0' && c <= '9' && n < MAX_NUMBER_CHARS) {
        out[n++] = (char) c;
        c = b[++p];
      }
      if (n == start) {
        throw Decline.INSTANCE;
      }
    }
    if ((c == 'e' || c == 'E') && n < MAX_NUMBER_CHARS - 1) {
      integral = false;
      out[n++] = 'e';
      c = b[++p];
      if (c == '+' || c == '-') {
        out[n++] = (char) c;
        c = b[++p];
      }
      int start = n;
      while (c >= '0' && c <= '9' && n < MAX_NUMBER_CHARS) {
        out[n++] = (char) c;
        c = b[++p];
      }
      if (n == start) {
        throw Decline.INSTANCE;
      }
    }
    if (n == MAX_NUMBER_CHARS) {
      throw Decline.INSTANCE;
    }
    pos = p;
    length = n;
    if (!integral) {
      return NumberInput.parseDouble(out, 0, n, true);
    }
    if (digits > 18) {
      throw Decline.INSTANCE;
    }
    return negative ? -value : value;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private void expect(char c) throws IOException, Decline {
    if (skipSpace() != c) {
      throw Decline.INSTANCE;
    }
    pos++;
  }

  /** Skips JSON whitespace; returns the next byte without consuming it, or -1 at the end. */
  private int skipSpace() throws IOException {
    for (; ; ) {
      if (pos == lim && !fill()) {
        return -1;
      }
      int c = buf[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c & 0xff;
      }
      pos++;
    }
  }

  private int peek() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    return buf[pos] & 0xff;
  }

  private int next() throws IOException {
    int c = peek();
    if (c >= 0) {
      pos++;
    }
    return c;
  }

  private boolean fill() throws IOException {
    if (hasher != null && lim > 0) {
      buf = hasher.next();
    }
    ByteBuffer block = ByteBuffer.wrap(buf);
    int n;
    do {
      n = in.read(block);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    if (hasher != null) {
      hasher.hash(n);
    }
    pos = 0;
    lim = n;
    return true;
  }
}
