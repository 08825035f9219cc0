package org.mlsdm.state.internal.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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

  static void save(Path path, long bytes, Duration duration, int attempts) {
    each(l -> l.onSave(path, bytes, duration, attempts));
  }

  static void load(Path path, long bytes, Duration duration, boolean migrated) {
    each(l -> l.onLoad(path, bytes, duration, migrated));
  }

  static void retry(Path path, int attempt, Throwable cause) {
    each(l -> l.onRetry(path, attempt, cause));
  }

  static void recovery(Path path, Path source) {
    each(l -> l.onRecovery(path, source));
  }

  static void checksumFailure(Path path, String expected, String actual) {
    each(l -> l.onChecksumFailure(path, expected, actual));
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
   * registration even when the same listener is registered twice.
   */
  private static final class Entry implements StateMetrics {
    private final StateMetrics listener;

    Entry(StateMetrics listener) {
      this.listener = listener;
    }

    @Override
    public void onSave(Path path, long bytes, Duration duration, int attempts) {
      listener.onSave(path, bytes, duration, attempts);
    }

    @Override
    public void onLoad(Path path, long bytes, Duration duration, boolean migrated) {
      listener.onLoad(path, bytes, duration, migrated);
    }

    @Override
    public void onRetry(Path path, int attempt, Throwable cause) {
      listener.onRetry(path, attempt, cause);
    }

    @Override
    public void onRecovery(Path path, Path source) {
      listener.onRecovery(path, source);
    }

    @Override
    public void onChecksumFailure(Path path, String expected, String actual) {
      listener.onChecksumFailure(path, expected, actual);
    }

    @Override
    public String toString() {
      return listener.toString();
    }
  }
}
