package org.mlsdm.state.spi;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Opens storage for the locations of one URI scheme ({@code file}, {@code s3}); found by {@link
 * java.util.ServiceLoader}.
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
}
