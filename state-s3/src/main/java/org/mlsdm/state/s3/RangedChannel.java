package org.mlsdm.state.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A read-only channel over one immutable data object, by ranged GETs: a read at position p opens
 * {@code Range: bytes=p-} and keeps streaming while reads stay sequential; a seek elsewhere drops
 * the stream and the next read opens a new range. Sequential reading (JSON) is one GET; the NPZ
 * reader's few jumps (central directory, then each entry) cost one GET each. Nothing is buffered
 * beyond the caller's buffer and nothing touches the disk.
 *
 * <p>The channel is bounded by the manifest's size: it never reads past it, reports an object of
 * another length as an {@link IOException} naming both lengths, and, when the bytes were read from
 * 0 to the end without a jump, checks their SHA-256 against the manifest at the end ("Checksum
 * mismatch for KEY: expected E, actual A"). A broken stream is reopened at the current position
 * with the store's retries.
 */
final class RangedChannel implements SeekableByteChannel {
  private final S3Client s3;
  private final Retry retry;
  private final String bucket;
  private final String key;
  private final String sizeSource;
  private final long size;
  private final String sha256;
  private MessageDigest digest;
  private long digested;
  private long position;
  private InputStream in;
  private long inPosition = -1;
  private boolean open = true;
  private final byte[] chunk = new byte[64 * 1024];

  RangedChannel(
      S3Client s3,
      Retry retry,
      String bucket,
      String key,
      String sizeSource,
      long size,
      String sha256) {
    this.s3 = s3;
    this.retry = retry;
    this.bucket = bucket;
    this.key = key;
    this.sizeSource = sizeSource;
    this.size = size;
    this.sha256 = sha256;
    try {
      this.digest = sha256 == null ? null : MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(Math.min(dst.remaining(), chunk.length), size - position);
    for (int attempt = 1; ; attempt++) {
      try {
        if (in == null || inPosition != position) {
          openAt(position);
        }
        int n = in.read(chunk, 0, want);
        if (n < 0) {
          throw new IOException(
              "data object "
                  + key
                  + " ended at byte "
                  + position
                  + ", but "
                  + sizeSource
                  + " says "
                  + size
                  + " bytes");
        }
        dst.put(chunk, 0, n);
        if (digest != null && digested == position) {
          digest.update(chunk, 0, n);
          digested += n;
        }
        position += n;
        inPosition = position;
        if (digest != null && digested == size) {
          checkDigest();
        }
        return n;
      } catch (IOException | SdkException | UncheckedIOException e) {
        dropStream();
        Exception failure = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (!Retry.isTransient(failure) || attempt >= retry.maxAttempts()) {
          throw failure instanceof IOException io
              ? io
              : Retry.wrap("GET " + key, (SdkException) failure, 1);
        }
        Retry.sleep(attempt);
      }
    }
  }

  private void checkDigest() throws IOException {
    String actual = HexFormat.of().formatHex(digest.digest());
    digest = null;
    if (!actual.equals(sha256)) {
      throw new Permanent(
          "Checksum mismatch for s3://"
              + bucket
              + "/"
              + key
              + " ("
              + sizeSource
              + "): expected "
              + sha256
              + ", actual "
              + actual);
    }
  }

  private void openAt(long from) throws IOException {
    dropStream();
    ResponseInputStream<GetObjectResponse> s =
        retry.call(
            "GET " + key,
            () ->
                S3Errors.get(
                    () ->
                        s3.getObject(
                            GetObjectRequest.builder()
                                .bucket(bucket)
                                .key(key)
                                .range("bytes=" + from + "-")
                                .build()),
                    key,
                    sizeSource));
    long total = totalLength(s.response());
    if (total == size && s.response().contentRange() == null && from > 0) {
      // A server that ignored the range sent the whole object.
      s.skipNBytes(from);
    }
    if (total != size) {
      s.abort();
      throw new Permanent(
          "data object " + key + " has " + total + " bytes, but " + sizeSource + " says " + size);
    }
    in = s;
    inPosition = from;
  }

  private static long totalLength(GetObjectResponse r) {
    String range = r.contentRange();
    if (range != null) {
      int slash = range.lastIndexOf('/');
      if (slash >= 0 && !range.endsWith("*")) {
        try {
          return Long.parseLong(range.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return r.contentLength() == null ? -1 : r.contentLength();
  }

  private void dropStream() {
    if (in != null) {
      if (in instanceof ResponseInputStream<?> r) {
        // Abort rather than drain: the rest of a large object is not worth reading.
        r.abort();
      }
      try {
        in.close();
      } catch (IOException ignored) {
        // The connection is discarded either way.
      }
      in = null;
      inPosition = -1;
    }
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    dropStream();
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
