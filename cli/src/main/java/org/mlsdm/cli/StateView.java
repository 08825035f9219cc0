package org.mlsdm.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Renders a state as {@link org.mlsdm.state.SystemStates#toMap} gives it, without naming a single
 * field: the map's keys, in the schema's order, are the labels. A nested map is a section whose
 * entries are indented under its key; a vector ({@code double[]}) is shown by its length and
 * Euclidean norm, a matrix ({@code double[][]}) by its row count; a string that is an instant also
 * shows its age; other scalars as they are. A field added to the schema appears here unchanged.
 */
final class StateView {
  private StateView() {}

  /** The kinds of value a state map holds. */
  enum Kind {
    SECTION,
    VECTOR,
    MATRIX,
    SCALAR;

    static Kind of(Object value) {
      if (value instanceof Map) {
        return SECTION;
      }
      if (value instanceof double[]) {
        return VECTOR;
      }
      if (value instanceof double[][]) {
        return MATRIX;
      }
      return SCALAR;
    }
  }

  /** One {@code key value} row per field, sections indented under their key. */
  static void text(PrintWriter out, Map<String, Object> map, Instant now) {
    text(out, map, "", now);
  }

  private static void text(PrintWriter out, Map<?, ?> map, String indent, Instant now) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = indent + e.getKey();
      Object value = e.getValue();
      switch (Kind.of(value)) {
        case SECTION -> {
          out.println(Text.escape(key));
          text(out, (Map<?, ?>) value, indent + "  ", now);
        }
        case VECTOR -> Report.row(out, key, vector((double[]) value));
        case MATRIX -> Report.row(out, key, matrix((double[][]) value));
        case SCALAR -> Report.row(out, key, scalar(value, now));
      }
    }
  }

  /** {@code n values, norm x}. */
  static String vector(double[] v) {
    return v.length
        + (v.length == 1 ? " value" : " values")
        + ", norm "
        + Levels.format(Levels.norm(v));
  }

  /** {@code n rows of m}, or {@code n rows of varying length}. */
  static String matrix(double[][] m) {
    if (m.length == 0) {
      return "0 rows";
    }
    int width = m[0].length;
    for (double[] row : m) {
      if (row.length != width) {
        return m.length + " rows of varying length";
      }
    }
    return m.length + (m.length == 1 ? " row" : " rows") + " of " + width;
  }

  /** A scalar for people: null as {@code (none)}, an instant with its age, text quoted. */
  static String scalar(Object value, Instant now) {
    Instant instant = value instanceof String s ? instant(s) : null;
    return instant == null ? plain(value) : plain(value) + " (" + Report.ago(instant, now) + ")";
  }

  /** A scalar without its age: null as {@code (none)}, an instant as it is, other text quoted. */
  static String plain(Object value) {
    if (value == null) {
      return "(none)";
    }
    if (value instanceof String s) {
      return instant(s) == null ? "'" + Text.escape(s) + "'" : Text.escape(s);
    }
    return Text.escape(value.toString());
  }

  private static Instant instant(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The map as JSON fields of the current object: scalars as they are, sections as objects, a
   * vector as {@code {"length": n, "norm": x}}, a matrix as {@code {"rows": n}}.
   */
  static void json(JsonGenerator g, Map<?, ?> map) throws IOException {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      switch (Kind.of(value)) {
        case SECTION -> {
          g.writeObjectFieldStart(key);
          json(g, (Map<?, ?>) value);
          g.writeEndObject();
        }
        case VECTOR -> {
          double[] v = (double[]) value;
          g.writeObjectFieldStart(key);
          g.writeNumberField("length", v.length);
          g.writeNumberField("norm", Levels.norm(v));
          g.writeEndObject();
        }
        case MATRIX -> {
          g.writeObjectFieldStart(key);
          g.writeNumberField("rows", ((double[][]) value).length);
          g.writeEndObject();
        }
        case SCALAR -> {
          g.writeFieldName(key);
          scalarJson(g, value);
        }
      }
    }
  }

  private static void scalarJson(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof Integer || value instanceof Long) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Number n) {
      g.writeNumber(n.doubleValue());
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof List<?> list) {
      // Labelled QILM phases: numbers and labels, each as itself (the text form lists them too).
      g.writeStartArray();
      for (Object item : list) {
        scalarJson(g, item);
      }
      g.writeEndArray();
    } else {
      g.writeString(value.toString());
    }
  }
}
