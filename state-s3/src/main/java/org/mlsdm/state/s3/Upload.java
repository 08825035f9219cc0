package org.mlsdm.state.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.mlsdm.state.s3.S3StateStorage.Step;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The bytes of one write, streamed to one immutable data object: up to one part in memory; a state
 * that fits in one part is sent with one PUT at {@link #finish()}, a larger one as a multipart
 * upload started when the first part is full. Every PUT and part carries {@code Content-MD5}, so a
 * server stores exactly the bytes sent or answers 400; single PUTs also carry {@code
 * x-amz-checksum-sha256} for servers that check it. The SHA-256 of the whole object and the MD5 of
 * the part being filled are computed on the way, as the bytes are copied in: a full part goes on
 * the wire at once, its Content-MD5 already known, while the caller fills (and hashes) the next.
 */
final class Upload extends OutputStream {
  private static final int FIRST_BUFFER = 256 * 1024;

  private final S3Client s3;
  private final Retry retry;
  private final S3StateStorage storage;
  private final String bucket;
  private final String key;
  private final int partSize;
  private final MessageDigest sha;
  private final MessageDigest partMd5;
  private final List<CompletedPart> parts = new ArrayList<>();
  private byte[] buf;
  private int len;
  private long total;
  private String uploadId;
  private int submittedParts;
  private Future<?> inFlight;
  private byte[] inFlightBuffer;
  private byte[] spare;
  private long startedNanos = -1;
  private boolean finished;
  private boolean aborted;
  private boolean empty;

  Upload(
      S3Client s3, Retry retry, S3StateStorage storage, String bucket, String key, int partSize) {
    this.s3 = s3;
    this.retry = retry;
    this.storage = storage;
    this.bucket = bucket;
    this.key = key;
    this.partSize = partSize;
    this.buf = new byte[Math.min(FIRST_BUFFER, partSize)];
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
      this.partMd5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256 and MD5", e);
    }
  }

  String key() {
    return key;
  }

  long size() {
    return total;
  }

  /** Whether no object was written: the state is empty. */
  boolean empty() {
    return empty;
  }

  /** System.nanoTime() when the first data request was sent; -1 before. */
  long startedNanos() {
    return startedNanos;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int n) throws IOException {
    if (finished || aborted) {
      throw new IOException("write to " + key + " after it was finished or abandoned");
    }
    java.util.Objects.checkFromIndexSize(off, n, b.length);
    while (n > 0) {
      if (len == buf.length) {
        if (buf.length < partSize) {
          buf = java.util.Arrays.copyOf(buf, (int) Math.min(partSize, 2L * buf.length));
        } else {
          uploadPart();
        }
      }
      int k = Math.min(n, buf.length - len);
      System.arraycopy(b, off, buf, len, k);
      sha.update(b, off, k);
      partMd5.update(b, off, k);
      len += k;
      total += k;
      off += k;
      n -= k;
    }
  }

  private void started() throws IOException {
    if (startedNanos < 0) {
      startedNanos = System.nanoTime();
      storage.hook(Step.DATA_STARTED);
    }
  }

  /**
   * Sends the full buffer as the next part in the background and continues in the spare buffer: the
   * caller encodes and hashes part k+1 while part k travels. At most one part is in flight.
   */
  private void uploadPart() throws IOException {
    if (uploadId == null) {
      started();
      uploadId =
          retry
              .call(
                  "CreateMultipartUpload " + key,
                  () ->
                      s3.createMultipartUpload(
                          CreateMultipartUploadRequest.builder()
                              .bucket(bucket)
                              .key(key)
                              .contentType("application/octet-stream")
                              .build()))
              .uploadId();
    }
    awaitInFlight();
    int partNumber = ++submittedParts;
    byte[] bytes = buf;
    int length = len;
    String md5 = partMd5();
    inFlightBuffer = bytes;
    inFlight =
        S3StateStorage.IO.submit(
            () -> {
              sendPart(partNumber, bytes, length, md5);
              return null;
            });
    buf = spare != null ? spare : new byte[partSize];
    spare = null;
    len = 0;
  }

  private void sendPart(int partNumber, byte[] bytes, int length, String md5) throws IOException {
    String etag =
        retry
            .call(
                "UploadPart " + partNumber + " of " + key,
                () ->
                    s3.uploadPart(
                        UploadPartRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) length)
                            .contentMD5(md5)
                            .build(),
                        body(bytes, length)))
            .eTag();
    synchronized (parts) {
      parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
    }
    storage.hook(Step.PART_UPLOADED);
  }

  private void awaitInFlight() throws IOException {
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading a part of " + key);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("uploading a part of " + key + " failed", e.getCause());
    } finally {
      inFlight = null;
    }
    spare = inFlightBuffer;
    inFlightBuffer = null;
  }

  /** Sends what is left; returns the lowercase hex SHA-256 of every byte written. */
  String finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("finish() twice for " + key);
    }
    if (uploadId == null && len == 0) {
      // An empty state is its manifest alone (size 0): readers never fetch its data key, and
      // RGW 16 answers every empty PUT from the SDK with 400 XAmzContentSHA256Mismatch.
      started();
      finished = true;
      empty = true;
      buf = null;
      return HexFormat.of().formatHex(sha.digest());
    }
    if (uploadId == null) {
      started();
      byte[] digest = sha.digest();
      byte[] bytes = buf;
      int length = len;
      String md5 = partMd5();
      retry.call(
          "PUT " + key,
          () ->
              s3.putObject(
                  PutObjectRequest.builder()
                      .bucket(bucket)
                      .key(key)
                      .contentType("application/octet-stream")
                      .contentLength((long) length)
                      .contentMD5(md5)
                      .checksumSHA256(Base64.getEncoder().encodeToString(digest))
                      .build(),
                  body(bytes, length)));
      finished = true;
      buf = null;
      return HexFormat.of().formatHex(digest);
    }
    awaitInFlight();
    if (len > 0) {
      sendPart(++submittedParts, buf, len, partMd5());
    }
    String id = uploadId;
    List<CompletedPart> done;
    synchronized (parts) {
      done = new ArrayList<>(parts);
    }
    done.sort(Comparator.comparing(CompletedPart::partNumber));
    try {
      retry.call(
          "CompleteMultipartUpload " + key,
          () ->
              s3.completeMultipartUpload(
                  CompleteMultipartUploadRequest.builder()
                      .bucket(bucket)
                      .key(key)
                      .uploadId(id)
                      .multipartUpload(CompletedMultipartUpload.builder().parts(done).build())
                      .build()));
    } catch (IOException e) {
      // A retried complete whose first attempt landed finds no upload: the object tells.
      if (!(e.getCause() instanceof SdkException s && Retry.status(s) == 404) || !exists()) {
        throw e;
      }
    }
    finished = true;
    buf = null;
    spare = null;
    return HexFormat.of().formatHex(sha.digest());
  }

  private boolean exists() {
    try {
      Long n =
          retry
              .call(
                  "HEAD " + key,
                  () -> s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build()))
              .contentLength();
      return n != null && n == total;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Abandons the write: aborts the multipart upload, or deletes the object when it was finished but
   * not published. Best effort; {@code gc} removes whatever a failure here leaves.
   */
  void abandon() {
    if (aborted) {
      return;
    }
    aborted = true;
    buf = null;
    spare = null;
    if (inFlight != null) {
      inFlight.cancel(true);
      inFlight = null;
    }
    try {
      if (finished && !empty) {
        retry.call(
            "DELETE " + key,
            () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build()));
      } else if (uploadId != null) {
        retry.call(
            "AbortMultipartUpload " + key,
            () ->
                s3.abortMultipartUpload(
                    AbortMultipartUploadRequest.builder()
                        .bucket(bucket)
                        .key(key)
                        .uploadId(uploadId)
                        .build()));
      }
    } catch (IOException | RuntimeException e) {
      S3StateStorage.LOG.warn("Could not clean up {}; gc will: {}", key, e.toString());
    }
  }

  private static RequestBody body(byte[] bytes, int length) {
    // A fresh stream over the same array per attempt: retries resend, nothing is copied.
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
  }

  /** The Content-MD5 of the bytes buffered since the last part; starts the next part's MD5. */
  private String partMd5() {
    return Base64.getEncoder().encodeToString(partMd5.digest());
  }
}
