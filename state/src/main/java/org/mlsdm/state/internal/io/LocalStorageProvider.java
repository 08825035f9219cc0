package org.mlsdm.state.internal.io;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StateStorageProvider;

/**
 * The {@code file} scheme: {@link LocalStateStorage} over the real file system. Found by {@link
 * java.util.ServiceLoader} ({@code provides} in {@code module-info}); the store also builds one
 * over a test's {@link FileOps}.
 */
public final class LocalStorageProvider implements StateStorageProvider {
  /**
   * The lock table every local storage of this JVM shares, so that its threads exclude each other.
   */
  private static final PathLocks LOCKS = new PathLocks();

  private final FileOps ops;
  private final Clock clock;

  /** The provider over the real file system and the UTC clock, as ServiceLoader builds it. */
  public LocalStorageProvider() {
    this(RealFileOps.INSTANCE, Clock.systemUTC());
  }

  /**
   * A provider over another file-system seam (tests).
   *
   * @param ops the seam
   * @param clock names kept damaged files
   */
  public LocalStorageProvider(FileOps ops, Clock clock) {
    this.ops = Objects.requireNonNull(ops, "ops");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String scheme() {
    return "file";
  }

  /** {@inheritDoc} The local storage takes no settings. */
  @Override
  public StateStorage open(URI location, Map<String, String> settings) {
    if (!"file".equalsIgnoreCase(location.getScheme())) {
      throw new IllegalArgumentException("Not a file location: " + location);
    }
    if (!settings.isEmpty()) {
      throw new IllegalArgumentException(
          "The local storage takes no settings, got " + settings.keySet());
    }
    return open(Path.of(location));
  }

  /**
   * Opens the storage of a state path, following a symbolic link to its target as {@link
   * LinkPolicy#stateFile} allows.
   *
   * @param path the state file
   * @return its storage
   */
  public LocalStateStorage open(Path path) {
    return new LocalStateStorage(ops, LOCKS, clock, LocalStateStorage.resolve(path), path);
  }
}
