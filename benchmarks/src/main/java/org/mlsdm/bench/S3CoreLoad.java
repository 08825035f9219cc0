package org.mlsdm.bench;

import java.net.URI;
import java.util.Locale;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.s3.S3StorageConfig;
import org.mlsdm.state.s3.S3StorageProvider;
import org.mlsdm.state.spi.StateStorageProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Times whole loads of a state through the library ({@code SystemStates.load} of an {@code s3://}
 * location: listing, reading, parsing, checksum, validation), where {@link S3Bench} times the
 * provider's channel alone.
 *
 * <pre>
 * S3CoreLoad ROWS REPS json|npz [LABEL]    saves Workload.state(ROWS) to a fresh bucket, loads it
 *                                         3 times to warm up, then times REPS loads
 * </pre>
 *
 * <p>Environment as for {@link S3Bench}: {@code AWS_ENDPOINT_URL}, {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}.
 */
public final class S3CoreLoad {
  private S3CoreLoad() {}

  /**
   * Runs the measurement.
   *
   * @param args ROWS REPS FORMAT [LABEL]
   * @throws Exception if the server cannot be reached
   */
  @SuppressWarnings("try") // the registration is held, never referenced
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: S3CoreLoad ROWS REPS json|npz [LABEL]");
      System.exit(2);
    }
    int rows = Integer.parseInt(args[0]);
    int reps = Integer.parseInt(args[1]);
    String format = args[2].toLowerCase(Locale.ROOT);
    URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL"));
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(
                System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY")));
    String bucket = "core-load-" + ProcessHandle.current().pid();
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .build()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    S3StorageConfig config =
        S3StorageConfig.builder().endpoint(endpoint).credentials(credentials).build();
    try (S3StorageProvider provider = new S3StorageProvider(config);
        StateStorageProvider.Registration registration = StateStorageProvider.register(provider)) {
      StateLocation location = StateLocation.parse("s3://" + bucket + "/state." + format);
      SystemStates.save(Workload.state(rows), location, SaveOptions.defaults());
      LoadTimes.timeLoads(
          args.length > 3 ? args[3] : "-",
          format,
          rows,
          3,
          reps,
          () -> SystemStates.load(location, LoadOptions.defaults()));
    }
  }
}
