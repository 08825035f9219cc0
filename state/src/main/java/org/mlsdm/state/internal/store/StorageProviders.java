package org.mlsdm.state.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mlsdm.state.spi.StateStorageProvider;

/**
 * The storage providers by scheme: those {@link ServiceLoader} found once ({@code file} from this
 * module, others from modules or class-path jars that provide {@link StateStorageProvider}),
 * overridden by the ones an application {@linkplain #register registered}, the newest first.
 */
public final class StorageProviders {
  private static final class Installed {
    static final StorageProviders INSTANCE =
        new StorageProviders(
            ServiceLoader.load(StateStorageProvider.class, StorageProviders.class.getClassLoader())
                .stream()
                .map(ServiceLoader.Provider::get)
                .toList());
  }

  /**
   * The registrations in order; each is its own object, so that closing one removes exactly it even
   * when the same provider was registered twice.
   */
  private static final List<Registered> REGISTERED = new CopyOnWriteArrayList<>();

  private static final class Registered {
    final String scheme;
    final StateStorageProvider provider;

    Registered(String scheme, StateStorageProvider provider) {
      this.scheme = scheme;
      this.provider = provider;
    }
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
   * Makes {@code provider} serve its scheme, ahead of the installed provider and of earlier
   * registrations, until the returned action runs.
   *
   * @param provider the provider
   * @return what removes this registration, once (later calls do nothing)
   * @throws IllegalArgumentException if the provider's scheme is {@code file} (local paths never go
   *     through a provider) or is not a URI scheme
   * @throws NullPointerException if {@code provider} or its scheme is null
   */
  public static Runnable register(StateStorageProvider provider) {
    Objects.requireNonNull(provider, "provider");
    String scheme = Objects.requireNonNull(provider.scheme(), "scheme").toLowerCase(Locale.ROOT);
    if (!scheme.matches("[a-z][a-z0-9+.-]+")) {
      throw new IllegalArgumentException(
          "scheme must be a URI scheme of two or more characters, got '" + scheme + "'");
    }
    if (scheme.equals("file")) {
      throw new IllegalArgumentException(
          "the file scheme is built in and cannot be replaced, got a provider for '"
              + scheme
              + "'");
    }
    Registered r = new Registered(scheme, provider);
    REGISTERED.add(r);
    AtomicBoolean removed = new AtomicBoolean();
    return () -> {
      if (removed.compareAndSet(false, true)) {
        REGISTERED.remove(r);
      }
    };
  }

  /**
   * The provider of a scheme: the newest registration for it, else the installed one.
   *
   * @throws IllegalArgumentException naming the schemes available, for an unknown one
   */
  StateStorageProvider forScheme(String scheme) {
    String s = scheme.toLowerCase(Locale.ROOT);
    List<Registered> registered = new ArrayList<>(REGISTERED);
    for (int i = registered.size() - 1; i >= 0; i--) {
      if (registered.get(i).scheme.equals(s)) {
        return registered.get(i).provider;
      }
    }
    StateStorageProvider p = byScheme.get(s);
    if (p == null) {
      TreeSet<String> available = new TreeSet<>(byScheme.keySet());
      registered.forEach(r -> available.add(r.scheme));
      throw new IllegalArgumentException(
          "No state storage for the scheme '" + scheme + "'; available: " + available);
    }
    return p;
  }
}
