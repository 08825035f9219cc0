package org.mlsdm.state.internal.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;

/**
 * The one definition of the persisted state: every key, its alias, its kind and the schema versions
 * it belongs to. The codecs (JSON keys, NPZ entry names), {@link StateMaps} (and so {@code
 * SystemStates.toMap}/{@code fromMap}), the integrity checks and the records' {@code toString} take
 * their names and their order from here; a new field is one new constant in {@link Field} (and the
 * record component it reads), nothing else.
 *
 * <pre>
 * group         key            alias      kind       versions
 * (root)        format_version            INT        0 (legacy, dropped by the v0→v1 migration)
 * (root)        version                   INT        1
 * (root)        id                        STRING     1 (null allowed)
 * (root)        created_at                TIMESTAMP  1
 * (root)        updated_at                TIMESTAMP  1
 * memory_state  dimension                 INT        0, 1
 * memory_state  lambda_l1 … gating23      DOUBLE     0, 1 (seven parameters)
 * memory_state  state_l1 … state_l3 state_L1 …  VECTOR  0, 1
 * qilm          memory                    MATRIX     0, 1 (rows may differ in length)
 * qilm          phases                    PHASES     0, 1 (one per row of memory)
 * </pre>
 *
 * A field's path is its group and key joined by a dot ({@code memory_state.lambda_l1}): the NPZ
 * entry name without {@code .npy}, and the name integrity warnings and error messages use.
 */
public final class Schema {
  /** The schema version this library writes and reads without migration. */
  public static final int CURRENT_VERSION = 1;

  private Schema() {}

  /** Where a field lives: the top level of the document or one of its two objects. */
  public enum Group {
    /** The top level. */
    ROOT(""),
    /** The synaptic memory object. */
    MEMORY_STATE("memory_state"),
    /** The QILM object. */
    QILM("qilm");

    private final String key;

    Group(String key) {
      this.key = key;
    }

    /**
     * The group's key in the document.
     *
     * @return the key, empty for the root
     */
    public String key() {
      return key;
    }

    /**
     * Finds a group by its key.
     *
     * @param key a top-level key
     * @return the group, or null when {@code key} names no object of the schema
     */
    public static Group of(String key) {
      return switch (key) {
        case "memory_state" -> MEMORY_STATE;
        case "qilm" -> QILM;
        default -> null;
      };
    }
  }

  /** How a field's value is spelled in the files and held in memory. */
  public enum Kind {
    /** An integer, held as {@code long} while decoding and {@code int} in the record. */
    INT,
    /** A finite double. */
    DOUBLE,
    /** A string, or null where the field allows it. */
    STRING,
    /** An ISO-8601 instant, held as the file spells it until the record is built. */
    TIMESTAMP,
    /** A vector of {@code dimension} doubles, {@code double[]}. */
    VECTOR,
    /** Rows of doubles, {@code double[][]}. */
    MATRIX,
    /** One double per row of the matrix, {@code double[]}. */
    PHASES
  }

  /** Reads a field's value from a record and its two parts, arrays without a copy. */
  @FunctionalInterface
  private interface Getter {
    Object get(SystemStateRecord s, MemoryStateRecord m, QilmStateRecord q);
  }

  /** Every field of every version, in the order the files and {@code toMap} list them. */
  // The getters are stateless lambdas; Error Prone cannot see that without its annotations jar.
  @SuppressWarnings("ImmutableEnumChecker")
  public enum Field {
    /** The legacy layout's own version number (Python {@code MemoryManager}). */
    FORMAT_VERSION(Group.ROOT, "format_version", null, Kind.INT, 0, 0, null),
    /** The schema version. */
    VERSION(Group.ROOT, "version", null, Kind.INT, 1, (s, m, q) -> s.version()),
    /** The optional id. */
    ID(Group.ROOT, "id", null, Kind.STRING, 1, (s, m, q) -> s.id()),
    /** The creation time. */
    CREATED_AT(
        Group.ROOT,
        "created_at",
        null,
        Kind.TIMESTAMP,
        1,
        (s, m, q) -> Timestamps.format(s.createdAt())),
    /** The last update time. */
    UPDATED_AT(
        Group.ROOT,
        "updated_at",
        null,
        Kind.TIMESTAMP,
        1,
        (s, m, q) -> Timestamps.format(s.updatedAt())),
    /** The vector length. */
    DIMENSION(Group.MEMORY_STATE, "dimension", null, Kind.INT, 0, (s, m, q) -> m.dimension()),
    /** L1 decay rate. */
    LAMBDA_L1(Group.MEMORY_STATE, "lambda_l1", null, Kind.DOUBLE, 0, (s, m, q) -> m.lambdaL1()),
    /** L2 decay rate. */
    LAMBDA_L2(Group.MEMORY_STATE, "lambda_l2", null, Kind.DOUBLE, 0, (s, m, q) -> m.lambdaL2()),
    /** L3 decay rate. */
    LAMBDA_L3(Group.MEMORY_STATE, "lambda_l3", null, Kind.DOUBLE, 0, (s, m, q) -> m.lambdaL3()),
    /** L1→L2 threshold. */
    THETA_L1(Group.MEMORY_STATE, "theta_l1", null, Kind.DOUBLE, 0, (s, m, q) -> m.thetaL1()),
    /** L2→L3 threshold. */
    THETA_L2(Group.MEMORY_STATE, "theta_l2", null, Kind.DOUBLE, 0, (s, m, q) -> m.thetaL2()),
    /** L1→L2 gating. */
    GATING12(Group.MEMORY_STATE, "gating12", null, Kind.DOUBLE, 0, (s, m, q) -> m.gating12()),
    /** L2→L3 gating. */
    GATING23(Group.MEMORY_STATE, "gating23", null, Kind.DOUBLE, 0, (s, m, q) -> m.gating23()),
    /** Level 1. */
    STATE_L1(
        Group.MEMORY_STATE,
        "state_l1",
        "state_L1",
        Kind.VECTOR,
        0,
        (s, m, q) -> Records.access().l1(m)),
    /** Level 2. */
    STATE_L2(
        Group.MEMORY_STATE,
        "state_l2",
        "state_L2",
        Kind.VECTOR,
        0,
        (s, m, q) -> Records.access().l2(m)),
    /** Level 3. */
    STATE_L3(
        Group.MEMORY_STATE,
        "state_l3",
        "state_L3",
        Kind.VECTOR,
        0,
        (s, m, q) -> Records.access().l3(m)),
    /** The QILM vectors. */
    MEMORY(Group.QILM, "memory", null, Kind.MATRIX, 0, (s, m, q) -> Records.access().rows(q)),
    /** The QILM phases. */
    PHASES(Group.QILM, "phases", null, Kind.PHASES, 0, (s, m, q) -> Records.access().phases(q));

    private static final Map<String, Field> BY_PATH = new HashMap<>();
    private static final List<Field> CURRENT;

    static {
      List<Field> current = new ArrayList<>();
      for (Field f : values()) {
        if (f.in(CURRENT_VERSION)) {
          current.add(f);
          BY_PATH.put(f.path, f);
          if (f.alias != null) {
            BY_PATH.put(f.group.key + "." + f.alias, f);
          }
        }
      }
      CURRENT = Collections.unmodifiableList(current);
    }

    private final Group group;
    private final String key;
    private final String alias;
    private final Kind kind;
    private final int since;
    private final int until;
    private final String path;
    private final Getter getter;

    Field(Group group, String key, String alias, Kind kind, int since, Getter getter) {
      this(group, key, alias, kind, since, Integer.MAX_VALUE, getter);
    }

    Field(Group group, String key, String alias, Kind kind, int since, int until, Getter getter) {
      this.group = group;
      this.key = key;
      this.alias = alias;
      this.kind = kind;
      this.since = since;
      this.until = until;
      this.path = group == Group.ROOT ? key : group.key() + "." + key;
      this.getter = getter;
    }

    /**
     * The fields of the current version, in file order.
     *
     * @return an unmodifiable list
     */
    public static List<Field> current() {
      return CURRENT;
    }

    /**
     * The current-version fields of one group, in file order.
     *
     * @param group the group
     * @return a new list
     */
    public static List<Field> current(Group group) {
      List<Field> out = new ArrayList<>();
      for (Field f : CURRENT) {
        if (f.group == group) {
          out.add(f);
        }
      }
      return out;
    }

    /**
     * Finds a current-version field by its group and key or alias.
     *
     * @param group where the key was found
     * @param key the key as the file spells it
     * @return the field, or null for a key the current schema does not know
     */
    public static Field of(Group group, String key) {
      return BY_PATH.get(group == Group.ROOT ? key : group.key() + "." + key);
    }

    /**
     * Whether the field exists in a schema version.
     *
     * @param version a schema version
     * @return true when {@code version} is within the field's versions
     */
    public boolean in(int version) {
      return version >= since && version <= until;
    }

    /**
     * The group.
     *
     * @return where the field lives
     */
    public Group group() {
      return group;
    }

    /**
     * The key as this library writes it.
     *
     * @return the key
     */
    public String key() {
      return key;
    }

    /**
     * The other spelling readers accept.
     *
     * @return the alias, or null when there is none
     */
    public String alias() {
      return alias;
    }

    /**
     * The kind.
     *
     * @return how the value is spelled and held
     */
    public Kind kind() {
      return kind;
    }

    /**
     * Group and key joined by a dot, the NPZ entry name without {@code .npy}.
     *
     * @return for example {@code memory_state.lambda_l1}, or {@code version}
     */
    public String path() {
      return path;
    }

    /**
     * Whether a decoded document may leave the field out (the id is null then).
     *
     * @return true for the id
     */
    public boolean optional() {
      return this == ID;
    }

    /**
     * The field's value in a record: a boxed number, a string (timestamps formatted as written), or
     * the record's own array, not copied, which the caller must neither change nor hand out.
     *
     * @param s the record
     * @return the value
     * @throws IllegalStateException for a field the current version does not have
     */
    public Object value(SystemStateRecord s) {
      return getter(this).get(s, s.memoryState(), s.qilm());
    }

    /**
     * The value of a {@link Group#MEMORY_STATE} field, as {@link #value(SystemStateRecord)}.
     *
     * @param m the memory record
     * @return the value
     * @throws IllegalStateException for a field of another group
     */
    public Object value(MemoryStateRecord m) {
      if (group != Group.MEMORY_STATE) {
        throw new IllegalStateException(path + " is not a memory_state field");
      }
      return getter(this).get(null, m, null);
    }

    private static Getter getter(Field f) {
      if (f.getter == null) {
        throw new IllegalStateException(f.path + " is not in schema version " + CURRENT_VERSION);
      }
      return f.getter;
    }
  }

  /**
   * The current-version fields of the given kinds, in file order.
   *
   * @param first a kind
   * @param rest more kinds
   * @return a new list
   */
  public static List<Field> fields(Kind first, Kind... rest) {
    Set<Kind> kinds = EnumSet.of(first, rest);
    List<Field> out = new ArrayList<>();
    for (Field f : Field.current()) {
      if (kinds.contains(f.kind())) {
        out.add(f);
      }
    }
    return out;
  }
}
