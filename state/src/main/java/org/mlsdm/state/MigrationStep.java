package org.mlsdm.state;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One registered migration: a function that turns a state map of schema version {@code from} into
 * one of version {@code to}.
 *
 * @param from the version the function reads
 * @param to the version it produces, greater than {@code from}
 * @param migration the function; it may change its argument and return it
 */
public record MigrationStep(int from, int to, UnaryOperator<Map<String, Object>> migration) {

  /**
   * Validates the step.
   *
   * @param from the version the function reads
   * @param to the version it produces, greater than {@code from}
   * @param migration the function; it may change its argument and return it
   * @throws IllegalArgumentException if {@code from} is negative or {@code to <= from}
   * @throws NullPointerException if {@code migration} is null
   */
  public MigrationStep {
    if (from < 0) {
      throw new IllegalArgumentException("from must be >= 0, got " + from);
    }
    if (to <= from) {
      throw new IllegalArgumentException(
          "Downgrade migrations are not supported: from=" + from + " to=" + to);
    }
    Objects.requireNonNull(migration, "migration");
  }

  /**
   * Applies the step and stamps {@code version} with {@code to}.
   *
   * @param state a state map of version {@code from}
   * @return the state map of version {@code to}
   * @throws IllegalStateException if the function returns null
   */
  public Map<String, Object> apply(Map<String, Object> state) {
    Map<String, Object> out = migration.apply(state);
    if (out == null) {
      throw new IllegalStateException("migration " + from + "->" + to + " returned null");
    }
    out.put("version", to);
    return out;
  }
}
