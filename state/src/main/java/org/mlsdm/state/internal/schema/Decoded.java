package org.mlsdm.state.internal.schema;

import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.SystemStateRecord;

/**
 * What a codec read from a file: either the typed values of a current-version document, or the raw
 * form of a document at another (or a late-found) schema version, which migrations take before any
 * type check.
 *
 * <p>The raw form is that of {@code MigrationRegistry}: {@code Map<String, Object>} (objects, keys
 * in file order), {@code List<Object>}, {@code String}, {@code Long}, {@code Double}, {@code
 * Boolean} and null, with arrays of numbers kept as {@code long[]} (all integers) or {@code
 * double[]}. Known keys are spelled as the schema writes them (aliases mapped); everything else is
 * kept as the file has it. Its arrays are freshly allocated for this load.
 */
public final class Decoded {
  private final DecodedState typed;
  private final Map<String, Object> raw;

  private Decoded(DecodedState typed, Map<String, Object> raw) {
    this.typed = typed;
    this.raw = raw;
  }

  /**
   * A current-version document's typed values.
   *
   * @param state the values, handed over
   * @return the result
   */
  public static Decoded typed(DecodedState state) {
    return new Decoded(Objects.requireNonNull(state, "state"), null);
  }

  /**
   * A document in the raw form, to be migrated or type-checked by {@link StateMaps}.
   *
   * @param map the raw document, handed over
   * @return the result
   */
  public static Decoded raw(Map<String, Object> map) {
    return new Decoded(null, Objects.requireNonNull(map, "map"));
  }

  /**
   * Whether the document is in the raw form.
   *
   * @return true for {@link #raw(Map)}
   */
  public boolean isRaw() {
    return raw != null;
  }

  /**
   * The raw document.
   *
   * @return the map, handed over to the caller
   * @throws IllegalStateException for a typed result
   */
  public Map<String, Object> rawMap() {
    if (raw == null) {
      throw new IllegalStateException("a typed result has no raw form");
    }
    return raw;
  }

  /**
   * The typed values.
   *
   * @return the state, handed over to the caller
   * @throws IllegalStateException for a raw result
   */
  public DecodedState typedState() {
    if (typed == null) {
      throw new IllegalStateException("a raw result has no typed form");
    }
    return typed;
  }

  /**
   * The record of a typed result, or of a raw one at the current version (no migration).
   *
   * @return the record, adopting the decoded arrays
   * @throws org.mlsdm.state.StateValidationException if a field is missing, mistyped or invalid, or
   *     if a raw document is not at the current version
   */
  public SystemStateRecord record() {
    return typed != null ? typed.build() : StateMaps.toRecord(raw, StateMaps.Arrays.DECODED);
  }

  /**
   * The document as a map, for tests and diagnostics: the raw map, or the typed values as {@link
   * DecodedState#toMap()} gives them.
   *
   * @return the map
   */
  public Map<String, Object> asMap() {
    return typed != null ? typed.toMap() : raw;
  }
}
