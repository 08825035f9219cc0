package org.mlsdm.state;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SystemStates#inspect(java.nio.file.Path)} found of a state's journal ({@code
 * NAME.journal}, the incremental checkpoints of a {@link Checkpointer}), beside the base.
 *
 * <p>{@link JournalStatus} is what a load reports and cannot say that a journal fails to load, nor
 * carry the state it yields; an inspection reports both without throwing, as it does for the
 * checksum and the backup.
 *
 * @param status the outcome
 * @param bytes the journal's size in bytes (0 when absent)
 * @param frames the whole frames that chain to the base and apply
 * @param tornBytes bytes after the last frame that applies: a torn or corrupt tail a load ignores
 * @param problem why part or all of the journal does not apply; present unless {@code ABSENT} or
 *     {@code APPLIED}
 * @param state the base with every frame that applies applied: what {@link SystemStates#load}
 *     returns; present exactly for {@code APPLIED} and {@code TORN}
 * @param failure why a load of base and journal fails; present exactly for {@code CORRUPT}
 */
public record JournalCheck(
    Status status,
    long bytes,
    int frames,
    long tornBytes,
    Optional<String> problem,
    Optional<SystemStateRecord> state,
    Optional<StateLoadException> failure) {

  /** The outcomes of reading a journal beside its base. */
  public enum Status {
    /** No journal, or an empty one: the base is the state. */
    ABSENT,
    /** The journal chains to the base and every byte of it applies. */
    APPLIED,
    /**
     * The journal chains to the base, but its tail (a crash mid-append) does not apply: a load
     * ignores it and the next writer cuts it. Also a journal whose header was torn before its first
     * frame.
     */
    TORN,
    /**
     * The journal's chain does not start at this base (the base was rewritten by another tool or a
     * whole-file save): never applied; the next writer sets it aside.
     */
    STALE,
    /** A frame followed by others is corrupt, or a whole frame is invalid: a load fails. */
    CORRUPT,
    /** The base does not load, so the journal could not be checked against it. */
    UNCHECKED
  }

  /** The check of a state without a journal. */
  public static final JournalCheck ABSENT =
      new JournalCheck(
          Status.ABSENT, 0, 0, 0, Optional.empty(), Optional.empty(), Optional.empty());

  /**
   * Checks the parts: none null, no negative count, the state present exactly for {@code APPLIED}
   * and {@code TORN}, the failure exactly for {@code CORRUPT}, a problem for every status but
   * {@code ABSENT} and {@code APPLIED}.
   *
   * @param status see the record component
   * @param bytes see the record component
   * @param frames see the record component
   * @param tornBytes see the record component
   * @param problem see the record component
   * @param state see the record component
   * @param failure see the record component
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the parts contradict each other
   */
  public JournalCheck {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(failure, "failure");
    if (bytes < 0 || frames < 0 || tornBytes < 0 || tornBytes > bytes) {
      throw new IllegalArgumentException(
          "bad counts: bytes " + bytes + ", frames " + frames + ", tornBytes " + tornBytes);
    }
    boolean applies = status == Status.APPLIED || status == Status.TORN;
    if (state.isPresent() != applies) {
      throw new IllegalArgumentException("state must be present exactly for APPLIED and TORN");
    }
    if (failure.isPresent() != (status == Status.CORRUPT)) {
      throw new IllegalArgumentException("failure must be present exactly for CORRUPT");
    }
    boolean clean = status == Status.ABSENT || status == Status.APPLIED;
    if (problem.isPresent() == clean) {
      throw new IllegalArgumentException(
          "problem must be present exactly when the status is not ABSENT or APPLIED, got "
              + status);
    }
    if (!applies && frames != 0) {
      throw new IllegalArgumentException(status + " applies no frame, got " + frames);
    }
  }
}
