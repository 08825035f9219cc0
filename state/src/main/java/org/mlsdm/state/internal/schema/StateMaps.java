package org.mlsdm.state.internal.schema;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.Phase;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.schema.Schema.Field;
import org.mlsdm.state.internal.schema.Schema.Group;

/**
 * State maps ↔ records: the untyped representation that migrations, {@link SystemStates#fromMap}
 * and {@link SystemStates#toMap} share, keyed and ordered by {@link Schema}. {@link #toRecord}
 * type-checks a map into a {@link DecodedState}, which builds the record.
 */
public final class StateMaps {
  /** The schema version this library writes: {@code SystemStates.CURRENT_SCHEMA_VERSION}. */
  public static final int CURRENT_VERSION = 1;

  private StateMaps() {}

  /** Who owns the arrays of a map given to {@link #toRecord}. */
  public enum Arrays {
    /** A decoder allocated them for this load: the record adopts them. */
    DECODED,
    /** A caller or a migration function may still hold them: they are copied. */
    CALLER
  }

  /** The map's schema version: its {@code version}, or 0 for the legacy layout without one. */
  public static int version(Map<String, ?> map) {
    Object v = map.get(Field.VERSION.key());
    return v == null ? 0 : integral(Field.VERSION.key(), v);
  }

  /**
   * Builds a record from a current-version map. Numbers may be any {@link Number}, vectors {@code
   * double[]}, {@code long[]}, {@code float[]} or lists of numbers, the matrix a {@code double[][]}
   * or a list of vectors, timestamps strings, {@link Instant}s or {@link OffsetDateTime}s; a level
   * may be spelled by its alias.
   *
   * @param map the state map
   * @param arrays whether its arrays may be adopted or must be copied
   * @return the record
   * @throws StateValidationException naming the field that is missing, of the wrong type or breaks
   *     an invariant
   */
  public static SystemStateRecord toRecord(Map<String, ?> map, Arrays arrays) {
    boolean copy = arrays == Arrays.CALLER;
    DecodedState d = new DecodedState();
    Map<?, ?> memory = null;
    Map<?, ?> qilm = null;
    for (Field f : Field.current()) {
      Map<?, ?> in;
      switch (f.group()) {
        case ROOT -> in = map;
        case MEMORY_STATE -> {
          if (memory == null) {
            memory = submap(Group.MEMORY_STATE.key(), required(map, Group.MEMORY_STATE.key()));
          }
          in = memory;
        }
        default -> {
          if (qilm == null) {
            qilm = submap(Group.QILM.key(), required(map, Group.QILM.key()));
          }
          in = qilm;
        }
      }
      Object v = in.get(f.key());
      if (v == null && f.alias() != null) {
        v = in.get(f.alias());
      }
      if (v == null) {
        // Missing timestamps get the time of loading when the record is built, as in Python.
        if (f.optional() || f.kind() == Schema.Kind.TIMESTAMP) {
          continue;
        }
        throw new StateValidationException(f.key(), f.key() + " is missing");
      }
      String name = f.key();
      switch (f.kind()) {
        case INT -> d.putNumber(f, integral(name, v));
        case DOUBLE -> d.putNumber(f, number(name, v));
        case STRING -> {
          if (!(v instanceof String s)) {
            throw new StateValidationException(
                name, name + " must be a string or null, got " + typeOf(v));
          }
          d.putString(f, s);
        }
        case TIMESTAMP -> d.putString(f, timestamp(name, v));
        case VECTOR -> d.putVector(f, vector(name, v, copy));
        case PHASES -> putPhases(d, f, v, copy);
        case MATRIX -> d.putMatrix(f, matrix(name, v, copy));
      }
    }
    return d.build();
  }

  /**
   * A mutable map of the record in schema order, arrays copied; the inverse of {@link #toRecord}.
   *
   * @param s the record
   * @return a new map
   */
  public static Map<String, Object> toMap(SystemStateRecord s) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : Field.current()) {
      Map<String, Object> into = out;
      if (f.group() != Group.ROOT) {
        @SuppressWarnings("unchecked")
        Map<String, Object> g =
            (Map<String, Object>)
                out.computeIfAbsent(f.group().key(), k -> new LinkedHashMap<String, Object>());
        into = g;
      }
      Object v = f.kind() == Schema.Kind.PHASES ? phases(s.qilm()) : f.value(s);
      if (v instanceof double[] a) {
        v = a.clone();
      } else if (v instanceof double[][] rows) {
        double[][] c = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
          c[i] = rows[i].clone();
        }
        v = c;
      }
      into.put(f.key(), v);
    }
    return out;
  }

  /**
   * The phases as a state map holds them: a new {@code double[]} when all are numbers, otherwise a
   * new {@code List} of {@link Double}s and {@link String}s (labels).
   *
   * @param q the record
   * @return the phases
   */
  public static Object phases(QilmStateRecord q) {
    if (!q.hasLabels()) {
      return q.phases();
    }
    List<Object> out = new ArrayList<>(q.size());
    for (Phase p : q.phaseList()) {
      out.add(p instanceof Phase.Label l ? l.text() : ((Phase.Numeric) p).value());
    }
    return out;
  }

  /** Phases: numbers as a vector, or a list of numbers and strings (labels). */
  private static void putPhases(DecodedState d, Field f, Object v, boolean copy) {
    if (!(v instanceof List<?> list) || !hasLabel(list)) {
      d.putVector(f, vector(f.key(), v, copy));
      return;
    }
    double[] numbers = new double[list.size()];
    String[] labels = new String[list.size()];
    for (int i = 0; i < numbers.length; i++) {
      Object phase = list.get(i);
      if (phase instanceof String label) {
        labels[i] = label;
      } else if (phase instanceof Number && !(phase instanceof Byte)) {
        numbers[i] = number("phases[" + i + "]", phase);
      } else {
        throw new StateValidationException(
            f.key(), "phases[" + i + "] must be a number or a string, got " + typeOf(phase));
      }
    }
    d.putPhases(f, numbers, labels);
  }

  private static boolean hasLabel(List<?> list) {
    for (Object p : list) {
      if (p instanceof String) {
        return true;
      }
    }
    return false;
  }

  private static Object required(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new StateValidationException(key, key + " is missing");
    }
    return v;
  }

  private static Map<?, ?> submap(String field, Object v) {
    if (v instanceof Map<?, ?> m) {
      return m;
    }
    throw new StateValidationException(field, field + " must be an object, got " + typeOf(v));
  }

  private static double number(String field, Object v) {
    if (v instanceof Number n && !(v instanceof Byte)) {
      return n.doubleValue();
    }
    throw new StateValidationException(field, field + " must be a number, got " + typeOf(v));
  }

  private static int integral(String field, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      long l = ((Number) v).longValue();
      if (l == (int) l) {
        return (int) l;
      }
      throw new StateValidationException(field, field + " is out of range, got " + l);
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
        return (int) d;
      }
      throw new StateValidationException(field, field + " must be an integer, got " + v);
    }
    throw new StateValidationException(field, field + " must be an integer, got " + typeOf(v));
  }

  private static String timestamp(String field, Object v) {
    if (v instanceof Instant i) {
      return Timestamps.format(i);
    }
    if (v instanceof OffsetDateTime o) {
      return Timestamps.format(o.toInstant());
    }
    if (v instanceof String s) {
      return s;
    }
    throw new StateValidationException(
        field, field + " must be an ISO-8601 string, got " + typeOf(v));
  }

  private static double[] vector(String field, Object v, boolean copy) {
    if (v instanceof double[] a) {
      return copy ? a.clone() : a;
    }
    if (v instanceof long[] l) {
      double[] a = new double[l.length];
      for (int i = 0; i < l.length; i++) {
        a[i] = l[i];
      }
      return a;
    }
    if (v instanceof float[] f) {
      double[] a = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        a[i] = f[i];
      }
      return a;
    }
    if (v instanceof List<?> list) {
      double[] a = new double[list.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = number(field + "[" + i + "]", list.get(i));
      }
      return a;
    }
    throw new StateValidationException(
        field, field + " must be a list of numbers, got " + typeOf(v));
  }

  private static double[][] matrix(String field, Object v, boolean copy) {
    if (v instanceof double[][] rows) {
      double[][] out = copy ? new double[rows.length][] : rows;
      for (int i = 0; i < rows.length; i++) {
        out[i] = vector(field + "[" + i + "]", notNullRow(field, i, rows[i]), copy);
      }
      return out;
    }
    if (v instanceof List<?> list) {
      double[][] out = new double[list.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = vector(field + "[" + i + "]", notNullRow(field, i, list.get(i)), copy);
      }
      return out;
    }
    throw new StateValidationException(
        field, field + " must be a list of vectors, got " + typeOf(v));
  }

  private static Object notNullRow(String field, int i, Object row) {
    if (row == null) {
      throw new StateValidationException(field, field + "[" + i + "] must not be null");
    }
    return row;
  }

  private static String typeOf(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName();
  }
}
