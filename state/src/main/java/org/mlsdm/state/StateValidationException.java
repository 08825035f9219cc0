package org.mlsdm.state;

/**
 * A value breaks a schema invariant. Thrown by the record constructors; the message names the field
 * as the file spells it ({@code lambda_l1}, {@code state_l2}, {@code created_at}) and the offending
 * value, for example {@code lambda_l1 must be in (0, 1], got 1.5}. When a file breaks an invariant,
 * the load wraps this in a {@link StateLoadException}.
 */
public class StateValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The field's name as the file spells it. */
  private final String field;

  /**
   * Creates an exception for one field.
   *
   * @param field the field's name as the file spells it
   * @param message the full message, naming the field and the value
   */
  public StateValidationException(String field, String message) {
    super(message);
    this.field = field;
  }

  /**
   * Returns the field that broke its invariant, as the file spells it.
   *
   * @return the field name, e.g. {@code lambda_l1}
   */
  public String field() {
    return field;
  }
}
