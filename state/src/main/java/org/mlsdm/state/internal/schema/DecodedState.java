package org.mlsdm.state.internal.schema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.Schema.Field;
import org.mlsdm.state.internal.schema.Schema.Group;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed values of one current-version document, collected by a decoder field by field and
 * turned into a record by {@link #build()}: the one way the library builds records from decoded
 * data. Each {@code put} checks that the value has its field's {@link Schema.Kind} and that the
 * field was not set before; {@link #build()} checks that every required field is there and lets the
 * records check their invariants.
 *
 * <p><b>Ownership.</b> Arrays put here are handed over: the record built adopts them without a copy
 * (API.md: a copy would double a large load's peak heap), so whoever puts an array must have
 * allocated it for this purpose and never touch it again. {@link StateMaps} copies a caller's
 * arrays before putting them.
 */
public final class DecodedState {
  private static final Logger LOG = LoggerFactory.getLogger(DecodedState.class);

  private final EnumMap<Field, Object> values = new EnumMap<>(Field.class);
  // Null unless a phase is a label; one label or null per phase.
  private String[] labels;

  /** An empty state; {@code version} is set by the decoder like any other field. */
  public DecodedState() {}

  /**
   * Whether a field was set.
   *
   * @param f the field
   * @return true after a {@code put} of it
   */
  public boolean has(Field f) {
    return values.containsKey(f);
  }

  /**
   * Sets an {@link Schema.Kind#INT} or {@link Schema.Kind#DOUBLE} field.
   *
   * @param f the field
   * @param v an {@code Integer}, a {@code Long} or a {@code Double}
   * @throws IllegalArgumentException if {@code f} is of another kind
   * @throws IllegalStateException if {@code f} was set already
   */
  public void putNumber(Field f, Number v) {
    if (f.kind() != Schema.Kind.INT && f.kind() != Schema.Kind.DOUBLE) {
      throw kind(f, "a number");
    }
    set(f, v);
  }

  /**
   * Sets a {@link Schema.Kind#STRING} or {@link Schema.Kind#TIMESTAMP} field.
   *
   * @param f the field
   * @param v the text as the file spells it; null only for an optional field
   * @throws IllegalArgumentException if {@code f} is of another kind
   * @throws IllegalStateException if {@code f} was set already
   */
  public void putString(Field f, String v) {
    if (f.kind() != Schema.Kind.STRING && f.kind() != Schema.Kind.TIMESTAMP) {
      throw kind(f, "a string");
    }
    set(f, v);
  }

  /**
   * Hands over a {@link Schema.Kind#VECTOR} or {@link Schema.Kind#PHASES} field's array.
   *
   * @param f the field
   * @param v a fresh array, adopted by the record
   * @throws IllegalArgumentException if {@code f} is of another kind
   * @throws IllegalStateException if {@code f} was set already
   */
  public void putVector(Field f, double[] v) {
    if (f.kind() != Schema.Kind.VECTOR && f.kind() != Schema.Kind.PHASES) {
      throw kind(f, "a vector");
    }
    set(f, v);
  }

  /**
   * Hands over the phases when some are labels.
   *
   * @param f the {@link Schema.Kind#PHASES} field
   * @param numbers a fresh array, 0.0 where a label stands
   * @param phaseLabels a fresh array, the label or null (where a number stands) per phase
   * @throws IllegalArgumentException if {@code f} is of another kind
   * @throws IllegalStateException if {@code f} was set already
   */
  public void putPhases(Field f, double[] numbers, String[] phaseLabels) {
    if (f.kind() != Schema.Kind.PHASES) {
      throw kind(f, "phases");
    }
    set(f, numbers);
    labels = phaseLabels;
  }

  /**
   * Hands over a {@link Schema.Kind#MATRIX} field's rows.
   *
   * @param f the field
   * @param v fresh rows, adopted by the record
   * @throws IllegalArgumentException if {@code f} is of another kind
   * @throws IllegalStateException if {@code f} was set already
   */
  public void putMatrix(Field f, double[][] v) {
    if (f.kind() != Schema.Kind.MATRIX) {
      throw kind(f, "a matrix");
    }
    set(f, v);
  }

  private void set(Field f, Object v) {
    if (values.containsKey(f)) {
      throw new IllegalStateException(f.path() + " is set already");
    }
    values.put(f, v);
  }

  private static IllegalArgumentException kind(Field f, String what) {
    return new IllegalArgumentException(f.path() + " is " + f.kind() + ", not " + what);
  }

  /**
   * Builds the record, adopting the arrays.
   *
   * @return the record
   * @throws StateValidationException naming the field that is missing, not an integer where one is
   *     needed, or breaks a record's invariant
   */
  public SystemStateRecord build() {
    int version = integral(Field.VERSION);
    String id = (String) values.get(Field.ID);
    Instant created;
    Instant updated;
    if (has(Field.CREATED_AT) && has(Field.UPDATED_AT)) {
      created = instant(Field.CREATED_AT);
      updated = instant(Field.UPDATED_AT);
    } else {
      // The Python schema defaults missing timestamps to the time of validation; nothing else is
      // lost, so a file without them loads, as there.
      Instant now = Instant.now();
      Instant u = has(Field.UPDATED_AT) ? instant(Field.UPDATED_AT) : null;
      created = has(Field.CREATED_AT) ? instant(Field.CREATED_AT) : u != null ? u : now;
      updated = u != null ? u : created;
      LOG.warn(
          "State has no {}: using {} as Python does",
          has(Field.CREATED_AT) ? "updated_at" : "created_at",
          created.equals(now) ? "the time of loading" : "the other timestamp");
    }
    int dimension = integral(Field.DIMENSION);
    MemoryParameters p =
        new MemoryParameters(
            number(Field.LAMBDA_L1),
            number(Field.LAMBDA_L2),
            number(Field.LAMBDA_L3),
            number(Field.THETA_L1),
            number(Field.THETA_L2),
            number(Field.GATING12),
            number(Field.GATING23));
    MemoryStateRecord m =
        Records.access()
            .adoptMemory(
                dimension,
                p,
                (double[]) required(Field.STATE_L1),
                (double[]) required(Field.STATE_L2),
                (double[]) required(Field.STATE_L3));
    QilmStateRecord q =
        Records.access()
            .adoptQilm(
                (double[][]) required(Field.MEMORY), (double[]) required(Field.PHASES), labels);
    return new SystemStateRecord(version, id, created, updated, m, q);
  }

  /**
   * The values set so far, shaped like {@code SystemStates.toMap} (a nested map in schema order,
   * the arrays themselves), for tests and diagnostics.
   *
   * @return a new map of the fields that were set
   */
  public Map<String, Object> toMap() {
    Map<String, Object> root = new LinkedHashMap<>();
    for (Map.Entry<Field, Object> e : values.entrySet()) {
      Field f = e.getKey();
      Object v = e.getValue();
      if (f.group() == Group.ROOT) {
        root.put(f.key(), v);
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Object> group =
            (Map<String, Object>)
                root.computeIfAbsent(f.group().key(), k -> new LinkedHashMap<String, Object>());
        group.put(f.key(), f == Field.PHASES && labels != null ? mixed((double[]) v) : v);
      }
    }
    return root;
  }

  private List<Object> mixed(double[] numbers) {
    List<Object> out = new ArrayList<>(numbers.length);
    for (int i = 0; i < numbers.length; i++) {
      out.add(labels[i] != null ? labels[i] : (Object) numbers[i]);
    }
    return out;
  }

  private Object required(Field f) {
    Object v = values.get(f);
    if (v == null) {
      throw new StateValidationException(f.key(), f.key() + " is missing");
    }
    return v;
  }

  private double number(Field f) {
    return ((Number) required(f)).doubleValue();
  }

  private int integral(Field f) {
    Object v = required(f);
    if (v instanceof Integer || v instanceof Long) {
      long l = ((Number) v).longValue();
      if (l == (int) l) {
        return (int) l;
      }
      throw new StateValidationException(f.key(), f.key() + " is out of range, got " + l);
    }
    double d = ((Number) v).doubleValue();
    if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
      return (int) d;
    }
    throw new StateValidationException(f.key(), f.key() + " must be an integer, got " + v);
  }

  private Instant instant(Field f) {
    return Timestamps.parse(f.key(), (String) required(f));
  }
}
