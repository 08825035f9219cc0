package org.mlsdm.state;

import java.util.Objects;

/**
 * A QILM phase: a finite number or a label, as in the Python QILM, which accepts any phase (its
 * {@code MemoryManager} entangles every event with the rhythm's label, {@code "wake"} or {@code
 * "sleep"}). Numbers are retrieved within a tolerance, labels by equality.
 *
 * <p>Values compare by content; a number never equals a label, even {@code Phase.of(1.0)} and
 * {@code Phase.of("1.0")}.
 */
public sealed interface Phase permits Phase.Numeric, Phase.Label {

  /**
   * Returns a numeric phase.
   *
   * @param value the phase, finite
   * @return the phase
   * @throws StateValidationException if {@code value} is NaN or infinite
   */
  static Phase of(double value) {
    return new Numeric(value);
  }

  /**
   * Returns a labelled phase.
   *
   * @param label the label, any string without the character U+0000
   * @return the phase
   * @throws StateValidationException if {@code label} is null or holds U+0000
   */
  static Phase of(String label) {
    return new Label(label);
  }

  /**
   * A numeric phase.
   *
   * @param value the phase, finite
   */
  record Numeric(double value) implements Phase {
    /**
     * Validates.
     *
     * @param value the phase, finite
     * @throws StateValidationException if {@code value} is NaN or infinite
     */
    public Numeric {
      Checks.finite("phases", value);
    }

    /**
     * Returns the number as Python would print it.
     *
     * @return the decimal form
     */
    @Override
    public String toString() {
      return Double.toString(value);
    }
  }

  /**
   * A labelled phase.
   *
   * @param text the label; any string without U+0000, which NPZ's fixed-width unicode arrays cannot
   *     carry
   */
  record Label(String text) implements Phase {
    /**
     * Validates.
     *
     * @param text the label
     * @throws StateValidationException if {@code text} is null or holds U+0000
     */
    public Label {
      Checks.label("phases", text);
    }

    /**
     * Returns the label quoted, so that {@code "1.0"} and {@code 1.0} read differently.
     *
     * @return the label in double quotes
     */
    @Override
    public String toString() {
      return '"' + Objects.requireNonNull(text) + '"';
    }
  }
}
