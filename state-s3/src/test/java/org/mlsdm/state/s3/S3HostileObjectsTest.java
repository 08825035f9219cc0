package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlsdm.state.s3.S3Testing.read;
import static org.mlsdm.state.s3.S3Testing.save;
import static org.mlsdm.state.s3.S3Testing.sha256;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Objects a store never writes, planted next to a good generation: each is refused with an
 * IOException that names the key and the problem, never read unbounded, and recovery (the
 * candidates) falls back to the good generation.
 */
@ExtendWith(CephCluster.class)
class S3HostileObjectsTest {
  private static S3Client raw;
  private static String bucket;
  private static S3StorageProvider provider;
  private static int states;

  @BeforeAll
  static void setUp() {
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "hostile");
    provider = new S3StorageProvider(S3Testing.config().build());
  }

  @AfterAll
  static void tearDown() {
    if (provider != null) {
      provider.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  /**
   * A state with a good generation 1 ("good"), and {@code manifest2} (unless null: the test plants
   * it) as generation 2.
   */
  private static S3StateStorage withSecondManifest(byte[] manifest2) throws IOException {
    S3StateStorage s = provider.open(URI.create("s3://" + bucket + "/s" + ++states + ".json"));
    save(s, "good".getBytes(StandardCharsets.US_ASCII));
    if (manifest2 != null) {
      put(s.location().manifestKey(2), manifest2);
    }
    return s;
  }

  private static void put(String key, byte[] bytes) {
    raw.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  private static byte[] manifest(String dataKey, long size, String sha) {
    return Manifests.encode(
        new Generation(
            2, 1, dataKey, size, sha, Instant.now(), "hostile", OptionalLong.empty(), false));
  }

  private static String dataKey(S3StateStorage s, char c) {
    return s.location().dataPrefix() + "20260101T000000Z-" + String.valueOf(c).repeat(32);
  }

  private static void assertRecoveryFallsBackToGeneration1(S3StateStorage s) throws IOException {
    StoredVersion good =
        s.candidates().stream()
            .filter(v -> v.generation().getAsLong() == 1)
            .findFirst()
            .orElseThrow();
    assertThat(read(good)).asString().isEqualTo("good");
  }

  @Test
  void manifestNamingAMissingObject_readFails_namingBoth() throws IOException {
    S3StateStorage s = withSecondManifest(null);
    String missing = dataKey(s, 'a');
    put(s.location().manifestKey(2), manifest(missing, 10, sha256(new byte[10])));
    StoredVersion v = s.current().orElseThrow();
    assertThatThrownBy(() -> read(v))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("data object " + missing)
        .hasMessageContaining("named by manifest " + s.location().manifestKey(2))
        .hasMessageContaining("missing");
    assertRecoveryFallsBackToGeneration1(s);
  }

  @Test
  void wrongHash_readToTheEnd_failsWithChecksumMismatch() throws IOException {
    S3StateStorage s = withSecondManifest(null);
    String key = dataKey(s, 'b');
    put(key, "evil".getBytes(StandardCharsets.US_ASCII));
    String claimed = sha256("nice".getBytes(StandardCharsets.US_ASCII));
    put(s.location().manifestKey(2), manifest(key, 4, claimed));
    assertThatThrownBy(() -> read(s.current().orElseThrow()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Checksum mismatch for s3://" + bucket + "/" + key)
        .hasMessageContaining("expected " + claimed)
        .hasMessageContaining("actual " + sha256("evil".getBytes(StandardCharsets.US_ASCII)));
    assertRecoveryFallsBackToGeneration1(s);
  }

  @Test
  void wrongHash_manyChunks_noReadEndsCleanly_theReadOfTheLastByteFails() throws IOException {
    S3StateStorage s = withSecondManifest(null);
    String key = dataKey(s, 'e');
    // Large enough to be hashed in the background, and many more chunks than the hashing pipeline
    // holds, so its buffers go round several times.
    byte[] evil =
        S3Testing.randomBytes(11, (int) RangedChannel.BACKGROUND_HASH_MIN + 1024 * 1024 + 5);
    byte[] nice = evil.clone();
    nice[nice.length - 1] ^= 1;
    put(key, evil);
    put(s.location().manifestKey(2), manifest(key, evil.length, sha256(nice)));
    IOException failure = null;
    long delivered = 0;
    try (SeekableByteChannel ch = s.current().orElseThrow().open()) {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (failure == null) {
        buf.clear();
        try {
          int n = ch.read(buf);
          assertThat(n).as("a read before the mismatch was reported").isPositive();
          delivered += n;
        } catch (IOException e) {
          failure = e;
        }
      }
      assertThat(ch.position()).isEqualTo(evil.length);
    }
    assertThat(delivered).isLessThan(evil.length);
    assertThat(failure)
        .hasMessageStartingWith("Checksum mismatch for s3://" + bucket + "/" + key)
        .hasMessageContaining("expected " + sha256(nice))
        .hasMessageContaining("actual " + sha256(evil));
    assertRecoveryFallsBackToGeneration1(s);
  }

  @Test
  void wrongSize_failsNamingBothLengths() throws IOException {
    S3StateStorage s = withSecondManifest(null);
    String key = dataKey(s, 'c');
    put(key, new byte[100]);
    put(s.location().manifestKey(2), manifest(key, 1L << 40, sha256(new byte[100])));
    // The manifest's size is what a reader would allocate or trust; the channel checks it first.
    StoredVersion v = s.current().orElseThrow();
    assertThat(v.size()).isEqualTo(1L << 40);
    assertThatThrownBy(() -> v.open().read(java.nio.ByteBuffer.allocate(10)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has 100 bytes, but manifest")
        .hasMessageContaining("says " + (1L << 40));
  }

  @Test
  void hugeManifest_isRefusedUnread() throws IOException {
    byte[] huge = new byte[48 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    S3StateStorage s = withSecondManifest(huge);
    assertThatThrownBy(s::current)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has " + huge.length + " bytes, more than " + Manifests.MAX_BYTES);
    assertRecoveryFallsBackToGeneration1(s);
  }

  @Test
  void garbageManifest_currentFails_candidatesSkipIt() throws IOException {
    S3StateStorage s =
        withSecondManifest("{\"format\": \"mlsdm-s3-manif".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(s::current)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(s.location().manifestKey(2))
        .hasMessageContaining("not valid JSON");
    assertThat(s.candidates())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.generation()).hasValue(1);
              assertThat(v.kind()).isEqualTo(StoredVersion.Kind.BACKUP);
            });
    assertRecoveryFallsBackToGeneration1(s);
  }

  @Test
  void deeplyNestedManifest_isRefused() throws IOException {
    String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    S3StateStorage s = withSecondManifest(deep.getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(s::current)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(s.location().manifestKey(2));
  }

  @Test
  void manifestNamingAnotherStatesData_isRefused() throws IOException {
    S3StateStorage other = provider.open(URI.create("s3://" + bucket + "/other.json"));
    save(other, "secret".getBytes(StandardCharsets.US_ASCII));
    String foreign = other.generations().get(0).dataKey();
    S3StateStorage s = withSecondManifest(null);
    put(
        s.location().manifestKey(2),
        manifest(foreign, 6, sha256("secret".getBytes(StandardCharsets.US_ASCII))));
    assertThatThrownBy(s::current)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("names data " + foreign)
        .hasMessageContaining("not a data key of " + s.describe());
  }

  @Test
  void manifestWhoseGenerationDiffersFromItsKey_isRefused() throws IOException {
    S3StateStorage s = withSecondManifest(null);
    byte[] gen1 = rawRead(s.location().manifestKey(1));
    put(s.location().manifestKey(2), gen1);
    assertThatThrownBy(s::current)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("says generation 1, its key 2");
  }

  private static byte[] rawRead(String key) {
    return raw.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }
}
