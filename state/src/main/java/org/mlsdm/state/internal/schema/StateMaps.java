package org.mlsdm.state.internal.schema;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.store.StateCodec;

/**
 * State maps ↔ records: the representation that migrations, {@link SystemStates#fromMap} and the
 * codecs share. See {@link StateCodec} for the keys.
 */
public final class StateMaps {
  /** The schema version this library writes: {@code SystemStates.CURRENT_SCHEMA_VERSION}. */
  public static final int CURRENT_VERSION = 1;

  private StateMaps() {}

  /** The map's schema version: its {@code version}, or 0 for the legacy layout without one. */
  public static int version(Map<String, ?> map) {
    Object v = map.get("version");
    return v == null ? 0 : integral("version", v);
  }

  /**
   * Builds a record from a current-version map.
   *
   * @param adopt whether the map's arrays were freshly allocated by a decoder and may be adopted
   *     without a copy
   * @throws StateValidationException naming the field that is missing, of the wrong type or breaks
   *     an invariant
   */
  public static SystemStateRecord toRecord(Map<String, ?> map, boolean adopt) {
    int version = integral("version", required(map, "version"));
    Object id = map.get("id");
    if (id != null && !(id instanceof String)) {
      throw new StateValidationException("id", "id must be a string or null, got " + typeOf(id));
    }
    Instant created = instant("created_at", required(map, "created_at"));
    Instant updated = instant("updated_at", required(map, "updated_at"));
    Map<?, ?> m = submap("memory_state", required(map, "memory_state"));
    Map<?, ?> q = submap("qilm", required(map, "qilm"));

    int dimension = integral("dimension", required(m, "dimension"));
    MemoryParameters p =
        new MemoryParameters(
            number("lambda_l1", required(m, "lambda_l1")),
            number("lambda_l2", required(m, "lambda_l2")),
            number("lambda_l3", required(m, "lambda_l3")),
            number("theta_l1", required(m, "theta_l1")),
            number("theta_l2", required(m, "theta_l2")),
            number("gating12", required(m, "gating12")),
            number("gating23", required(m, "gating23")));
    double[] l1 = vector("state_l1", level(m, "state_l1", "state_L1"), adopt);
    double[] l2 = vector("state_l2", level(m, "state_l2", "state_L2"), adopt);
    double[] l3 = vector("state_l3", level(m, "state_l3", "state_L3"), adopt);
    double[][] memory = matrix("memory", required(q, "memory"), adopt);
    double[] phases = vector("phases", required(q, "phases"), adopt);

    MemoryStateRecord memoryState =
        adopt
            ? Records.access().adoptMemory(dimension, p, l1, l2, l3)
            : new MemoryStateRecord(dimension, p, l1, l2, l3);
    QilmStateRecord qilm =
        adopt ? Records.access().adoptQilm(memory, phases) : new QilmStateRecord(memory, phases);
    return new SystemStateRecord(version, (String) id, created, updated, memoryState, qilm);
  }

  /** A mutable map of the record, arrays copied; the inverse of {@link #toRecord}. */
  public static Map<String, Object> toMap(SystemStateRecord s) {
    MemoryStateRecord m = s.memoryState();
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("dimension", m.dimension());
    mem.put("lambda_l1", m.lambdaL1());
    mem.put("lambda_l2", m.lambdaL2());
    mem.put("lambda_l3", m.lambdaL3());
    mem.put("theta_l1", m.thetaL1());
    mem.put("theta_l2", m.thetaL2());
    mem.put("gating12", m.gating12());
    mem.put("gating23", m.gating23());
    mem.put("state_l1", m.stateL1());
    mem.put("state_l2", m.stateL2());
    mem.put("state_l3", m.stateL3());
    Map<String, Object> qilm = new LinkedHashMap<>();
    qilm.put("memory", s.qilm().memory());
    qilm.put("phases", s.qilm().phases());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", s.version());
    out.put("id", s.id());
    out.put("created_at", Timestamps.format(s.createdAt()));
    out.put("updated_at", Timestamps.format(s.updatedAt()));
    out.put("memory_state", mem);
    out.put("qilm", qilm);
    return out;
  }

  private static Object required(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new StateValidationException(key, key + " is missing");
    }
    return v;
  }

  private static Object level(Map<?, ?> m, String key, String alias) {
    Object v = m.get(key);
    return v != null ? v : required(m, alias);
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

  private static Instant instant(String field, Object v) {
    if (v instanceof Instant i) {
      return i;
    }
    if (v instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (v instanceof String s) {
      return Timestamps.parse(field, s);
    }
    throw new StateValidationException(
        field, field + " must be an ISO-8601 string, got " + typeOf(v));
  }

  private static double[] vector(String field, Object v, boolean adopt) {
    if (v instanceof double[] a) {
      return adopt ? a : a.clone();
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

  private static double[][] matrix(String field, Object v, boolean adopt) {
    if (v instanceof double[][] rows) {
      double[][] out = adopt ? rows : new double[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        out[i] = vector(field + "[" + i + "]", notNullRow(field, i, rows[i]), adopt);
      }
      return out;
    }
    if (v instanceof List<?> list) {
      double[][] out = new double[list.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = vector(field + "[" + i + "]", notNullRow(field, i, list.get(i)), adopt);
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
