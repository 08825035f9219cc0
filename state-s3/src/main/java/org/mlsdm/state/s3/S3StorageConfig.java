package org.mlsdm.state.s3;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How states on S3 are reached and kept: the client (or what to build one from), an optional
 * default bucket, a key prefix, the retention and the timing rules. Immutable; build with {@link
 * #builder()}, or {@link #fromEnvironment()} for the SDK's defaults.
 *
 * <p>When no {@link S3Client} is given, one is built with the JDK's HTTP client, path-style
 * addressing when an endpoint is set, checksums only where an operation requires them (the store
 * sends {@code Content-MD5} itself on every PUT and part) and no SDK retries (the store retries
 * itself, see {@link S3StateStorage}). A client passed in is used as is and never closed by the
 * store; give it the same settings for servers other than AWS.
 *
 * <p>Defaults: retention 10 generations, grace period 15 minutes, parts of 16 MiB, 10 attempts per
 * request, key prefix empty, region and credentials from the SDK's default chains.
 */
public final class S3StorageConfig {
  /** The smallest part S3 accepts for every part but the last. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  private static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;

  private final S3Client client;
  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final String bucket;
  private final String keyPrefix;
  private final int retention;
  private final Duration gracePeriod;
  private final int partSize;
  private final int maxAttempts;
  private final String writerId;

  private S3StorageConfig(Builder b) {
    this.client = b.client;
    this.endpoint = b.endpoint;
    this.credentials = b.credentials;
    this.region = b.region;
    this.bucket = b.bucket;
    this.keyPrefix = b.keyPrefix;
    this.retention = b.retention;
    this.gracePeriod = b.gracePeriod;
    this.partSize = b.partSize;
    this.maxAttempts = b.maxAttempts;
    this.writerId = b.writerId != null ? b.writerId : defaultWriterId();
  }

  /**
   * A builder with the defaults.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The configuration the {@link java.util.ServiceLoader} path uses: endpoint from {@code
   * AWS_ENDPOINT_URL} (environment) or {@code aws.endpointUrl} (system property) when set,
   * credentials and region from the SDK's default chains (region {@code us-east-1} when a custom
   * endpoint is set and no region is configured), everything else the defaults.
   *
   * @return the configuration
   * @throws IllegalArgumentException if {@code AWS_ENDPOINT_URL} is not a valid URI
   */
  public static S3StorageConfig fromEnvironment() {
    Builder b = builder();
    String url = System.getProperty("aws.endpointUrl", System.getenv("AWS_ENDPOINT_URL"));
    if (url != null && !url.isBlank()) {
      try {
        b.endpoint(new URI(url.trim()));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("AWS_ENDPOINT_URL is not a URI, got " + url, e);
      }
    }
    return b.build();
  }

  /**
   * The endpoint given to the builder (or read from the environment), if any.
   *
   * @return the endpoint, or empty for the SDK's default (AWS)
   */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * The client given to the builder, if any.
   *
   * @return the client given to the builder, if any
   */
  public Optional<S3Client> client() {
    return Optional.ofNullable(client);
  }

  /**
   * The bucket used by {@link S3StorageProvider#open(String)}, if set.
   *
   * @return the bucket used by {@link S3StorageProvider#open(String)}, if set
   */
  public Optional<String> bucket() {
    return Optional.ofNullable(bucket);
  }

  /**
   * Prepended to every key the store reads or writes; empty by default.
   *
   * @return the key prefix
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * How many of the newest generations a commit never prunes (at least 2: current and backup).
   *
   * @return the retention
   */
  public int retention() {
    return retention;
  }

  /**
   * The time a superseded generation stays readable, a write may take from its first data byte to
   * its manifest, and an unreferenced data object or upload is spared by {@code gc}.
   *
   * @return the grace period
   */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /**
   * Bytes per multipart part, and the largest object sent in one PUT.
   *
   * @return the part size in bytes
   */
  public int partSize() {
    return partSize;
  }

  /**
   * Attempts per request before a transient error is reported.
   *
   * @return the attempts per request
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Recorded in every manifest this store writes, for inspection.
   *
   * @return the writer id
   */
  public String writerId() {
    return writerId;
  }

  /** Builds the client this configuration describes (only when none was given). */
  S3Client buildClient() {
    if (client != null) {
      return client;
    }
    var b =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(60)))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            // The store retries with its own backoff and knows which answers mean a conflict.
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .credentialsProvider(
                credentials != null ? credentials : DefaultCredentialsProvider.builder().build());
    Region r = region;
    if (r == null) {
      try {
        r = DefaultAwsRegionProviderChain.builder().build().getRegion();
      } catch (RuntimeException e) {
        if (endpoint == null) {
          throw e;
        }
        // S3-compatible servers accept any region in the signature; AWS needs the real one.
        r = Region.US_EAST_1;
      }
    }
    b.region(r);
    if (endpoint != null) {
      b.endpointOverride(endpoint).forcePathStyle(true);
    }
    return b.build();
  }

  private static String defaultWriterId() {
    byte[] nonce = new byte[4];
    new SecureRandom().nextBytes(nonce);
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    long pid = ProcessHandle.current().pid();
    return (host + "/" + pid + "/" + HexFormat.of().formatHex(nonce)).toLowerCase(Locale.ROOT);
  }

  /** Builds an {@link S3StorageConfig}; each setter validates its argument. */
  public static final class Builder {
    private S3Client client;
    private URI endpoint;
    private AwsCredentialsProvider credentials;
    private Region region;
    private String bucket;
    private String keyPrefix = "";
    private int retention = 10;
    private Duration gracePeriod = Duration.ofMinutes(15);
    private int partSize = DEFAULT_PART_SIZE;
    private int maxAttempts = 10;
    private String writerId;

    private Builder() {}

    /**
     * Uses this client as is (the endpoint, credentials and region settings are then unused).
     *
     * @param client the client to use
     * @return this builder
     */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * A custom endpoint ({@code http://127.0.0.1:7480} for a local RGW); implies path-style.
     *
     * @param endpoint the endpoint URI
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute http or https URI
     */
    public Builder endpoint(URI endpoint) {
      String s = endpoint.getScheme();
      if (s == null || !(s.equalsIgnoreCase("http") || s.equalsIgnoreCase("https"))) {
        throw new IllegalArgumentException("endpoint must be an http(s) URI, got " + endpoint);
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * The credentials; the SDK's default chain when not set.
     *
     * @param credentials the credentials provider
     * @return this builder
     */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * The region; the SDK's default chain when not set.
     *
     * @param region the region
     * @return this builder
     */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * The bucket for {@link S3StorageProvider#open(String)}.
     *
     * @param bucket the bucket name
     * @return this builder
     * @throws IllegalArgumentException if it is not a valid bucket name (3–63 of a-z 0-9 . -)
     */
    public Builder bucket(String bucket) {
      this.bucket = S3Location.checkBucket(bucket);
      return this;
    }

    /**
     * Prepended to every key, e.g. {@code "agents/"}; may be empty.
     *
     * @param keyPrefix the prefix, possibly empty
     * @return this builder
     * @throws IllegalArgumentException if it starts with {@code /} or is longer than 512 chars
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix.startsWith("/") || keyPrefix.length() > 512) {
        throw new IllegalArgumentException(
            "keyPrefix must not start with / and be at most 512 chars, got " + keyPrefix);
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * How many newest generations are never pruned.
     *
     * @param retention the number of generations
     * @return this builder
     * @throws IllegalArgumentException if below 2 (the current generation and its backup)
     */
    public Builder retention(int retention) {
      if (retention < 2) {
        throw new IllegalArgumentException("retention must be >= 2, got " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * The grace period of the pruning and gc rules. A store that writes needs one longer than twice
     * its slowest write (the timing rule); zero suits a store that only runs {@code gc}.
     *
     * @param gracePeriod the grace period
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder gracePeriod(Duration gracePeriod) {
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("gracePeriod must be >= 0, got " + gracePeriod);
      }
      this.gracePeriod = gracePeriod;
      return this;
    }

    /**
     * Bytes per multipart part.
     *
     * @param partSize the part size in bytes
     * @return this builder
     * @throws IllegalArgumentException if below {@link #MIN_PART_SIZE} or above 512 MiB
     */
    public Builder partSize(int partSize) {
      if (partSize < MIN_PART_SIZE || partSize > 512 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "partSize must be in [" + MIN_PART_SIZE + ", 512 MiB], got " + partSize);
      }
      this.partSize = partSize;
      return this;
    }

    /**
     * Attempts per request for transient errors.
     *
     * @param maxAttempts the attempts per request
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The writer id recorded in manifests; host/pid/random by default.
     *
     * @param writerId the writer id
     * @return this builder
     * @throws IllegalArgumentException if empty, longer than 200 chars or not printable ASCII
     */
    public Builder writerId(String writerId) {
      if (writerId.isEmpty() || writerId.length() > 200 || !writerId.matches("[\\x20-\\x7e]+")) {
        throw new IllegalArgumentException(
            "writerId must be 1-200 printable ASCII chars, got " + writerId);
      }
      this.writerId = writerId;
      return this;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public S3StorageConfig build() {
      return new S3StorageConfig(this);
    }
  }
}
