package org.mlsdm.state;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SystemStates#save(SystemStateRecord, java.nio.file.Path, SaveOptions)} writes. An
 * immutable value: start from {@link #defaults()} and change it with the {@code withX} methods.
 *
 * <p>Defaults: keep a backup of the previous main file, keep the record's id, 3 attempts, 500 ms
 * initial backoff doubling per retry (so 0.5 s, then 1 s), never more than 2 s between attempts
 * unless the initial backoff itself is longer; this library's own file layout.
 *
 * <p>Why 500 ms: the transient failures a retry can outlast are a network file system's hiccups (an
 * NFS server failing over, a lease being re-established, an SMB reconnect), which last hundreds of
 * milliseconds; 20 ms and 40 ms, the former default, were both spent inside one such hiccup. The
 * Python system waits 0.5 s, then 1 s, and a shared directory should see the same patience from
 * both. A local disk's errors are rarely transient, so the wait costs nothing on the common path:
 * it is only paid after a failure. Tests and latency-bound callers set {@link #withRetryBackoff}.
 */
public final class SaveOptions {
  private static final SaveOptions DEFAULTS =
      new SaveOptions(true, null, 3, Duration.ofMillis(500), StateLayout.NATIVE);

  private final boolean createBackup;
  private final String stateId;
  private final int maxAttempts;
  private final Duration retryBackoff;
  private final StateLayout layout;

  private SaveOptions(
      boolean createBackup,
      String stateId,
      int maxAttempts,
      Duration retryBackoff,
      StateLayout layout) {
    this.createBackup = createBackup;
    this.stateId = stateId;
    this.maxAttempts = maxAttempts;
    this.retryBackoff = retryBackoff;
    this.layout = layout;
  }

  /**
   * Returns the default options.
   *
   * @return backup on, no id override, 3 attempts, 500 ms backoff
   */
  public static SaveOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns options that keep (true) or drop (false) the previous main file as {@code .backup}.
   *
   * @param enabled whether to keep a backup on overwrite
   * @return new options
   */
  public SaveOptions withBackup(boolean enabled) {
    return new SaveOptions(enabled, stateId, maxAttempts, retryBackoff, layout);
  }

  /**
   * Returns options that set the saved record's id.
   *
   * @param id the id to write, not empty or blank; null keeps the record's own id
   * @return new options
   * @throws IllegalArgumentException if {@code id} is empty or blank
   */
  public SaveOptions withStateId(String id) {
    if (id != null && Checks.blank(id)) {
      throw new IllegalArgumentException("stateId must not be empty or blank, got '" + id + "'");
    }
    return new SaveOptions(createBackup, id, maxAttempts, retryBackoff, layout);
  }

  /**
   * Returns options with another number of attempts for transient I/O failures.
   *
   * @param attempts total attempts, 1 to 100
   * @return new options
   * @throws IllegalArgumentException if {@code attempts} is out of range
   */
  public SaveOptions withMaxAttempts(int attempts) {
    if (attempts < 1 || attempts > 100) {
      throw new IllegalArgumentException("maxAttempts must be in [1, 100], got " + attempts);
    }
    return new SaveOptions(createBackup, stateId, attempts, retryBackoff, layout);
  }

  /**
   * Returns options with another initial backoff; it doubles after each failed attempt, up to 2 s
   * or the initial backoff if that is longer.
   *
   * @param backoff the wait before the second attempt, zero to one minute
   * @return new options
   * @throws IllegalArgumentException if {@code backoff} is negative or over one minute
   * @throws NullPointerException if {@code backoff} is null
   */
  public SaveOptions withRetryBackoff(Duration backoff) {
    Objects.requireNonNull(backoff, "backoff");
    if (backoff.isNegative() || backoff.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("retryBackoff must be in [0, 1 min], got " + backoff);
    }
    return new SaveOptions(createBackup, stateId, maxAttempts, backoff, layout);
  }

  /**
   * Returns options that write another system's file layout, for the Python system to read: {@link
   * StateLayout#PYTHON_STATE_STORE} (its state store's pickled NPZ; JSON is the same as native) or
   * {@link StateLayout#PYTHON_MEMORY_MANAGER} (its {@code MemoryManager}'s JSON and NPZ, which have
   * no id and no timestamps, so a later load gives those as a migrated version 0 file does). The
   * store's checksum, backup, atomic write and retries apply to every layout.
   *
   * @param layout the layout to write
   * @return new options
   * @throws NullPointerException if {@code layout} is null
   */
  public SaveOptions withLayout(StateLayout layout) {
    Objects.requireNonNull(layout, "layout");
    return new SaveOptions(createBackup, stateId, maxAttempts, retryBackoff, layout);
  }

  /**
   * The file layout a save writes.
   *
   * @return {@link StateLayout#NATIVE} by default
   */
  public StateLayout layout() {
    return layout;
  }

  /**
   * Whether the previous main file is kept as {@code .backup}.
   *
   * @return true by default
   */
  public boolean createBackup() {
    return createBackup;
  }

  /**
   * The id written instead of the record's own, if set.
   *
   * @return the id, or null to keep the record's
   */
  public String stateId() {
    return stateId;
  }

  /**
   * Total attempts for transient I/O failures.
   *
   * @return 3 by default
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The wait before the second attempt; it doubles after each failure.
   *
   * @return 20 ms by default
   */
  public Duration retryBackoff() {
    return retryBackoff;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SaveOptions s
        && createBackup == s.createBackup
        && Objects.equals(stateId, s.stateId)
        && maxAttempts == s.maxAttempts
        && retryBackoff.equals(s.retryBackoff)
        && layout == s.layout;
  }

  @Override
  public int hashCode() {
    return Objects.hash(createBackup, stateId, maxAttempts, retryBackoff, layout);
  }

  @Override
  public String toString() {
    return "SaveOptions[createBackup="
        + createBackup
        + ", stateId="
        + stateId
        + ", maxAttempts="
        + maxAttempts
        + ", retryBackoff="
        + retryBackoff
        + ", layout="
        + layout
        + "]";
  }
}
