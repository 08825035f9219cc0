package org.mlsdm.state.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.StoredVersion;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Clients, buckets and byte helpers for the tests against the cluster. */
final class S3Testing {
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private S3Testing() {}

  /** A configuration for the test cluster, to be completed by the caller. */
  static S3StorageConfig.Builder config(URI endpoint) {
    return S3StorageConfig.builder()
        .endpoint(endpoint)
        .credentials(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(CephCluster.ACCESS_KEY, CephCluster.SECRET_KEY)));
  }

  static S3StorageConfig.Builder config() {
    return config(CephCluster.get().endpoint());
  }

  /** A raw client for planting and listing objects. */
  /**
   * Points the provider that ServiceLoader builds (from the environment, on its first use: {@code
   * S3StorageConfig.fromEnvironment}) at the test cluster, through the SDK's system properties.
   */
  static void pointDefaultProviderAtCluster() {
    System.setProperty("aws.endpointUrl", CephCluster.get().endpoint().toString());
    System.setProperty("aws.accessKeyId", CephCluster.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", CephCluster.SECRET_KEY);
  }

  /**
   * Starts {@code main} in a child JVM (small heap, quick start) on this class path, with the SDK's
   * system properties pointing at the test cluster, its stderr in {@code stderr}; the caller reads
   * its stdout and kills it.
   */
  static Process startChild(Path stderr, Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Daws.endpointUrl=" + CephCluster.get().endpoint(),
            "-Daws.accessKeyId=" + CephCluster.ACCESS_KEY,
            "-Daws.secretAccessKey=" + CephCluster.SECRET_KEY,
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
  }

  static S3Client rawClient() {
    return config().build().buildClient();
  }

  /** Creates a bucket with a fresh name. */
  static String newBucket(S3Client s3, String tag) {
    String name =
        ("t-"
                + tag
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + BUCKETS.incrementAndGet()
                + "-"
                + Long.toHexString(System.nanoTime() & 0xffffff))
            .toLowerCase(Locale.ROOT);
    s3.createBucket(b -> b.bucket(name));
    return name;
  }

  static byte[] randomBytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Saves {@code bytes} in {@code writeSize} chunks; returns the generation. */
  static long save(S3StateStorage s, byte[] bytes, OptionalLong expected) throws IOException {
    try (S3StateStorage.S3Write w = s.begin()) {
      OutputStream out = w.out();
      for (int off = 0; off < bytes.length; off += 1 << 20) {
        out.write(bytes, off, Math.min(1 << 20, bytes.length - off));
      }
      // The digest the storage computed and recorded must be that of the bytes written.
      return w.commit(sha256(bytes), expected).generation();
    }
  }

  static long save(S3StateStorage s, byte[] bytes) throws IOException {
    return save(s, bytes, OptionalLong.empty());
  }

  /** Reads a version's bytes sequentially to the end (which checks the SHA-256). */
  static byte[] read(StoredVersion v) throws IOException {
    try (SeekableByteChannel ch = v.open()) {
      if (v.size() > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("too large for a test array: " + v.size());
      }
      ByteBuffer buf = ByteBuffer.allocate((int) v.size());
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // Reads until the buffer is full.
      }
      if (ch.read(ByteBuffer.allocate(1)) != -1) {
        throw new IOException("channel reads past the size of " + v.describe());
      }
      return buf.array();
    }
  }

  static List<String> keys(S3Client s3, String bucket, String prefix) {
    List<String> out = new ArrayList<>();
    for (S3Object o :
        s3.listObjectsV2Paginator(
                ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
            .contents()) {
      out.add(o.key());
    }
    return out;
  }

  static List<String> uploads(S3Client s3, String bucket, String prefix) {
    List<String> out = new ArrayList<>();
    for (MultipartUpload u :
        s3.listMultipartUploads(
                ListMultipartUploadsRequest.builder().bucket(bucket).prefix(prefix).build())
            .uploads()) {
      out.add(u.key());
    }
    return out;
  }
}
