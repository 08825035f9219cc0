package org.mlsdm.state.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.schema.DecodedState;
import org.mlsdm.state.internal.schema.Schema;
import org.mlsdm.state.internal.schema.Schema.Field;
import org.mlsdm.state.internal.schema.Schema.Group;
import org.mlsdm.state.internal.schema.Timestamps;
import org.mlsdm.state.internal.store.StateCodec;

/**
 * The JSON format, the interchange format with the Python system, read and written with Jackson's
 * streaming API (no object model, no boxed array elements, no whole-file buffer).
 *
 * <p><b>Written layout.</b> UTF-8; the top-level keys and the {@code memory_state} keys one per
 * line with two-space indentation, each vector on one line, each {@code qilm.memory} vector on a
 * line of its own; timestamps as {@link Timestamps#format} gives them; doubles in their shortest
 * round-trip form (Java notation, e.g. {@code 1.0E-300}, which every JSON reader accepts); the id's
 * characters as UTF-8, except that lone surrogates are written as JSON escapes so that every Java
 * string round-trips; a trailing newline.
 *
 * <pre>
 * {
 *   "version": 1,
 *   "id": "agent-1",
 *   "created_at": "2026-11-26T10:24:07.010760Z",
 *   "updated_at": "2026-11-26T10:24:07.012194Z",
 *   "memory_state": {
 *     "dimension": 3,
 *     "lambda_l1": 0.5,
 *     ...
 *     "gating23": 0.3,
 *     "state_l1": [0.0, 0.0, 0.0],
 *     "state_l2": [0.0, 1.0E-300, 0.0],
 *     "state_l3": [0.0, 0.0, 0.0]
 *   },
 *   "qilm": {
 *     "memory": [
 *       [0.1, 0.2, 0.3],
 *       [1.5, -2.0]
 *     ],
 *     "phases": [0.25, 0.75]
 *   }
 * }
 * </pre>
 *
 * <p><b>Labelled phases.</b> A QILM phase that is a label is written as a JSON string in {@code
 * phases}, beside the numbers ({@code "phases": [0.25, "wake", "sleep"]}), as the Python {@code
 * MemoryManager} writes them; a record whose phases are all numbers is written exactly as above.
 *
 * <p><b>Reading</b> returns a {@link Decoded}. A document whose root object starts with a {@code
 * version} equal to {@link Schema#CURRENT_VERSION} is decoded typed: each known key (names and
 * aliases {@code state_L1} … from {@link Schema}) is checked against its kind as it is read,
 * integers are accepted where doubles are expected, timestamps are kept as the strings the file
 * spells (parsed when the record is built), unknown keys are skipped at every level. Any other
 * document (the legacy layout of the Python {@code MemoryManager} without {@code version}, an older
 * or newer version, or a version that comes after other keys) is decoded into the raw form of
 * {@link Decoded} without any type check, so that a migration can repair it.
 *
 * <p><b>Reader limits.</b> Anything else is {@link StateLoadException.Reason#MALFORMED}, with the
 * source, the field path ({@code memory_state.state_l1[3]}, {@code qilm.memory[2]}) and the line,
 * column and byte offset: an empty file, a root that is not an object, content after the root
 * object, a wrong token type (a string for a number, an array inside a vector, a third level in
 * {@code qilm.memory}), a duplicate key (or a key and its alias), {@code NaN} or {@code Infinity}
 * tokens, invalid UTF-8 in a string, truncation, nesting deeper than {@value #MAX_DEPTH} (unknown
 * keys included), a number longer than {@value #MAX_NUMBER_LENGTH} characters, a string longer than
 * {@value #MAX_STRING_LENGTH} or a key longer than {@value #MAX_NAME_LENGTH}. Vectors and the rows
 * of {@code qilm.memory} are collected in growable buffers capped by the file size (a number or a
 * row takes at least two bytes), so neither a declared {@code dimension}, which the reader never
 * looks at, nor any content can make it allocate much more than the file holds. Every array,
 * string, boxed number and map entry a read keeps (growth buffers included) is charged to a {@link
 * LoadBudget} of 64 MiB + 32 × the file's size before it is allocated; a file that would need more
 * fails with the budget's message. Invalid UTF-8 (overlong forms such as {@code C0 AF}, encoded
 * surrogates, code points above U+10FFFF, stray bytes) is refused with its offset ({@link
 * StrictUtf8Input}). Numbers out of the double range read as infinities, which the records then
 * reject.
 *
 * <p><b>Two readers, and why.</b> Loads try {@link JsonFastReader} first, one pass that hashes
 * while it parses and declines anything outside the subset it implements; this Jackson-based reader
 * then gives the exact result or error (UTF-16/32, escapes, every location, the raw form for
 * migrations). Issue 9 asked for one reader or the measured reason for two. Measured in one JVM,
 * the two alternating run by run ({@code org.mlsdm.bench.JsonReaders}, BENCHMARKS.md "One JSON
 * reader or two", 31 pairs, load average 26 on 2 cores), this reader alone, hashing nothing, takes
 * 2.7× the one-pass reader's time with its hash on W-M (medians 1.814 s against 0.680 s; minimums
 * 1.017 s against 0.276 s, 3.7×) and 1.5× on W-S (0.166 s against 0.112 s; minimums 2.1×):
 * Jackson's streaming parser steps its token state machine and copies each number's characters into
 * its text buffer before converting them, which no use of its API on the typed path skips. The
 * one-pass reader, grown to this one's coverage (escapes, the other encodings, keys in any order,
 * the raw form, line and column of every error), would be a second full JSON parser without its
 * straight loop. So both stay, each where it is faster or needed, and error messages stay as
 * specific as they are: the one-pass reader never reports an error, it declines, and this reader
 * then names the field, the line, the column and the limit. {@code JsonFastReaderTest} and the fuzz
 * target check that the one-pass reader returns exactly this one's values or declines.
 *
 * <p>Neither method closes its stream or channel: the store owns them.
 */
public final class JsonStateCodec implements StateCodec {
  /** The codec of this library's layout, which is also the Python state store's. */
  public static final JsonStateCodec INSTANCE = new JsonStateCodec(false);

  /**
   * The codec that writes the Python {@code MemoryManager}'s layout: {@code "format_version": 1}
   * instead of the version, id and timestamps, and the level keys spelled {@code state_L1}…; it
   * reads as {@link #INSTANCE} does.
   */
  public static final JsonStateCodec MEMORY_MANAGER = new JsonStateCodec(true);

  /** Our documents nest four deep ({@code qilm.memory[i]}); the slack is for unknown keys. */
  static final int MAX_DEPTH = 16;

  /** A shortest round-trip double needs at most 24 characters; the rest is other writers' slack. */
  static final int MAX_NUMBER_LENGTH = 100;

  /** Bounds ids, timestamps and unknown string values. */
  static final int MAX_STRING_LENGTH = 64 * 1024;

  /** The charge for one member of a raw object: a hash-map entry and its key. */
  private static final int MAP_ENTRY = 2 * LoadBudget.OBJECT;

  /** Our keys have at most 12 characters; unknown ones may be longer, not without bound. */
  static final int MAX_NAME_LENGTH = 1024;

  private static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .maxNameLength(MAX_NAME_LENGTH)
                  .build())
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          // Characters outside the BMP as UTF-8, lone surrogates as escapes: both round-trip.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          // A write that fails half-way must not be completed into a plausible document.
          .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
          .build();

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private final boolean manager;

  private JsonStateCodec(boolean manager) {
    this.manager = manager;
  }

  /**
   * {@inheritDoc}
   *
   * @throws StateValidationException before writing anything, if the id is longer than the reader
   *     accepts ({@value #MAX_STRING_LENGTH} characters), since the file could not be loaded
   */
  @Override
  public void write(SystemStateRecord state, OutputStream out) throws IOException {
    checkLength("id", state.id());
    String[] labels = Records.access().labels(state.qilm());
    if (labels != null) {
      for (String label : labels) {
        checkLength("phases", label);
      }
    }
    JsonTextWriter w = new JsonTextWriter(out).ascii("{");
    Group group = Group.ROOT;
    String indent = "\n  \"";
    boolean first = true;
    if (manager) {
      w.ascii(indent).ascii("format_version\": 1");
      first = false;
    }
    for (Field f : Field.current()) {
      if (manager && f.group() == Group.ROOT) {
        continue;
      }
      if (f.group() != group) {
        if (group != Group.ROOT) {
          w.ascii("\n  }");
        }
        w.ascii(first ? "\n  \"" : ",\n  \"").ascii(f.group().key()).ascii("\": {");
        group = f.group();
        indent = "\n    \"";
        first = true;
      }
      String key = manager && f.alias() != null ? f.alias() : f.key();
      w.ascii(first ? indent : "," + indent).ascii(key).ascii("\": ");
      first = false;
      Object v = f.value(state);
      switch (f.kind()) {
        case INT -> w.integer(((Number) v).longValue());
        case DOUBLE -> w.number(((Number) v).doubleValue());
        case STRING -> w.bytes(quoted((String) v));
        case TIMESTAMP -> w.ascii("\"").ascii((String) v).ascii("\"");
        case VECTOR -> w.vector((double[]) v);
        case PHASES -> {
          if (labels == null) {
            w.vector((double[]) v);
          } else {
            phases(w, (double[]) v, labels);
          }
        }
        case MATRIX -> {
          double[][] rows = (double[][]) v;
          w.ascii("[").rows(rows).ascii(rows.length == 0 ? "]" : "\n    ]");
        }
      }
    }
    if (group != Group.ROOT) {
      w.ascii("\n  }");
    }
    w.ascii("\n}\n").flush();
  }

  /** Writes phases with labels on one line: numbers as numbers, labels as JSON strings. */
  private static void phases(JsonTextWriter w, double[] numbers, String[] labels)
      throws IOException {
    w.ascii("[");
    for (int i = 0; i < numbers.length; i++) {
      if (i > 0) {
        w.ascii(", ");
      }
      if (labels[i] == null) {
        w.number(numbers[i]);
      } else {
        w.bytes(quoted(labels[i]));
      }
    }
    w.ascii("]");
  }

  /** Refuses, before anything is written, strings longer than the reader accepts. */
  private static void checkLength(String field, String value) {
    if (value != null && value.length() > MAX_STRING_LENGTH) {
      throw new StateValidationException(
          field,
          field + " must be at most " + MAX_STRING_LENGTH + " characters, got " + value.length());
    }
  }

  /** The id as a JSON value: null, or the string escaped exactly as Jackson escapes it. */
  private static byte[] quoted(String id) throws IOException {
    if (id == null) {
      return NULL;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(id.length() + 2);
    try (JsonGenerator g = FACTORY.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeString(id);
    }
    return bytes.toByteArray();
  }

  @Override
  public Decoded read(SeekableByteChannel in, String source) throws IOException {
    return read(in, source, LoadBudget.forFileSize(in.size()));
  }

  /** {@link #read(SeekableByteChannel, String)} within a given budget (tests give smaller ones). */
  Decoded read(SeekableByteChannel in, String source, LoadBudget budget) throws IOException {
    int cap = cap(in);
    // Not a SequenceInputStream: that closes each stream it finishes, and the channel is the
    // store's.
    PushbackInputStream bytes = new PushbackInputStream(Channels.newInputStream(in), 4);
    byte[] head = bytes.readNBytes(4);
    bytes.unread(head);
    StrictUtf8Input utf8 = readAsUtf8(head) ? new StrictUtf8Input(bytes) : null;
    JsonParser parser;
    try {
      parser = FACTORY.createParser(utf8 != null ? utf8 : bytes);
    } catch (JsonProcessingException | CharConversionException e) {
      // The parser sniffs the encoding from the first four bytes before any token is read.
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED,
          source + ": not UTF-8, UTF-16 or UTF-32 JSON: " + e.getMessage() + " (offset 0)",
          e);
    }
    try (JsonParser p = parser) {
      return new Decoder(p, source, cap, utf8, budget).document();
    }
  }

  /**
   * Whether the parser will read these first bytes as UTF-8 (its other encodings, UTF-16 and
   * UTF-32, start with a byte-order mark or have a zero byte among the first four).
   */
  private static boolean readAsUtf8(byte[] head) {
    if (head.length >= 2
        && ((head[0] == (byte) 0xfe && head[1] == (byte) 0xff)
            || (head[0] == (byte) 0xff && head[1] == (byte) 0xfe))) {
      return false;
    }
    for (byte b : head) {
      if (b == 0) {
        return false;
      }
    }
    return true;
  }

  /** {@inheritDoc} Files outside {@link JsonFastReader}'s subset take {@link #read}. */
  @Override
  public Hashed readHashing(SeekableByteChannel in, boolean hash) throws IOException {
    return JsonFastReader.read(in, hash, cap(in));
  }

  /** The most values a vector or matrix can have in a file of this size. */
  private static int cap(SeekableByteChannel in) throws IOException {
    // Each number takes at least two bytes (a digit and a separator), each vector too.
    return (int) Math.min(Integer.MAX_VALUE - 16L, in.size() / 2 + 1);
  }

  /** One read: the parser, the source for messages and the element cap. */
  private static final class Decoder {
    private final JsonParser p;
    private final String source;
    private final int cap;
    private final StrictUtf8Input utf8;
    private final LoadBudget budget;
    private double[] doubleScratch = new double[0];
    private long[] longScratch = new long[0];

    Decoder(JsonParser p, String source, int cap, StrictUtf8Input utf8, LoadBudget budget) {
      this.p = p;
      this.source = source;
      this.cap = cap;
      this.utf8 = utf8;
      this.budget = budget;
    }

    Decoded document() throws IOException {
      try {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw malformed("the file is empty or holds only whitespace");
        }
        if (t != JsonToken.START_OBJECT) {
          throw malformed("expected a JSON object at the top level, got " + describe(t));
        }
        Decoded out;
        JsonToken first = p.nextToken();
        if (first == JsonToken.FIELD_NAME && Field.VERSION.key().equals(p.currentName())) {
          Number version = scalar(p.nextToken());
          if (version.doubleValue() == Schema.CURRENT_VERSION) {
            DecodedState d = new DecodedState();
            d.putNumber(Field.VERSION, version);
            typedGroup(d, Group.ROOT, p.nextToken());
            out = Decoded.typed(d);
          } else {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put(Field.VERSION.key(), rawNumber(version));
            out = Decoded.raw(rawObject(root, Group.ROOT, p.nextToken()));
          }
        } else {
          out = Decoded.raw(rawObject(new LinkedHashMap<>(), Group.ROOT, first));
        }
        JsonToken after = p.nextToken();
        if (after != null) {
          throw malformed("unexpected content after the root object: " + describe(after));
        }
        return out;
      } catch (JsonEOFException e) {
        throw malformed("truncated: unexpected end of file", e, location(e));
      } catch (JsonProcessingException | CharConversionException e) {
        // The parser meets a byte StrictUtf8Input marked; the message says what the file had.
        JsonLocation at = location(e);
        String problem = utf8 == null ? null : utf8.problem();
        boolean there = problem != null && at != null && at.getByteOffset() >= utf8.problemOffset();
        throw malformed(there ? problem : jacksonMessage(e), e, at);
      }
    }

    /**
     * The members of an object of the schema, from its first member's {@code FIELD_NAME} (or its
     * end) on, each value checked against its field's kind; unknown keys skipped.
     */
    private void typedGroup(DecodedState d, Group group, JsonToken t) throws IOException {
      for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        Field f = Field.of(group, key);
        if (f == null) {
          Group inner = group == Group.ROOT ? Group.of(key) : null;
          if (inner != null) {
            expectObject(v);
            typedGroup(d, inner, p.nextToken());
          } else {
            p.skipChildren();
          }
          continue;
        }
        if (d.has(f)) {
          // Exact duplicates are the parser's; this is a key and its alias.
          throw malformed(
              "both " + f.key() + " and " + f.alias() + " are present; expected one of them");
        }
        switch (f.kind()) {
          case INT, DOUBLE -> d.putNumber(f, scalar(v));
          case STRING -> d.putString(f, v == JsonToken.VALUE_NULL ? null : string(v));
          case TIMESTAMP -> d.putString(f, string(v));
          case VECTOR -> d.putVector(f, vector(v));
          case PHASES -> phases(d, f, v);
          case MATRIX -> d.putMatrix(f, matrix(v));
        }
      }
    }

    /**
     * The raw form of an object, from its first member's {@code FIELD_NAME} (or its end) on, into
     * {@code into}; the keys of the schema's objects spelled as the schema writes them.
     */
    private Map<String, Object> rawObject(Map<String, Object> into, Group group, JsonToken t)
        throws IOException {
      for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        Field f = group == null ? null : Field.of(group, key);
        if (f != null && !f.key().equals(key)) {
          if (into.containsKey(f.key())) {
            throw malformed(
                "both " + f.key() + " and " + f.alias() + " are present; expected one of them");
          }
          key = f.key();
        } else if (f != null && f.alias() != null && into.containsKey(f.key())) {
          throw malformed(
              "both " + f.key() + " and " + f.alias() + " are present; expected one of them");
        }
        Group inner = group == Group.ROOT ? Group.of(key) : null;
        charge(MAP_ENTRY);
        into.put(key, rawValue(v, inner));
      }
      return into;
    }

    /** A value in the raw form; {@code group} names the schema object it is, if any. */
    private Object rawValue(JsonToken t, Group group) throws IOException {
      if (t == null) {
        throw malformed("truncated: unexpected end of file");
      }
      return switch (t) {
        case START_OBJECT -> {
          charge(MAP_ENTRY);
          yield rawObject(new LinkedHashMap<>(), group, p.nextToken());
        }
        case START_ARRAY -> rawArray();
        case VALUE_STRING -> charged(p.getText());
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          charge(LoadBudget.OBJECT);
          yield rawNumber(scalar(t));
        }
        case VALUE_TRUE -> true;
        case VALUE_FALSE -> false;
        case VALUE_NULL -> null;
        default -> throw malformed("unexpected " + describe(t));
      };
    }

    /**
     * An array in the raw form: {@code long[]} while every element is an integer that fits, {@code
     * double[]} once one is not, a {@code List} from the first element that is not a number, and an
     * empty {@code List} when it is empty.
     */
    private Object rawArray() throws IOException {
      long[] longs = longScratch;
      double[] doubles = null;
      List<Object> list = null;
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (n == cap) {
          grow(n);
        }
        boolean number = e == JsonToken.VALUE_NUMBER_INT || e == JsonToken.VALUE_NUMBER_FLOAT;
        if (list == null && !number) {
          charge((long) n * (LoadBudget.OBJECT + LoadBudget.REFERENCE));
          list = new ArrayList<>(Math.max(16, n + 1));
          for (int i = 0; i < n; i++) {
            list.add(doubles != null ? (Object) doubles[i] : (Object) longs[i]);
          }
          longs = null;
          doubles = null;
        }
        if (list != null) {
          charge(LoadBudget.REFERENCE);
          list.add(rawValue(e, null));
          n++;
          continue;
        }
        if (doubles == null
            && (e == JsonToken.VALUE_NUMBER_FLOAT
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER)) {
          doubles =
              doubleScratch.length >= longs.length
                  ? doubleScratch
                  : new double[allocate(longs.length, 8)];
          for (int i = 0; i < n; i++) {
            doubles[i] = longs[i];
          }
          longs = null;
        }
        if (doubles != null) {
          if (n == doubles.length) {
            doubles = doubleScratch = Arrays.copyOf(doubles, allocate(grow(n), 8));
          }
          doubles[n++] = p.getDoubleValue();
        } else {
          if (n == longs.length) {
            longs = longScratch = Arrays.copyOf(longs, allocate(grow(n), 8));
          }
          longs[n++] = p.getLongValue();
        }
      }
      if (list != null) {
        return list;
      }
      if (n == 0) {
        // Empty is not known to be numeric: a list, which every array field accepts.
        charge(LoadBudget.OBJECT);
        return new ArrayList<>();
      }
      if (doubles != null) {
        return Arrays.copyOf(doubles, allocate(n, 8));
      }
      return Arrays.copyOf(longs, allocate(n, 8));
    }

    /** A number in the raw form: {@code Long} for an integer that fits, else {@code Double}. */
    private static Object rawNumber(Number n) {
      if (n instanceof Integer || n instanceof Long) {
        return n.longValue();
      }
      return n.doubleValue();
    }

    private Number scalar(JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        Number n = p.getNumberValue();
        return n instanceof Integer || n instanceof Long ? n : n.doubleValue();
      }
      if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        return p.getDoubleValue();
      }
      throw malformed("expected a number, got " + describe(t));
    }

    private String string(JsonToken t) throws IOException {
      if (t != JsonToken.VALUE_STRING) {
        throw malformed("expected a string, got " + describe(t));
      }
      return charged(p.getText());
    }

    private void expectObject(JsonToken t) throws IOException {
      if (t != JsonToken.START_OBJECT) {
        throw malformed("expected an object, got " + describe(t));
      }
    }

    private double[] vector(JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw malformed("expected an array of numbers, got " + describe(t));
      }
      // Values go to a scratch buffer kept for the whole read, so that each vector is allocated
      // once at its length: rows of one value cost one small array each, not a buffer too.
      double[] buf = doubleScratch;
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (e != JsonToken.VALUE_NUMBER_FLOAT && e != JsonToken.VALUE_NUMBER_INT) {
          throw malformed("expected a number, got " + describe(e));
        }
        if (n == buf.length) {
          buf = doubleScratch = Arrays.copyOf(buf, allocate(grow(n), 8));
        }
        buf[n++] = p.getDoubleValue();
      }
      return Arrays.copyOf(buf, allocate(n, 8));
    }

    /**
     * Phases: numbers, or numbers and strings (labels), which go to the record as labels with 0.0
     * in their place among the numbers.
     */
    private void phases(DecodedState d, Field f, JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw malformed("expected an array of numbers or strings, got " + describe(t));
      }
      double[] buf = doubleScratch;
      String[] labels = null;
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        boolean number = e == JsonToken.VALUE_NUMBER_FLOAT || e == JsonToken.VALUE_NUMBER_INT;
        if (!number && e != JsonToken.VALUE_STRING) {
          throw malformed("expected a number or a string, got " + describe(e));
        }
        if (n == buf.length) {
          buf = doubleScratch = Arrays.copyOf(buf, allocate(grow(n), 8));
        }
        if (!number && labels == null) {
          labels = new String[allocate(buf.length, LoadBudget.REFERENCE)];
        } else if (labels != null && labels.length < buf.length) {
          labels = Arrays.copyOf(labels, allocate(buf.length, LoadBudget.REFERENCE));
        }
        if (number) {
          buf[n++] = p.getDoubleValue();
        } else {
          buf[n] = 0.0;
          labels[n++] = charged(p.getText());
        }
      }
      double[] numbers = Arrays.copyOf(buf, allocate(n, 8));
      if (labels == null) {
        d.putVector(f, numbers);
      } else {
        d.putPhases(f, numbers, Arrays.copyOf(labels, n));
      }
    }

    private double[][] matrix(JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw malformed("expected an array of arrays, got " + describe(t));
      }
      double[][] rows = new double[allocate(Math.min(16, cap), LoadBudget.REFERENCE)][];
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (n == rows.length) {
          rows = Arrays.copyOf(rows, allocate(grow(n), LoadBudget.REFERENCE));
        }
        rows[n++] = vector(e);
      }
      return n == rows.length ? rows : Arrays.copyOf(rows, allocate(n, LoadBudget.REFERENCE));
    }

    /** Charges an array of {@code length} elements of {@code elementBytes}; returns the length. */
    private int allocate(int length, int elementBytes) throws StateLoadException {
      charge(LoadBudget.array(length, elementBytes));
      return length;
    }

    /** Charges a string that was read. */
    private String charged(String s) throws StateLoadException {
      charge(LoadBudget.OBJECT + LoadBudget.array(s.length(), 2));
      return s;
    }

    private void charge(long bytes) throws StateLoadException {
      if (!budget.tryCharge(bytes)) {
        String path = path(p.getParsingContext());
        budget.charge(bytes, source + ": " + (path.isEmpty() ? "the document" : path));
      }
    }

    /** Doubles a buffer's length, never past what the file could hold. */
    private int grow(int length) throws StateLoadException {
      if (length >= cap) {
        throw malformed("more than " + cap + " values, more than the file can hold");
      }
      return (int) Math.min(cap, Math.max(16L, 2L * length));
    }

    private StateLoadException malformed(String problem) {
      return malformed(problem, null, p.currentTokenLocation());
    }

    private StateLoadException malformed(String problem, Throwable cause, JsonLocation at) {
      StringBuilder sb = new StringBuilder(source).append(": ");
      String path = path(p.getParsingContext());
      if (!path.isEmpty()) {
        sb.append(path).append(": ");
      }
      sb.append(problem);
      if (at != null && at.getLineNr() > 0) {
        sb.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
        long offset = at.getByteOffset() >= 0 ? at.getByteOffset() : at.getCharOffset();
        if (offset >= 0) {
          sb.append(", offset ").append(offset);
        }
        sb.append(')');
      }
      return new StateLoadException(StateLoadException.Reason.MALFORMED, sb.toString(), cause);
    }

    private JsonLocation location(IOException e) {
      if (e instanceof JsonProcessingException j && j.getLocation() != null) {
        return j.getLocation();
      }
      return p.currentLocation();
    }

    private static String jacksonMessage(IOException e) {
      String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      return m == null ? e.getClass().getSimpleName() : m;
    }

    private String describe(JsonToken t) throws IOException {
      if (t == null) {
        return "end of file";
      }
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string";
        case VALUE_NULL -> "null";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
        default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
      };
    }
  }

  /**
   * The field path of the parser's current value as the file spells it: {@code
   * memory_state.state_l1[3]}, {@code qilm.memory[2][0]}; empty at the root.
   */
  private static String path(JsonStreamContext ctx) {
    if (ctx == null || ctx.inRoot()) {
      return "";
    }
    String parent = path(ctx.getParent());
    if (ctx.inArray()) {
      return ctx.hasCurrentIndex() ? parent + "[" + ctx.getCurrentIndex() + "]" : parent;
    }
    String name = ctx.getCurrentName();
    if (name == null) {
      return parent;
    }
    return parent.isEmpty() ? name : parent + "." + name;
  }
}
