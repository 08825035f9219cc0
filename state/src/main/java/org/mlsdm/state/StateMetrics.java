package org.mlsdm.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.mlsdm.state.internal.store.MetricsListeners;

/**
 * A listener for what the store does, for metrics: save and load durations and sizes, retries,
 * recoveries and checksum failures. Implement the methods you need (each does nothing by default)
 * and {@link #register} the listener; close the returned registration to remove it.
 *
 * <pre>{@code
 * try (StateMetrics.Registration r = StateMetrics.register(new StateMetrics() {
 *       public void onSave(Path path, long bytes, Duration duration, int attempts) {
 *         saveTimer.record(duration);
 *       }
 *     })) {
 *   SystemStates.save(state, path);
 * }
 * }</pre>
 *
 * <p>Listeners are global to the class loader, as a logger is, and are called synchronously on the
 * thread that saves or loads, after the event, in registration order. Keep them quick and
 * thread-safe. An exception thrown by a listener is logged at WARN and otherwise ignored: metrics
 * never fail a save or a load.
 *
 * <p>Each event comes in two forms. The store calls the one that takes a {@link StateLocation},
 * which names the state exactly as it is written ({@code s3://bucket/key.json} keeps its double
 * slash); by default it calls the {@link Path} form with the location's path, or for a URI location
 * with {@code Path.of} of its text, which folds {@code s3://} into {@code s3:/}. Override the
 * location forms to see object-store locations as they are.
 */
public interface StateMetrics {

  /**
   * A save completed.
   *
   * @param path the main file written
   * @param bytes its size
   * @param duration from the call to the return, lock wait and retries included
   * @param attempts how many attempts it took, 1 when the first succeeded
   */
  default void onSave(Path path, long bytes, Duration duration, int attempts) {}

  /**
   * A load completed.
   *
   * @param path the main file read
   * @param bytes its size
   * @param duration from the call to the return, checksum, migration and validation included
   * @param migrated whether the file had an older schema version and was migrated
   */
  default void onLoad(Path path, long bytes, Duration duration, boolean migrated) {}

  /**
   * An attempt of a save failed and another follows.
   *
   * @param path the main file being written
   * @param attempt the attempt that failed, from 1
   * @param cause why
   */
  default void onRetry(Path path, int attempt, Throwable cause) {}

  /**
   * A recover restored the main file from another file.
   *
   * @param path the main file restored
   * @param source the file it was restored from: the backup or an interrupted save's file
   */
  default void onRecovery(Path path, Path source) {}

  /**
   * A file did not match its checksum file.
   *
   * @param path the file
   * @param expected the digest in the checksum file
   * @param actual the file's digest
   */
  default void onChecksumFailure(Path path, String expected, String actual) {}

  /**
   * A save completed; by default calls {@link #onSave(Path, long, Duration, int)}.
   *
   * @param location the state written: its resolved local path, or its URI
   * @param bytes its size
   * @param duration from the call to the return, lock wait and retries included
   * @param attempts how many attempts it took, 1 when the first succeeded
   */
  default void onSave(StateLocation location, long bytes, Duration duration, int attempts) {
    onSave(pathOf(location), bytes, duration, attempts);
  }

  /**
   * A load completed; by default calls {@link #onLoad(Path, long, Duration, boolean)}.
   *
   * @param location the state read: its resolved local path, or its URI
   * @param bytes its size
   * @param duration from the call to the return, checksum, migration and validation included
   * @param migrated whether the file had an older schema version and was migrated
   */
  default void onLoad(StateLocation location, long bytes, Duration duration, boolean migrated) {
    onLoad(pathOf(location), bytes, duration, migrated);
  }

  /**
   * An attempt of a save failed and another follows; by default calls {@link #onRetry(Path, int,
   * Throwable)}.
   *
   * @param location the state being written
   * @param attempt the attempt that failed, from 1
   * @param cause why
   */
  default void onRetry(StateLocation location, int attempt, Throwable cause) {
    onRetry(pathOf(location), attempt, cause);
  }

  /**
   * A recover restored the state from another version; by default calls {@link #onRecovery(Path,
   * Path)} with {@code Path.of(source)}.
   *
   * @param location the state restored
   * @param source the version it was restored from, as its storage describes it: the backup's or an
   *     interrupted save's file, or an object store's generation ({@code s3://bucket/key.json
   *     generation 3 (…)})
   */
  default void onRecovery(StateLocation location, String source) {
    onRecovery(pathOf(location), Path.of(source));
  }

  /**
   * A version did not match its recorded checksum; by default calls {@link #onChecksumFailure(Path,
   * String, String)} with {@code Path.of(source)}.
   *
   * @param location the state
   * @param source the version read, as its storage describes it: the location's own text for the
   *     current version, else the backup's file or an object store's generation
   * @param expected the digest recorded (the checksum file, the manifest)
   * @param actual the digest of the bytes read
   */
  default void onChecksumFailure(
      StateLocation location, String source, String expected, String actual) {
    onChecksumFailure(Path.of(source), expected, actual);
  }

  /**
   * The {@link Path} form of a location for the {@code Path} events: a local path as it is, a URI
   * as {@code Path.of} of its text.
   */
  private static Path pathOf(StateLocation location) {
    return location.path().orElseGet(() -> Path.of(location.toString()));
  }

  /**
   * Adds a listener.
   *
   * @param listener the listener; the same one may be registered twice and is then called twice
   * @return the registration, whose {@link Registration#close()} removes this listener
   * @throws NullPointerException if {@code listener} is null
   */
  static Registration register(StateMetrics listener) {
    Objects.requireNonNull(listener, "listener");
    Runnable remove = MetricsListeners.add(listener);
    return remove::run;
  }

  /** A registered listener; closing it removes the listener. Closing twice does nothing. */
  @FunctionalInterface
  interface Registration extends AutoCloseable {
    /** Removes the listener. */
    @Override
    void close();
  }
}
