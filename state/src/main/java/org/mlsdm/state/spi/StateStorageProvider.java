package org.mlsdm.state.spi;

import java.io.IOException;
import java.net.URI;

/** Opens storage for the locations of one URI scheme ({@code file}, {@code s3}); found by ServiceLoader. */
public interface StateStorageProvider {
  /** The URI scheme served, lower case, e.g. {@code "s3"}. */
  String scheme();

  /**
   * Opens the storage of one state. The location's last path segment is the state's name and ends
   * in {@code .json} or {@code .npz} (any case); the core has checked that before calling.
   *
   * @throws IllegalArgumentException if the location is malformed for this scheme
   * @throws IOException if the storage cannot be reached
   */
  StateStorage open(URI location) throws IOException;
}
