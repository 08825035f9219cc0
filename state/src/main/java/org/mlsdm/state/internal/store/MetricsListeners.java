package org.mlsdm.state.internal.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.StateMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered {@link StateMetrics} listeners and the store's calls into them. A listener that
 * throws is logged and skipped, so metrics never fail an operation. With no listener, each call
 * costs a volatile read.
 */
public final class MetricsListeners {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsListeners.class);
  private static final List<StateMetrics> LISTENERS = new CopyOnWriteArrayList<>();

  private MetricsListeners() {}

  /**
   * Adds a listener.
   *
   * @param listener the listener
   * @return what removes this registration, once
   */
  public static Runnable add(StateMetrics listener) {
    Entry e = new Entry(listener);
    LISTENERS.add(e);
    AtomicBoolean removed = new AtomicBoolean();
    return () -> {
      if (removed.compareAndSet(false, true)) {
        LISTENERS.remove(e);
      }
    };
  }

  static boolean any() {
    return !LISTENERS.isEmpty();
  }

  static void save(String where, long bytes, Duration duration, int attempts) {
    if (any()) {
      StateLocation l = location(where);
      each(m -> m.onSave(l, bytes, duration, attempts));
    }
  }

  static void load(String where, long bytes, Duration duration, boolean migrated) {
    if (any()) {
      StateLocation l = location(where);
      each(m -> m.onLoad(l, bytes, duration, migrated));
    }
  }

  static void retry(String where, int attempt, Throwable cause) {
    if (any()) {
      StateLocation l = location(where);
      each(m -> m.onRetry(l, attempt, cause));
    }
  }

  static void recovery(String where, String source) {
    if (any()) {
      StateLocation l = location(where);
      each(m -> m.onRecovery(l, source));
    }
  }

  static void checksumFailure(String where, String source, String expected, String actual) {
    if (any()) {
      StateLocation l = location(where);
      each(m -> m.onChecksumFailure(l, source, expected, actual));
    }
  }

  /**
   * The location a storage describes ({@link org.mlsdm.state.spi.StateStorage#describe()}): a URI
   * as it is written, anything else (a resolved local path) as a path.
   */
  static StateLocation location(String described) {
    try {
      return StateLocation.parse(described);
    } catch (IllegalArgumentException e) {
      return StateLocation.of(Path.of(described));
    }
  }

  private static void each(Consumer<StateMetrics> call) {
    for (StateMetrics l : LISTENERS) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("A StateMetrics listener failed: {}", e.toString(), e);
      }
    }
  }

  /**
   * One registration: a wrapper with identity equality, so that removing it removes exactly this
   * registration even when the same listener is registered twice. The store calls only the location
   * forms, whose defaults in the listener reach its {@code Path} forms.
   */
  private static final class Entry implements StateMetrics {
    private final StateMetrics listener;

    Entry(StateMetrics listener) {
      this.listener = listener;
    }

    @Override
    public void onSave(StateLocation location, long bytes, Duration duration, int attempts) {
      listener.onSave(location, bytes, duration, attempts);
    }

    @Override
    public void onLoad(StateLocation location, long bytes, Duration duration, boolean migrated) {
      listener.onLoad(location, bytes, duration, migrated);
    }

    @Override
    public void onRetry(StateLocation location, int attempt, Throwable cause) {
      listener.onRetry(location, attempt, cause);
    }

    @Override
    public void onRecovery(StateLocation location, String source) {
      listener.onRecovery(location, source);
    }

    @Override
    public void onChecksumFailure(
        StateLocation location, String source, String expected, String actual) {
      listener.onChecksumFailure(location, source, expected, actual);
    }

    @Override
    public String toString() {
      return listener.toString();
    }
  }
}
