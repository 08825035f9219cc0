package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mlsdm.state.s3.S3Testing.read;
import static org.mlsdm.state.s3.S3Testing.save;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * radosgw killed with SIGKILL and restarted while four writers save: each save either succeeds (the
 * retries carried it over the outage) or fails with an IOException; afterwards every acknowledged
 * save is in the history with its bytes, every generation in the history is whole, and saves
 * succeed again.
 */
@ExtendWith(CephCluster.class)
class S3RgwRestartTest {
  private static final int WRITERS = 4;

  @Test
  void rgwKilledMidSaves_acknowledgedSavesSurvive_nothingPartialIsVisible() throws Exception {
    CephCluster.get();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger acksAfterRestart = new AtomicInteger();
    AtomicBoolean restarted = new AtomicBoolean();
    Map<Long, String> acked = new ConcurrentHashMap<>();
    String bucket;
    try (S3Client raw = S3Testing.rawClient();
        S3StorageProvider p =
            new S3StorageProvider(
                S3Testing.config()
                    .partSize(S3StorageConfig.MIN_PART_SIZE)
                    .retention(100_000)
                    .maxAttempts(20)
                    .build())) {
      bucket = S3Testing.newBucket(raw, "restart");
      URI uri = URI.create("s3://" + bucket + "/state.npz");
      Future<?>[] writers = new Future<?>[WRITERS];
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        S3StateStorage s = p.open(uri);
        writers[w] =
            pool.submit(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    // Every fourth save is multipart, so the outage also hits parts.
                    byte[] bytes =
                        i % 4 == 0
                            ? S3Testing.randomBytes(writer * 1000L + i, 6 * 1024 * 1024)
                            : ("writer " + writer + " save " + i)
                                .getBytes(StandardCharsets.US_ASCII);
                    try {
                      long g = save(s, bytes);
                      acked.put(g, S3Testing.sha256(bytes));
                      if (restarted.get()) {
                        acksAfterRestart.incrementAndGet();
                      }
                    } catch (IOException e) {
                      failures.incrementAndGet();
                    }
                  }
                  return null;
                });
      }
      while (acked.size() < 8) {
        Thread.sleep(20);
      }
      long down = System.nanoTime();
      CephCluster.killRgw();
      Thread.sleep(500);
      CephCluster.restartRgw();
      long outageMillis = (System.nanoTime() - down) / 1_000_000;
      restarted.set(true);
      while (acksAfterRestart.get() < 8) {
        Thread.sleep(20);
      }
      stop.set(true);
      for (Future<?> f : writers) {
        f.get();
      }

      S3StateStorage s = p.open(uri);
      Map<Long, StoredVersion> history = new HashMap<>();
      for (StoredVersion v : s.candidates()) {
        history.put(v.generation().getAsLong(), v);
      }
      assertThat(history.keySet()).containsAll(acked.keySet());
      for (StoredVersion v : history.values()) {
        // Whole: the bytes verify against the manifest (read() checks the SHA-256 at the end).
        byte[] bytes = read(v);
        if (acked.containsKey(v.generation().getAsLong())) {
          assertThat(S3Testing.sha256(bytes)).isEqualTo(acked.get(v.generation().getAsLong()));
        }
      }
      System.out.printf(
          "rgw restart: outage %d ms, %d acknowledged saves, %d failed cleanly, %d generations%n",
          outageMillis, acked.size(), failures.get(), history.size());
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }
}
