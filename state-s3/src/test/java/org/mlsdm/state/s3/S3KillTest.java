package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlsdm.state.s3.S3Testing.keys;
import static org.mlsdm.state.s3.S3Testing.read;
import static org.mlsdm.state.s3.S3Testing.save;
import static org.mlsdm.state.s3.S3Testing.uploads;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A writer JVM killed with SIGKILL at each step of a save: before any data was sent, between the
 * parts of a multipart upload, after the data and before the manifest, after the manifest. The next
 * reader sees a whole generation (the previous one, or the new one once its manifest exists), and
 * gc then leaves no upload and no unreferenced data object.
 */
@ExtendWith(CephCluster.class)
class S3KillTest {
  private static final int SIZE = 3 * S3StorageConfig.MIN_PART_SIZE + 1234;

  private static S3Client raw;
  private static String bucket;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "kill");
  }

  @AfterAll
  static void tearDown() {
    if (raw != null) {
      raw.close();
    }
  }

  @ParameterizedTest
  @EnumSource(S3StateStorage.Step.class)
  void sigkillAtStep_nextReaderSeesAWholeGeneration_gcLeavesNoOrphans(S3StateStorage.Step step)
      throws Exception {
    URI uri = URI.create("s3://" + bucket + "/" + step.name().toLowerCase(Locale.ROOT) + ".npz");
    URI endpoint = CephCluster.get().endpoint();
    byte[] first = S3Testing.randomBytes(1, 1000);
    try (S3StorageProvider p = new S3StorageProvider(S3Testing.config().build());
        S3StorageProvider gcOnly =
            new S3StorageProvider(S3Testing.config().gracePeriod(Duration.ZERO).build())) {
      S3StateStorage s = p.open(uri);
      save(s, first);

      Process child =
          S3Testing.startChild(
              dir.resolve("child.err"),
              S3KillChild.class,
              endpoint.toString(),
              uri.toString(),
              step.name(),
              Integer.toString(SIZE),
              "2");
      String line;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        line = out.readLine();
        assertThat(line).as("child output; stderr in %s", dir).isEqualTo("AT " + step);
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(child.exitValue()).isEqualTo(137);

      boolean published = step == S3StateStorage.Step.MANIFEST_CREATED;
      StoredVersion now = p.open(uri).current().orElseThrow();
      assertThat(now.generation()).hasValue(published ? 2 : 1);
      assertThat(read(now)).isEqualTo(published ? S3Testing.randomBytes(2, SIZE) : first);
      if (step == S3StateStorage.Step.PART_UPLOADED) {
        assertThat(uploads(raw, bucket, s.location().base)).hasSize(1);
      }
      if (step == S3StateStorage.Step.DATA_UPLOADED) {
        assertThat(keys(raw, bucket, s.location().dataPrefix())).hasSize(2);
      }

      // Server timestamps have one-second resolution: let "now" pass the orphans' times.
      Thread.sleep(1_100);
      S3StateStorage collector = gcOnly.open(uri);
      GcReport report = collector.gc();
      assertThat(report.abortedUploads())
          .isEqualTo(step == S3StateStorage.Step.PART_UPLOADED ? 1 : 0);
      assertThat(report.deletedDataObjects())
          .isEqualTo(step == S3StateStorage.Step.DATA_UPLOADED ? 1 : 0);
      assertThat(uploads(raw, bucket, s.location().base)).isEmpty();
      List<String> referenced = new ArrayList<>();
      for (Generation g : collector.generations()) {
        referenced.add(g.dataKey());
      }
      assertThat(keys(raw, bucket, s.location().dataPrefix()))
          .containsExactlyInAnyOrderElementsOf(referenced);
      assertThat(read(collector.current().orElseThrow())).hasSize(published ? SIZE : 1000);
    }
  }
}
