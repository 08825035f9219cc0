package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlsdm.state.s3.S3Testing.randomBytes;
import static org.mlsdm.state.s3.S3Testing.save;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StateStorageProvider;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * A load's data GET sent beside the listing ({@link Prefetch}): used when the listing confirms the
 * generation this instance knows, abandoned otherwise, and never in place of what the listing says.
 * Every GET the client sends is recorded with the thread that sent it and its range.
 */
@ExtendWith(CephCluster.class)
class S3PrefetchTest {
  private static final List<Get> GETS = new CopyOnWriteArrayList<>();
  private static S3Client raw;
  private static S3Client recording;
  private static String bucket;
  private static S3StorageProvider provider;

  private record Get(String key, String range, String thread) {}

  @BeforeAll
  static void setUp() {
    raw = S3Testing.rawClient();
    bucket = S3Testing.newBucket(raw, "pf");
    ExecutionInterceptor record =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof GetObjectRequest g) {
              GETS.add(new Get(g.key(), g.range(), Thread.currentThread().getName()));
            }
          }
        };
    // The provider's own client settings, plus the recorder.
    recording =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(record))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(CephCluster.ACCESS_KEY, CephCluster.SECRET_KEY)))
            .region(Region.US_EAST_1)
            .endpointOverride(CephCluster.get().endpoint())
            .forcePathStyle(true)
            .build();
    provider = new S3StorageProvider(S3Testing.config().client(recording).build());
  }

  @AfterAll
  static void tearDown() {
    if (provider != null) {
      provider.close();
    }
    for (S3Client c : new S3Client[] {recording, raw}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static S3StateStorage state(String key) {
    return provider.open(URI.create("s3://" + bucket + "/" + key));
  }

  private static List<Get> getsOf(String key) {
    return GETS.stream().filter(g -> g.key().equals(key)).toList();
  }

  private static byte[] readAll(SeekableByteChannel ch, int size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size);
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // reads until full
    }
    assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    return buf.array();
  }

  @Test
  void load_afterASave_readsTheResponseSentBesideTheListing() throws IOException {
    S3StateStorage s = state("known/state.json");
    byte[] bytes = randomBytes(1, 3_000_000);
    save(s, bytes);
    String data;
    try (StateStorage.ReadView view = s.read()) {
      StoredVersion v = view.current().orElseThrow();
      data = v.id();
      try (SeekableByteChannel ch = v.open()) {
        assertThat(readAll(ch, bytes.length)).isEqualTo(bytes);
      }
    }
    // One GET of the data object, from byte 0, sent by the background thread (before the listing
    // returned), and none by the reader.
    assertThat(getsOf(data))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.range()).isEqualTo("bytes=0-");
              assertThat(g.thread()).startsWith("mlsdm-s3-io");
            });
  }

  @Test
  void load_afterAnotherWriterPublished_readsTheNewestNotThePrefetched() throws IOException {
    S3StateStorage mine = state("raced/state.json");
    byte[] first = randomBytes(2, 200_000);
    save(mine, first);
    String firstData = mine.current().orElseThrow().id();
    S3StateStorage other = state("raced/state.json");
    byte[] second = randomBytes(3, 200_000);
    save(other, second);

    try (StateStorage.ReadView view = mine.read()) {
      StoredVersion v = view.current().orElseThrow();
      assertThat(v.generation()).hasValue(2);
      assertThat(v.id()).isNotEqualTo(firstData);
      try (SeekableByteChannel ch = v.open()) {
        assertThat(readAll(ch, second.length)).isEqualTo(second);
      }
      // The generation this instance knew was fetched on speculation and dropped; the newest was
      // read by the reader itself.
      assertThat(getsOf(firstData))
          .singleElement()
          .satisfies(g -> assertThat(g.thread()).startsWith("mlsdm-s3-io"));
      assertThat(getsOf(v.id()))
          .singleElement()
          .satisfies(g -> assertThat(g.thread()).isEqualTo(Thread.currentThread().getName()));
    }
  }

  @Test
  void npzLoad_prefetchesTheArchiveTail_whereTheZipReaderStarts() throws IOException {
    S3StateStorage s = state("tail/state.npz");
    byte[] bytes = randomBytes(4, 1_000_000);
    save(s, bytes);
    long tail = bytes.length - (22L + 0xFFFF);
    try (StateStorage.ReadView view = s.read()) {
      StoredVersion v = view.current().orElseThrow();
      try (SeekableByteChannel ch = v.open()) {
        ch.position(tail);
        ByteBuffer buf = ByteBuffer.allocate(100);
        assertThat(ch.read(buf)).isPositive();
        assertThat(buf.get(0)).isEqualTo(bytes[(int) tail]);
      }
      assertThat(getsOf(v.id()))
          .singleElement()
          .satisfies(
              g -> {
                assertThat(g.range()).isEqualTo("bytes=" + tail + "-");
                assertThat(g.thread()).startsWith("mlsdm-s3-io");
              });
    }
  }

  /** Sockets this process has open. */
  private static long sockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                  return false; // closed meanwhile
                }
              })
          .count();
    }
  }

  @Test
  void viewClosedWithoutReading_abortsThePrefetch_leavingNoConnectionOpen() throws Exception {
    S3StateStorage s = state("unread/state.json");
    byte[] bytes = randomBytes(5, 2_000_000);
    save(s, bytes);
    long before = sockets();
    // Views that list and never read: each prefetched response is aborted (its connection
    // closed), now or when it arrives. Unaborted, each would keep a socket until collected.
    for (int i = 0; i < 40; i++) {
      try (StateStorage.ReadView view = s.read()) {
        assertThat(view.current()).isPresent();
      }
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (sockets() > before + 5 && System.nanoTime() < deadline) {
      Thread.sleep(50); // the last responses may still be arriving, to be aborted then
    }
    assertThat(sockets()).isLessThanOrEqualTo(before + 5);
    try (StateStorage.ReadView view = s.read();
        SeekableByteChannel ch = view.current().orElseThrow().open()) {
      assertThat(readAll(ch, bytes.length)).isEqualTo(bytes);
    }
  }

  @Test
  @SuppressWarnings("try") // the registration is held, never referenced
  void npzLoadThroughTheCore_hashesWithASecondReaderBesideTheParse_andChecksTheDigest()
      throws Exception {
    StateLocation loc = StateLocation.parse("s3://" + bucket + "/core/state.npz");
    try (StateStorageProvider.Registration r = StateStorageProvider.register(provider)) {
      SystemStateRecord saved =
          SystemStates.save(
              SystemStates.createEmpty(64).withId("npz"), loc, SaveOptions.defaults());
      String data = state("core/state.npz").current().orElseThrow().id();
      GETS.clear();
      assertThat(SystemStates.load(loc, LoadOptions.defaults())).isEqualTo(saved);
      // The parse reads by jumps (the archive's tail first); the whole object, from byte 0 to the
      // end, is read once more for its SHA-256 by the second reader, on its own thread, while the
      // parse runs (before, after it, on the loading thread).
      assertThat(getsOf(data))
          .filteredOn(g -> "bytes=0-".equals(g.range()))
          .extracting(Get::thread)
          .contains("mlsdm-state-second-reader");

      // A data object whose bytes differ from the manifest's SHA-256 is refused by that digest.
      byte[] bytes = raw.getObjectAsBytes(b -> b.bucket(bucket).key(data)).asByteArray();
      bytes[bytes.length / 2] ^= 1;
      raw.putObject(b -> b.bucket(bucket).key(data), RequestBody.fromBytes(bytes));
      assertThatThrownBy(() -> SystemStates.load(loc, LoadOptions.defaults()))
          .isInstanceOf(StateCorruptionException.class);
    }
  }
}
