package org.mlsdm.state.spi;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.internal.store.StorageProviders;

/**
 * Opens storage for the locations of one URI scheme ({@code file}, {@code s3}); found by {@link
 * java.util.ServiceLoader}, which builds each provider with its defaults.
 *
 * <p>An application that configures a provider itself (an endpoint, credentials, a retention)
 * {@linkplain #register registers} it: until the registration is closed, every {@code SystemStates}
 * operation on a {@code StateLocation} of that scheme opens its storage through it.
 *
 * <pre>{@code
 * try (S3StorageProvider s3 = new S3StorageProvider(config);
 *     StateStorageProvider.Registration r = StateStorageProvider.register(s3)) {
 *   SystemStates.save(state, StateLocation.parse("s3://agents/a1.npz"), SaveOptions.defaults());
 * }
 * }</pre>
 */
public interface StateStorageProvider {
  /**
   * The URI scheme served.
   *
   * @return the scheme, lower case, e.g. {@code "s3"}
   */
  String scheme();

  /**
   * Opens the storage of one state with default settings.
   *
   * @param location the state's location; its last path segment is the state's name
   * @return the storage
   * @throws IllegalArgumentException if the location is malformed for this scheme
   * @throws IOException if the storage cannot be reached
   */
  default StateStorage open(URI location) throws IOException {
    return open(location, Map.of());
  }

  /**
   * Opens the storage of one state. The core has checked the name's format (or the caller chose one
   * explicitly) before calling.
   *
   * @param location the state's location; its last path segment is the state's name
   * @param settings provider-specific settings (an endpoint, a retention), by name; unknown names
   *     are refused, an empty map means the defaults
   * @return the storage
   * @throws IllegalArgumentException if the location is malformed for this scheme or a setting is
   *     unknown or invalid
   * @throws IOException if the storage cannot be reached
   */
  StateStorage open(URI location, Map<String, String> settings) throws IOException;

  /**
   * Makes {@code provider} serve its scheme in this class loader, ahead of the provider {@link
   * java.util.ServiceLoader} found and of earlier registrations, until the returned registration is
   * closed; closing it brings back whichever served before (the newest open registration wins).
   * Global, as {@code StateMetrics} listeners are: every thread sees it, and operations already
   * running keep the storage they opened. Thread-safe. The provider is not closed by the
   * registration: its owner closes it after closing the registration.
   *
   * @param provider the provider, which must be thread-safe
   * @return the registration; close it to remove this provider. Closing twice does nothing
   * @throws IllegalArgumentException if the provider's scheme is {@code file} (local paths never go
   *     through a provider) or not a URI scheme of two or more characters
   * @throws NullPointerException if {@code provider} or its scheme is null
   */
  static Registration register(StateStorageProvider provider) {
    Runnable remove = StorageProviders.register(Objects.requireNonNull(provider, "provider"));
    return remove::run;
  }

  /** A registered provider; closing it removes the registration. Closing twice does nothing. */
  @FunctionalInterface
  interface Registration extends AutoCloseable {
    /** Removes the registration. */
    @Override
    void close();
  }
}
