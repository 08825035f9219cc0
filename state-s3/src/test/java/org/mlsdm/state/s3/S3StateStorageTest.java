package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlsdm.state.s3.S3Testing.keys;
import static org.mlsdm.state.s3.S3Testing.randomBytes;
import static org.mlsdm.state.s3.S3Testing.read;
import static org.mlsdm.state.s3.S3Testing.save;
import static org.mlsdm.state.s3.S3Testing.sha256;
import static org.mlsdm.state.s3.S3Testing.uploads;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StateStorageProvider;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.services.s3.S3Client;

/** Round trips, generations, restore, delete, retention and gc against the real RGW. */
@ExtendWith(CephCluster.class)
class S3StateStorageTest {
  private static S3Client raw;
  private static String bucket;
  private static S3StorageProvider provider;

  @BeforeAll
  static void setUp() {
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "rt");
    provider =
        new S3StorageProvider(S3Testing.config().partSize(S3StorageConfig.MIN_PART_SIZE).build());
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

  private static S3StateStorage state(String key) {
    return provider.open(URI.create("s3://" + bucket + "/" + key));
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 4096, 5 * 1024 * 1024, 5 * 1024 * 1024 + 1, 40_000_000})
  void save_thenCurrent_returnsTheSameBytes(int size) throws IOException {
    S3StateStorage s = state("sizes/" + size + ".npz");
    byte[] bytes = randomBytes(size, size);
    long g = save(s, bytes);
    StoredVersion v = s.current().orElseThrow();
    assertThat(v.generation()).hasValue(g);
    assertThat(v.size()).isEqualTo(size);
    assertThat(v.recordedSha256()).hasValue(sha256(bytes));
    assertThat(read(v)).isEqualTo(bytes);
    // Multipart leaves no upload behind, and exactly one data object (none when empty) and one
    // manifest.
    assertThat(uploads(raw, bucket, s.location().base)).isEmpty();
    assertThat(keys(raw, bucket, s.location().base))
        .hasSize(size == 0 ? 1 : 2)
        .contains(s.location().manifestKey(g));
  }

  @Test
  void open_seeksAnywhere_readsTheBytesThere() throws IOException {
    S3StateStorage s = state("seek/state.npz");
    byte[] bytes = randomBytes(7, 12 * 1024 * 1024 + 17);
    save(s, bytes);
    try (SeekableByteChannel ch = s.current().orElseThrow().open()) {
      for (long pos : new long[] {bytes.length - 22, 0, 5 * 1024 * 1024 - 3, 1, bytes.length - 1}) {
        ByteBuffer buf = ByteBuffer.allocate(100);
        ch.position(pos);
        int n = ch.read(buf);
        int expected = (int) Math.min(100, bytes.length - pos);
        assertThat(n).isPositive().isLessThanOrEqualTo(expected);
        assertThat(Arrays.copyOf(buf.array(), n))
            .isEqualTo(Arrays.copyOfRange(bytes, (int) pos, (int) pos + n));
      }
      ch.position(bytes.length);
      assertThat(ch.read(ByteBuffer.allocate(10))).isEqualTo(-1);
      assertThat(ch.size()).isEqualTo(bytes.length);
    }
  }

  @Test
  void saves_numberGenerations_backupIsPrevious_candidatesNewestFirst() throws IOException {
    S3StateStorage s = state("gens/state.json");
    assertThat(s.current()).isEmpty();
    assertThat(s.candidates()).isEmpty();
    for (int i = 1; i <= 3; i++) {
      assertThat(save(s, ("v" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
          .isEqualTo(i);
    }
    assertThat(read(s.current().orElseThrow())).asString().isEqualTo("v3");
    StoredVersion backup = s.backup().orElseThrow();
    assertThat(backup.generation()).hasValue(2);
    assertThat(read(backup)).asString().isEqualTo("v2");
    List<StoredVersion> c = s.candidates();
    assertThat(c).extracting(v -> v.generation().getAsLong()).containsExactly(3L, 2L, 1L);
    assertThat(c)
        .extracting(StoredVersion::kind)
        .containsExactly(
            StoredVersion.Kind.CURRENT, StoredVersion.Kind.BACKUP, StoredVersion.Kind.GENERATION);
    List<Generation> gens = s.generations();
    assertThat(gens).extracting(Generation::previous).containsExactly(2L, 1L, 0L);
    assertThat(gens).allSatisfy(g -> assertThat(g.writer()).matches(".+/[0-9]+/[0-9a-f]{8}"));
  }

  @Test
  void commit_withStaleExpectedGeneration_throwsConcurrentUpdate_andPublishesNothing()
      throws IOException {
    S3StateStorage s = state("cas/state.json");
    assertThat(save(s, new byte[] {1}, OptionalLong.of(0))).isEqualTo(1);
    assertThat(save(s, new byte[] {2}, OptionalLong.of(1))).isEqualTo(2);
    assertThatThrownBy(() -> save(s, new byte[] {3}, OptionalLong.of(1)))
        .isInstanceOf(ConcurrentUpdateException.class)
        .hasMessageContaining("expected generation 1")
        .hasMessageContaining("newest is 2");
    assertThatThrownBy(() -> save(s, new byte[] {3}, OptionalLong.of(0)))
        .isInstanceOf(ConcurrentUpdateException.class);
    assertThat(s.current().orElseThrow().generation()).hasValue(2);
    // The refused writes' data objects were removed: one per generation remains.
    assertThat(keys(raw, bucket, s.location().dataPrefix())).hasSize(2);
  }

  @Test
  void commit_withWrongSha_throws_andLeavesNothing() throws IOException {
    S3StateStorage s = state("badsha/state.json");
    try (S3StateStorage.S3Write w = s.begin()) {
      w.out().write(new byte[] {1, 2, 3});
      assertThatThrownBy(() -> w.commit(sha256(new byte[] {9}), OptionalLong.empty()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not that of the bytes written");
    }
    assertThat(s.current()).isEmpty();
    assertThat(keys(raw, bucket, s.location().base)).isEmpty();
  }

  @Test
  void close_withoutCommit_abortsTheMultipartUpload() throws IOException {
    S3StateStorage s = state("abandon/state.npz");
    try (StateStorage.Write w = s.begin()) {
      w.out().write(randomBytes(1, S3StorageConfig.MIN_PART_SIZE + 10));
      assertThat(uploads(raw, bucket, s.location().base)).hasSize(1);
    }
    assertThat(uploads(raw, bucket, s.location().base)).isEmpty();
    assertThat(keys(raw, bucket, s.location().base)).isEmpty();
  }

  @Test
  void restore_republishesAnOlderGenerationAsANewOne() throws IOException {
    S3StateStorage s = state("restore/state.json");
    save(s, "old".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    save(s, "new".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StoredVersion old = s.backup().orElseThrow();
    assertThat(s.restore(old)).hasValueSatisfying(d -> assertThat(d).contains("generation 2"));
    StoredVersion now = s.current().orElseThrow();
    assertThat(now.generation()).hasValue(3);
    assertThat(read(now)).asString().isEqualTo("old");
    assertThat(s.generations().get(0).restoredFrom()).hasValue(1);
    assertThat(read(s.backup().orElseThrow())).asString().isEqualTo("new");
  }

  @Test
  void delete_withoutBackup_hidesTheState_butRecoveryStillFindsIt() throws IOException {
    S3StateStorage s = state("delete/keep.json");
    save(s, new byte[] {1});
    save(s, new byte[] {2});
    s.delete(false);
    assertThat(s.current()).isEmpty();
    assertThat(read(s.backup().orElseThrow())).containsExactly(2);
    assertThat(s.candidates()).hasSize(2);
    assertThat(save(s, new byte[] {3})).isEqualTo(4);
  }

  @Test
  void delete_withBackup_removesEveryObject() throws IOException {
    S3StateStorage s = state("delete/all.json");
    save(s, new byte[] {1});
    save(s, new byte[] {2});
    s.delete(true);
    assertThat(s.current()).isEmpty();
    assertThat(s.candidates()).isEmpty();
    assertThat(keys(raw, bucket, s.location().base)).isEmpty();
    s.delete(true);
    assertThat(save(s, new byte[] {3})).isEqualTo(1);
  }

  @Test
  void current_afterAnotherWriterPublished_readsTheNewerGeneration() throws IOException {
    S3StateStorage first = state("others/newer.json");
    save(first, new byte[] {1});
    assertThat(read(first.current().orElseThrow())).containsExactly(1);
    save(state("others/newer.json"), new byte[] {2});
    // The generation this instance last saw is still there, but it is no longer the newest.
    StoredVersion v = first.current().orElseThrow();
    assertThat(v.generation()).hasValue(2);
    assertThat(read(v)).containsExactly(2);
  }

  @Test
  void current_afterAnotherWriterRecreatedTheState_readsTheNewManifestAtTheSameKey()
      throws IOException {
    S3StateStorage first = state("others/recreated.json");
    save(first, new byte[] {1});
    assertThat(read(first.current().orElseThrow())).containsExactly(1);
    S3StateStorage second = state("others/recreated.json");
    second.delete(true);
    assertThat(save(second, new byte[] {2})).isEqualTo(1);
    // Generation 1 again, under the key this instance read before: another manifest, other data.
    StoredVersion v = first.current().orElseThrow();
    assertThat(v.generation()).hasValue(1);
    assertThat(read(v)).containsExactly(2);
  }

  @Test
  void retention_prunesOnlyBeyondTheNewestN_andOnlyAfterTheGracePeriod() throws Exception {
    try (S3StorageProvider longGrace =
            new S3StorageProvider(
                S3Testing.config().retention(3).gracePeriod(Duration.ofHours(1)).build());
        S3StorageProvider noGrace =
            new S3StorageProvider(
                S3Testing.config().retention(3).gracePeriod(Duration.ZERO).build())) {
      URI uri = URI.create("s3://" + bucket + "/retention/state.json");
      S3StateStorage graceful = longGrace.open(uri);
      for (int i = 1; i <= 6; i++) {
        save(graceful, new byte[] {(byte) i});
      }
      // Superseded less than an hour ago: a reader may still be loading them, all six stay.
      assertThat(graceful.generations()).hasSize(6);

      // Server timestamps have one-second resolution: let "now" pass the last commit.
      Thread.sleep(1_100);
      S3StateStorage eager = noGrace.open(uri);
      assertThat(eager.prune()).isEqualTo(3);
      assertThat(eager.generations())
          .extracting(Generation::generation)
          .containsExactly(6L, 5L, 4L);
      assertThat(keys(raw, bucket, eager.location().dataPrefix())).hasSize(3);
    }
  }

  @Test
  void gc_removesOrphans_keepsReferencedData() throws Exception {
    try (S3StorageProvider noGrace =
        new S3StorageProvider(
            S3Testing.config()
                .partSize(S3StorageConfig.MIN_PART_SIZE)
                .gracePeriod(Duration.ZERO)
                .build())) {
      URI uri = URI.create("s3://" + bucket + "/gc/state.npz");
      // Written with the default grace: with none, a write could never meet the timing rule.
      save(provider.open(uri), new byte[] {1});
      S3StateStorage s = noGrace.open(uri);
      // A crashed writer's leftovers: a started multipart upload, and a whole data object that
      // never got its manifest (written through the raw client, as a killed process leaves them).
      String orphan = s.location().dataPrefix() + "20260101T000000Z-" + "0".repeat(32);
      raw.putObject(
          b -> b.bucket(bucket).key(orphan),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {9}));
      raw.createMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(s.location().dataPrefix() + "20260101T000000Z-" + "1".repeat(32)));
      Thread.sleep(1_100);
      GcReport report = s.gc();
      assertThat(report.abortedUploads()).isEqualTo(1);
      assertThat(report.deletedDataObjects()).isEqualTo(1);
      assertThat(uploads(raw, bucket, s.location().base)).isEmpty();
      assertThat(keys(raw, bucket, s.location().dataPrefix()))
          .containsExactly(s.generations().get(0).dataKey());
      assertThat(read(s.current().orElseThrow())).containsExactly(1);
    }
  }

  @Test
  void serviceLoader_findsTheProviderForS3() {
    assertThat(
            ServiceLoader.load(StateStorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("s3")))
        .hasSize(1)
        .allMatch(p -> p instanceof S3StorageProvider);
  }
}
