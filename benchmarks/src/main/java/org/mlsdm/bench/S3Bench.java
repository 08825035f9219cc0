package org.mlsdm.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.mlsdm.state.s3.S3StateStorage;
import org.mlsdm.state.s3.S3StorageConfig;
import org.mlsdm.state.s3.S3StorageProvider;
import org.mlsdm.state.spi.StateStorage;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Save and load of byte blobs the size of W-S, W-M and W-L through the S3 provider, beside the
 * floor on the same server in the same run: a bare multipart PUT (same 16 MiB parts, no checksums)
 * and one streamed GET of the same bytes. Repetitions alternate floor and provider so drift in the
 * shared machine's load hits both.
 *
 * <p>Save is {@code begin}, writing the blob, {@code commit} (the provider's SHA-256 check, its
 * Content-MD5s and the manifest round trips included; the caller's SHA-256, which the core computes
 * while encoding, is computed outside the timing). Load is {@code current()} and reading the
 * channel to its end (ranged GET, SHA-256 checked at the end).
 *
 * <p>Environment: {@code AWS_ENDPOINT_URL}, {@code AWS_ACCESS_KEY_ID}, {@code
 * AWS_SECRET_ACCESS_KEY} (e.g. {@code eval "$(scripts/ceph-local.sh env DIR)"}). Arguments: the
 * W-names to run (default W-S W-M W-L).
 */
public final class S3Bench {
  private static final int PART = 16 * 1024 * 1024;

  private S3Bench() {}

  /**
   * Runs the benchmark and prints one line per workload and operation.
   *
   * @param args workload names (W-S, W-M, W-L); all three when empty
   * @throws Exception if the server cannot be reached
   */
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(System.getenv("AWS_ENDPOINT_URL"));
    if (args.length == 2 && args[0].equals("--stream")) {
      streamed(endpoint, Long.parseLong(args[1]));
      return;
    }
    List<String> names = args.length == 0 ? List.of("W-S", "W-M", "W-L") : List.of(args);
    S3Client s3 =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    String bucket = "bench-" + Long.toHexString(System.nanoTime());
    s3.createBucket(b -> b.bucket(bucket));
    System.out.printf(
        "%-5s %-10s %6s %10s %10s %8s%n", "wl", "op", "reps", "median ms", "floor ms", "ratio");
    try (S3StorageProvider provider =
        new S3StorageProvider(
            S3StorageConfig.builder()
                .endpoint(endpoint)
                .retention(2)
                .gracePeriod(Duration.ofHours(1))
                .build())) {
      for (String name : names) {
        int rows =
            switch (name) {
              case "W-S" -> 1_000;
              case "W-M" -> 10_000;
              case "W-L" -> 100_000;
              default -> throw new IllegalArgumentException("unknown workload " + name);
            };
        int reps = rows == 1_000 ? 11 : rows == 10_000 ? 5 : 3;
        byte[] blob = new byte[(int) (Workload.doubles(rows) * 8)];
        new SplittableRandom(Workload.SEED).nextBytes(blob);
        String sha = sha256(blob);
        // A .json key: the load below reads from byte 0 to the end in order, as a JSON load does
        // (an NPZ load starts at the archive's tail, and its early GET is sent for that range).
        S3StateStorage state =
            provider.open(
                URI.create("s3://" + bucket + "/" + name.toLowerCase(Locale.ROOT) + ".json"));
        // One untimed round to warm connections and code paths.
        floorPut(s3, bucket, "floor-" + name, blob);
        floorGet(s3, bucket, "floor-" + name);
        save(state, blob, sha);
        load(state);
        long[] fPut = new long[reps];
        long[] fGet = new long[reps];
        long[] sv = new long[reps];
        long[] ld = new long[reps];
        for (int i = 0; i < reps; i++) {
          long t = System.nanoTime();
          floorPut(s3, bucket, "floor-" + name, blob);
          fPut[i] = System.nanoTime() - t;
          t = System.nanoTime();
          save(state, blob, sha);
          sv[i] = System.nanoTime() - t;
          t = System.nanoTime();
          floorGet(s3, bucket, "floor-" + name);
          fGet[i] = System.nanoTime() - t;
          t = System.nanoTime();
          load(state);
          ld[i] = System.nanoTime() - t;
        }
        print(name, "save", reps, sv, fPut);
        print(name, "load", reps, ld, fGet);
        try (StateStorage.WriteSession session = state.write()) {
          session.delete(true);
        }
        s3.deleteObject(b -> b.bucket(bucket).key("floor-" + name));
      }
    } finally {
      s3.close();
    }
  }

  /**
   * Saves and loads {@code bytes} generated on the fly, never held whole, so that a small {@code
   * -Xmx} shows what the provider itself keeps in memory.
   */
  private static void streamed(URI endpoint, long bytes) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[1 << 20];
    SplittableRandom r = new SplittableRandom(Workload.SEED);
    for (long left = bytes; left > 0; left -= chunk.length) {
      r.nextBytes(chunk);
      sha.update(chunk, 0, (int) Math.min(chunk.length, left));
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    try (S3StorageProvider provider =
        new S3StorageProvider(S3StorageConfig.builder().endpoint(endpoint).build())) {
      String bucket = "bench-stream-" + Long.toHexString(System.nanoTime());
      try (S3Client s3 =
          S3Client.builder()
              .endpointOverride(endpoint)
              .forcePathStyle(true)
              .region(Region.US_EAST_1)
              .httpClientBuilder(UrlConnectionHttpClient.builder())
              .build()) {
        s3.createBucket(b -> b.bucket(bucket));
      }
      S3StateStorage state = provider.open(URI.create("s3://" + bucket + "/streamed.json"));
      long t = System.nanoTime();
      try (StateStorage.WriteSession session = state.write();
          StateStorage.Write w = session.begin()) {
        OutputStream out = w.out();
        SplittableRandom again = new SplittableRandom(Workload.SEED);
        for (long left = bytes; left > 0; left -= chunk.length) {
          again.nextBytes(chunk);
          out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        check(digest, w.commit(true, OptionalLong.empty()));
      }
      long saved = System.nanoTime() - t;
      t = System.nanoTime();
      load(state);
      long loaded = System.nanoTime() - t;
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          Locale.ROOT,
          "streamed %d bytes: save %.0f ms, load %.0f ms (SHA-256 checked), max heap %d MiB%n",
          bytes,
          saved / 1e6,
          loaded / 1e6,
          rt.maxMemory() >> 20);
      try (StateStorage.WriteSession session = state.write()) {
        session.delete(true);
      }
    }
  }

  private static void print(String name, String op, int reps, long[] t, long[] floor) {
    double m = median(t) / 1e6;
    double f = median(floor) / 1e6;
    System.out.printf(
        Locale.ROOT, "%-5s %-10s %6d %10.1f %10.1f %8.2f%n", name, op, reps, m, f, m / f);
  }

  private static double median(long[] t) {
    long[] c = t.clone();
    java.util.Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
  }

  private static void save(S3StateStorage state, byte[] blob, String sha) throws IOException {
    try (StateStorage.WriteSession session = state.write();
        StateStorage.Write w = session.begin()) {
      OutputStream out = w.out();
      // In 1 MiB writes, as an encoder would hand them over.
      for (int off = 0; off < blob.length; off += 1 << 20) {
        out.write(blob, off, Math.min(1 << 20, blob.length - off));
      }
      check(sha, w.commit(true, OptionalLong.empty()));
    }
  }

  /** The storage computes the digest of what it stored; it must be that of the bytes sent. */
  private static void check(String sha, StateStorage.Published published) throws IOException {
    if (!published.sha256().equals(sha)) {
      throw new IOException(
          "stored SHA-256 " + published.sha256() + " is not that of the bytes sent, " + sha);
    }
  }

  private static void load(S3StateStorage state) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (StateStorage.ReadView view = state.read();
        SeekableByteChannel ch = view.current().orElseThrow().open()) {
      while (ch.read(buf) >= 0) {
        buf.clear();
      }
    }
  }

  private static void floorPut(S3Client s3, String bucket, String key, byte[] blob) {
    if (blob.length <= PART) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(blob));
      return;
    }
    String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    for (int off = 0, n = 1; off < blob.length; off += PART, n++) {
      int from = off;
      int len = Math.min(PART, blob.length - off);
      int number = n;
      String etag =
          s3.uploadPart(
                  b ->
                      b.bucket(bucket)
                          .key(key)
                          .uploadId(id)
                          .partNumber(number)
                          .contentLength((long) len),
                  RequestBody.fromContentProvider(
                      () -> new ByteArrayInputStream(blob, from, len),
                      len,
                      "application/octet-stream"))
              .eTag();
      parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
    }
    s3.completeMultipartUpload(
        b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
  }

  private static void floorGet(S3Client s3, String bucket, String key) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      while (in.read(buf) >= 0) {
        // Drains the stream, as a load reads every byte.
      }
    }
  }

  private static String sha256(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
