package org.mlsdm.state.s3;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.spi.StateStorageProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens states at {@code s3://bucket/key.json|npz} locations. Found by {@link
 * java.util.ServiceLoader} for the {@code s3} scheme, it then reads its configuration from the
 * environment on first use ({@link S3StorageConfig#fromEnvironment()}); constructed with a
 * configuration, it uses that one.
 *
 * <pre>{@code
 * try (S3StorageProvider s3 = new S3StorageProvider(S3StorageConfig.builder()
 *     .endpoint(URI.create("http://127.0.0.1:7480"))
 *     .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
 *     .retention(10)
 *     .build())) {
 *   S3StateStorage state = s3.open(URI.create("s3://agents/a1/state.npz"));
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. One client serves every state it opens; {@link #close()} closes it when the
 * provider built it.
 */
public final class S3StorageProvider implements StateStorageProvider, AutoCloseable {
  private S3StorageConfig config;
  private S3Client client;

  /** The {@link java.util.ServiceLoader} constructor: configuration from the environment. */
  public S3StorageProvider() {}

  /**
   * A provider with this configuration.
   *
   * @param config the configuration
   */
  public S3StorageProvider(S3StorageConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Returns {@code "s3"}. */
  @Override
  public String scheme() {
    return "s3";
  }

  /**
   * Opens the state at {@code s3://bucket/key}; nothing is read or written until it is used.
   *
   * @throws IllegalArgumentException if the location is not such a URI, the bucket name is not
   *     valid or the key does not end in .json or .npz
   */
  @Override
  public S3StateStorage open(URI location) {
    S3StorageConfig c = config();
    return new S3StateStorage(client(), c, S3Location.parse(location, c.keyPrefix()));
  }

  /**
   * Opens the state at {@code s3://bucket/key} as {@link #open(URI)} does. Everything is configured
   * on the provider ({@link S3StorageConfig}), so no settings are taken per open.
   *
   * @param location the state's URI
   * @param settings must be empty
   * @return the state's storage
   * @throws IllegalArgumentException if {@code settings} is not empty, or as {@link #open(URI)}
   */
  @Override
  public S3StateStorage open(URI location, Map<String, String> settings) {
    if (!settings.isEmpty()) {
      throw new IllegalArgumentException(
          "the s3 storage takes no settings per location (configure an S3StorageConfig instead),"
              + " got "
              + settings.keySet());
    }
    return open(location);
  }

  /**
   * Opens the state at {@code key} in the configured bucket.
   *
   * @param key the state's key, ending in .json or .npz
   * @return the state's storage
   * @throws IllegalStateException if no bucket was configured
   * @throws IllegalArgumentException if the key is not valid (see {@link #open(URI)})
   */
  public S3StateStorage open(String key) {
    S3StorageConfig c = config();
    String bucket =
        c.bucket()
            .orElseThrow(
                () -> new IllegalStateException("open(key) needs a bucket in the configuration"));
    return new S3StateStorage(client(), c, S3Location.of(bucket, key, c.keyPrefix()));
  }

  private synchronized S3StorageConfig config() {
    if (config == null) {
      config = S3StorageConfig.fromEnvironment();
    }
    return config;
  }

  private synchronized S3Client client() {
    if (client == null) {
      client = config().buildClient();
    }
    return client;
  }

  /** Closes the client if this provider built it; a client passed in stays open. */
  @Override
  public synchronized void close() {
    if (client != null && config.client().isEmpty()) {
      client.close();
    }
    client = null;
  }
}
