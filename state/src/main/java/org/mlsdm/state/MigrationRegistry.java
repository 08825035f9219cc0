package org.mlsdm.state;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.mlsdm.state.internal.schema.Timestamps;

/**
 * Schema migrations: functions from a state map of one version to the next, found by {@link
 * #path(int, int)} and applied by {@link #migrate(Map, int, int)}.
 *
 * <p>{@link #global()} holds the built-in v0→v1 migration (the legacy {@code {"memory_state",
 * "qilm"}} layout gains {@code version}, {@code id} and timestamps) and is the registry loads use
 * by default. {@link #create()} gives an empty registry and {@link #withBuiltIns()} one holding
 * only the built-ins, for tests and for applications that keep their own. Registries are
 * thread-safe.
 *
 * <p><b>What a migration function sees.</b> On a load, a file whose schema version is not the
 * current one (an older {@code version}, none at all for the legacy v0 layout, or for JSON one that
 * does not come first in the root object) is read into a raw form <em>before any type check</em>,
 * so that a migration can repair types as well as names: {@code Map<String, Object>} for objects
 * (mutable, keys in file order), {@code List<Object>} for arrays that are empty or hold anything
 * but numbers, {@code long[]} for arrays of integers and {@code double[]} for other arrays of
 * numbers (so that a large legacy file is not boxed), {@code String}, {@code Long}, {@code Double},
 * {@code Boolean} and null. The known keys are spelled as the current schema writes them ({@code
 * state_L1} arrives as {@code state_l1}); unknown keys are kept. NPZ entries arrive nested by the
 * dots of their names; the pickled Python layouts arrive as the restricted unpickler gives them
 * (lists of number lists as {@code double[][]}, and a Python int that needs more than 64 bits as a
 * {@link java.math.BigInteger}, the one type beyond those above, kept so that an unknown key
 * holding one loses nothing). What the last step returns is checked against the current schema,
 * with the conversions {@link SystemStates#fromMap} allows. Maps given to {@link #migrate}
 * directly, and by {@code fromMap}, are those of {@link SystemStates#toMap(SystemStateRecord)}.
 */
public final class MigrationRegistry {
  private static final MigrationRegistry GLOBAL = withBuiltIns();

  private final Map<Integer, TreeMap<Integer, MigrationStep>> steps = new HashMap<>();

  private MigrationRegistry() {}

  /**
   * Returns the registry that loads use unless {@link LoadOptions#withMigrations} says otherwise.
   *
   * @return the process-wide registry, holding v0→v1 and whatever was registered since
   */
  public static MigrationRegistry global() {
    return GLOBAL;
  }

  /**
   * Returns a new empty registry.
   *
   * @return a registry with no steps
   */
  public static MigrationRegistry create() {
    return new MigrationRegistry();
  }

  /**
   * Returns a new registry holding only the built-in v0→v1 migration.
   *
   * @return a registry with one step
   */
  public static MigrationRegistry withBuiltIns() {
    MigrationRegistry r = new MigrationRegistry();
    r.register(0, 1, MigrationRegistry::v0ToV1);
    return r;
  }

  /**
   * Registers a migration.
   *
   * @param from the version the function reads, &gt;= 0
   * @param to the version it produces, &gt; {@code from}
   * @param migration the function
   * @throws IllegalArgumentException if a step {@code from→to} is already registered, or for a
   *     downgrade ({@code to <= from})
   * @throws NullPointerException if {@code migration} is null
   */
  public synchronized void register(
      int from, int to, UnaryOperator<Map<String, Object>> migration) {
    MigrationStep step = new MigrationStep(from, to, migration);
    TreeMap<Integer, MigrationStep> out = steps.computeIfAbsent(from, k -> new TreeMap<>());
    if (out.containsKey(to)) {
      throw new IllegalArgumentException(
          "Migration from " + from + " to " + to + " is already registered");
    }
    out.put(to, step);
  }

  /**
   * Finds the shortest chain of registered steps from one version to another.
   *
   * @param from the start version
   * @param to the target version, &gt;= {@code from}
   * @return the steps in order; empty when {@code from == to}
   * @throws IllegalArgumentException for a downgrade ({@code to < from}), or when no chain of
   *     registered steps leads from {@code from} to {@code to}
   */
  public synchronized List<MigrationStep> path(int from, int to) {
    if (to < from) {
      throw new IllegalArgumentException(
          "Downgrade migrations are not supported: from=" + from + " to=" + to);
    }
    if (from == to) {
      return List.of();
    }
    Map<Integer, MigrationStep> via = new HashMap<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(from);
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (MigrationStep s : steps.getOrDefault(v, new TreeMap<>()).values()) {
        if (s.to() > to || s.to() == from || via.containsKey(s.to())) {
          continue;
        }
        via.put(s.to(), s);
        if (s.to() == to) {
          List<MigrationStep> chain = new ArrayList<>();
          for (int at = to; at != from; at = via.get(at).from()) {
            chain.add(via.get(at));
          }
          Collections.reverse(chain);
          return List.copyOf(chain);
        }
        queue.add(s.to());
      }
    }
    throw new IllegalArgumentException("No migration path from version " + from + " to " + to);
  }

  /**
   * Migrates a state map along {@link #path(int, int)}.
   *
   * @param state a state map of version {@code from}; it may be changed in place
   * @param from its version
   * @param to the target version
   * @return the migrated map, its {@code version} set to {@code to}
   * @throws IllegalArgumentException for a downgrade or a missing route
   * @throws NullPointerException if {@code state} is null
   */
  public Map<String, Object> migrate(Map<String, Object> state, int from, int to) {
    Objects.requireNonNull(state, "state");
    Map<String, Object> out = state;
    for (MigrationStep s : path(from, to)) {
      out = s.apply(out);
    }
    return out;
  }

  private static Map<String, Object> v0ToV1(Map<String, Object> state) {
    String now = Timestamps.format(Instant.now());
    state.remove("format_version");
    state.putIfAbsent("id", null);
    state.putIfAbsent("created_at", now);
    state.putIfAbsent("updated_at", state.get("created_at"));
    return state;
  }
}
