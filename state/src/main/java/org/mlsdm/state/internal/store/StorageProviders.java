package org.mlsdm.state.internal.store;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.mlsdm.state.spi.StateStorageProvider;

/**
 * The storage providers by scheme, found once through {@link ServiceLoader}: {@code file} from this
 * module, others from modules (or class-path jars) that provide {@link StateStorageProvider}.
 */
final class StorageProviders {
  private static final class Installed {
    static final StorageProviders INSTANCE =
        new StorageProviders(
            ServiceLoader.load(StateStorageProvider.class, StorageProviders.class.getClassLoader())
                .stream()
                .map(ServiceLoader.Provider::get)
                .toList());
  }

  private final Map<String, StateStorageProvider> byScheme = new TreeMap<>();

  StorageProviders(List<StateStorageProvider> providers) {
    for (StateStorageProvider p : providers) {
      // The first provider of a scheme wins, so that a second jar cannot shadow it silently.
      byScheme.putIfAbsent(p.scheme().toLowerCase(Locale.ROOT), p);
    }
  }

  /** The providers installed in this JVM, loaded on first use. */
  static StorageProviders installed() {
    return Installed.INSTANCE;
  }

  /**
   * The provider of a scheme.
   *
   * @throws IllegalArgumentException naming the schemes available, for an unknown one
   */
  StateStorageProvider forScheme(String scheme) {
    StateStorageProvider p = byScheme.get(scheme.toLowerCase(Locale.ROOT));
    if (p == null) {
      throw new IllegalArgumentException(
          "No state storage for the scheme '" + scheme + "'; available: " + byScheme.keySet());
    }
    return p;
  }
}
