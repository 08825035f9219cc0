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
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.StateMaps;
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
 * <p><b>Reading</b> returns the state map of {@link StateCodec}. It accepts keys in any order, the
 * aliases {@code state_L1}, {@code state_L2}, {@code state_L3}, integers where doubles are
 * expected, timestamps as any string (parsed later by {@link StateMaps}), and the legacy layout of
 * the Python {@code MemoryManager} (no {@code version}; its {@code format_version} is dropped).
 * Unknown keys are skipped at every level.
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
 * looks at, nor any content can make it allocate much more than the file holds. Numbers out of the
 * double range read as infinities, which the records then reject.
 *
 * <p>Neither method closes its stream or channel: the store owns them.
 */
public final class JsonStateCodec implements StateCodec {
  /** The codec of this library's layout, which is also the Python state store's. */
  public static final JsonStateCodec INSTANCE = new JsonStateCodec(false);

  /**
   * The codec that writes the Python {@code MemoryManager}'s layout: {@code "format_version": 1}
   * instead of the version, id and timestamps, and {@code state_L1}… level keys; it reads as {@link
   * #INSTANCE} does.
   */
  public static final JsonStateCodec MEMORY_MANAGER = new JsonStateCodec(true);

  /** Our documents nest four deep ({@code qilm.memory[i]}); the slack is for unknown keys. */
  static final int MAX_DEPTH = 16;

  /** A shortest round-trip double needs at most 24 characters; the rest is other writers' slack. */
  static final int MAX_NUMBER_LENGTH = 100;

  /** Bounds ids, timestamps and unknown string values. */
  static final int MAX_STRING_LENGTH = 64 * 1024;

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
    String id = state.id();
    checkLength("id", id);
    MemoryStateRecord m = state.memoryState();
    QilmStateRecord q = state.qilm();
    String[] phaseLabels = Records.access().labels(q);
    if (phaseLabels != null) {
      for (String label : phaseLabels) {
        checkLength("phases", label);
      }
    }
    JsonTextWriter w = new JsonTextWriter(out);
    if (manager) {
      w.ascii("{\n  \"format_version\": 1");
    } else {
      w.ascii("{\n  \"version\": ").integer(state.version());
      w.ascii(",\n  \"id\": ").bytes(quoted(id));
      w.ascii(",\n  \"created_at\": \"").ascii(Timestamps.format(state.createdAt()));
      w.ascii("\",\n  \"updated_at\": \"").ascii(Timestamps.format(state.updatedAt())).ascii("\"");
    }
    w.ascii(",\n  \"memory_state\": {\n    \"dimension\": ").integer(m.dimension());
    w.ascii(",\n    \"lambda_l1\": ").number(m.lambdaL1());
    w.ascii(",\n    \"lambda_l2\": ").number(m.lambdaL2());
    w.ascii(",\n    \"lambda_l3\": ").number(m.lambdaL3());
    w.ascii(",\n    \"theta_l1\": ").number(m.thetaL1());
    w.ascii(",\n    \"theta_l2\": ").number(m.thetaL2());
    w.ascii(",\n    \"gating12\": ").number(m.gating12());
    w.ascii(",\n    \"gating23\": ").number(m.gating23());
    String level = manager ? ",\n    \"state_L" : ",\n    \"state_l";
    w.ascii(level + "1\": ").vector(Records.access().l1(m));
    w.ascii(level + "2\": ").vector(Records.access().l2(m));
    w.ascii(level + "3\": ").vector(Records.access().l3(m));
    w.ascii("\n  },\n  \"qilm\": {\n    \"memory\": [");
    double[][] rows = Records.access().rows(q);
    w.rows(rows).ascii(rows.length == 0 ? "],\n    \"phases\": " : "\n    ],\n    \"phases\": ");
    String[] labels = Records.access().labels(q);
    if (labels == null) {
      w.vector(Records.access().phases(q));
    } else {
      phases(w, Records.access().phases(q), labels);
    }
    w.ascii("\n  }\n}\n").flush();
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
  public Map<String, Object> read(SeekableByteChannel in, String source) throws IOException {
    JsonParser parser;
    try {
      parser = FACTORY.createParser(Channels.newInputStream(in));
    } catch (JsonProcessingException | CharConversionException e) {
      // The parser sniffs the encoding from the first four bytes before any token is read.
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED,
          source + ": not UTF-8, UTF-16 or UTF-32 JSON: " + e.getMessage() + " (offset 0)",
          e);
    }
    try (JsonParser p = parser) {
      return new Decoder(p, source, cap(in)).document();
    }
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

    Decoder(JsonParser p, String source, int cap) {
      this.p = p;
      this.source = source;
      this.cap = cap;
    }

    Map<String, Object> document() throws IOException {
      try {
        JsonToken t = p.nextToken();
        if (t == null) {
          throw malformed("the file is empty or holds only whitespace");
        }
        if (t != JsonToken.START_OBJECT) {
          throw malformed("expected a JSON object at the top level, got " + describe(t));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonToken v = p.nextToken();
          switch (key) {
            case "version" -> root.put(key, scalar(v));
            case "id" -> root.put(key, v == JsonToken.VALUE_NULL ? null : string(v));
            case "created_at", "updated_at" -> root.put(key, string(v));
            case "memory_state" -> root.put(key, memoryState(v));
            case "qilm" -> root.put(key, qilm(v));
            default -> p.skipChildren();
          }
        }
        JsonToken after = p.nextToken();
        if (after != null) {
          throw malformed("unexpected content after the root object: " + describe(after));
        }
        return root;
      } catch (JsonEOFException e) {
        throw malformed("truncated: unexpected end of file", e, location(e));
      } catch (JsonProcessingException | CharConversionException e) {
        throw malformed(jacksonMessage(e), e, location(e));
      }
    }

    private Map<String, Object> memoryState(JsonToken t) throws IOException {
      expectObject(t);
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "dimension",
              "lambda_l1",
              "lambda_l2",
              "lambda_l3",
              "theta_l1",
              "theta_l2",
              "gating12",
              "gating23" ->
              m.put(key, scalar(v));
          case "state_l1", "state_l2", "state_l3" -> putLevel(m, key, v);
          case "state_L1", "state_L2", "state_L3" -> putLevel(m, lower(key), v);
          default -> p.skipChildren();
        }
      }
      return m;
    }

    private void putLevel(Map<String, Object> m, String key, JsonToken t) throws IOException {
      if (m.containsKey(key)) {
        throw malformed(
            "both " + key + " and " + alias(key) + " are present; expected one of them");
      }
      m.put(key, vector(t));
    }

    private Map<String, Object> qilm(JsonToken t) throws IOException {
      expectObject(t);
      Map<String, Object> q = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "memory" -> q.put(key, matrix(v));
          case "phases" -> q.put(key, phases(v));
          default -> p.skipChildren();
        }
      }
      return q;
    }

    private Number scalar(JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NUMBER_INT) {
        return p.getNumberValue();
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
      return p.getText();
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
      double[] buf = new double[Math.min(16, cap)];
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (e != JsonToken.VALUE_NUMBER_FLOAT && e != JsonToken.VALUE_NUMBER_INT) {
          throw malformed("expected a number, got " + describe(e));
        }
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, grow(n));
        }
        buf[n++] = p.getDoubleValue();
      }
      return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * Phases: a {@code double[]} when all are numbers, otherwise a list of {@link Double}s and
     * {@link String}s (labels), which {@link StateMaps} turns into a labelled record.
     */
    private Object phases(JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw malformed("expected an array of numbers or strings, got " + describe(t));
      }
      double[] buf = new double[Math.min(16, cap)];
      List<Object> mixed = null;
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        boolean number = e == JsonToken.VALUE_NUMBER_FLOAT || e == JsonToken.VALUE_NUMBER_INT;
        if (!number && e != JsonToken.VALUE_STRING) {
          throw malformed("expected a number or a string, got " + describe(e));
        }
        if (mixed == null && !number) {
          mixed = new ArrayList<>(n + 16);
          for (int i = 0; i < n; i++) {
            mixed.add(buf[i]);
          }
        }
        if (mixed != null) {
          if (mixed.size() >= cap) {
            throw malformed("more than " + cap + " values, more than the file can hold");
          }
          mixed.add(number ? (Object) p.getDoubleValue() : p.getText());
        } else {
          if (n == buf.length) {
            buf = Arrays.copyOf(buf, grow(n));
          }
          buf[n++] = p.getDoubleValue();
        }
      }
      if (mixed != null) {
        return mixed;
      }
      return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private double[][] matrix(JsonToken t) throws IOException {
      if (t != JsonToken.START_ARRAY) {
        throw malformed("expected an array of arrays, got " + describe(t));
      }
      double[][] rows = new double[Math.min(16, cap)][];
      int n = 0;
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (n == rows.length) {
          rows = Arrays.copyOf(rows, grow(n));
        }
        rows[n++] = vector(e);
      }
      return n == rows.length ? rows : Arrays.copyOf(rows, n);
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

    private static String lower(String key) {
      return key.substring(0, key.length() - 2) + "l" + key.charAt(key.length() - 1);
    }

    private static String alias(String key) {
      return key.substring(0, key.length() - 2) + "L" + key.charAt(key.length() - 1);
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
