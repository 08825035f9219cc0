package org.mlsdm.state.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A read-only channel over one immutable data object, by ranged GETs: a read at position p opens
 * {@code Range: bytes=p-} and keeps streaming while reads stay sequential; a seek elsewhere drops
 * the stream and the next read opens a new range. Sequential reading (JSON) is one GET; the NPZ
 * reader's few jumps (central directory, then each entry) cost one GET each. Nothing touches the
 * disk; besides the caller's buffer, at most {@link #CHUNKS} chunks are held while they are hashed.
 *
 * <p>The channel is bounded by the manifest's size: it never reads past it, reports an object of
 * another length as an {@link IOException} naming both lengths, and, when the bytes were read from
 * 0 to the end without a jump, checks their SHA-256 against the manifest at the end ("Checksum
 * mismatch for KEY: expected E, actual A"). The hashing runs beside the reading, on a background
 * thread, over copies of the chunks handed out; the read that delivers the last byte waits for it
 * and throws on a mismatch, so a caller that reads to EOF never sees the data complete unverified.
 * A broken stream is reopened at the current position with the store's retries.
 */
final class RangedChannel implements SeekableByteChannel {
  /** Chunks in the hashing pipeline: the reader blocks when the hasher is this far behind. */
  static final int CHUNKS = 4;

  private static final int CHUNK = 128 * 1024;

  /**
   * Objects smaller than this are hashed on the reading thread, objects of this size or more on a
   * background thread. Measured on 2 cores shared with radosgw and its OSD (BENCHMARKS.md, "S3"):
   * W-M (31 MB) loaded about 6 ms faster hashed inline (the hand-offs and wake-ups of a second
   * thread cost more than the hash, which runs while the socket buffer fills), W-L (308 MB) 10-20%
   * faster in the background.
   */
  static final long BACKGROUND_HASH_MIN = 64L * 1024 * 1024;

  private final S3Client s3;
  private final Retry retry;
  private final String bucket;
  private final String key;
  private final String sizeSource;
  private final long size;
  private final String sha256;
  private Hasher hasher;
  private long digested;
  // Once set, every read that reaches the end throws it: the end of unverified bytes is never EOF.
  private Permanent mismatch;
  private long position;
  private InputStream in;
  private long inPosition = -1;
  private boolean open = true;
  private byte[] chunk;
  // A GET sent before the listing confirmed this object; used by the first open if it matches.
  private Prefetch prefetch;

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
    this.hasher = sha256 == null ? null : new Hasher(size >= BACKGROUND_HASH_MIN);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= size) {
      if (hasher != null && digested == size) {
        // The check at the last byte was interrupted: the end is reported only once it passes.
        checkDigest();
      }
      if (mismatch != null) {
        throw mismatch;
      }
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(Math.min(dst.remaining(), CHUNK), size - position);
    // Bytes that continue the hashed prefix go to the hasher, in a buffer of its own.
    Hasher h = digested == position ? hasher : null;
    byte[] b = h != null ? h.take() : plainChunk();
    try {
      int n = readInto(b, want);
      dst.put(b, 0, n);
      position += n;
      if (h != null) {
        h.hash(b, n);
        b = null;
        digested += n;
        if (digested == size) {
          checkDigest();
        }
      }
      return n;
    } finally {
      if (h != null && b != null) {
        h.giveBack(b);
      }
    }
  }

  /** Reads up to {@code want} bytes at {@link #position} into {@code b}, reopening on breaks. */
  private int readInto(byte[] b, int want) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        if (in == null || inPosition != position) {
          openAt(position);
        }
        int n = in.read(b, 0, want);
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
        inPosition = position + n;
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

  private byte[] plainChunk() {
    if (chunk == null) {
      chunk = new byte[CHUNK];
    }
    return chunk;
  }

  private void checkDigest() throws IOException {
    // An interrupted wait leaves the hasher in place, so the next read checks again.
    String actual = hasher.finish();
    hasher = null;
    if (!actual.equals(sha256)) {
      mismatch =
          new Permanent(
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
      throw mismatch;
    }
  }

  private void openAt(long from) throws IOException {
    dropStream();
    Prefetch p = prefetch;
    if (p != null) {
      prefetch = null;
      ResponseInputStream<GetObjectResponse> s = p.from() == from ? p.claim() : null;
      if (s != null) {
        adopt(s, from);
        return;
      }
      p.abandon();
    }
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
    adopt(s, from);
  }

  /**
   * Reads on from {@code s}, a response for {@code Range: bytes=from-}, after checking its size.
   */
  private void adopt(ResponseInputStream<GetObjectResponse> s, long from) throws IOException {
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
    if (prefetch != null) {
      prefetch.abandon();
      prefetch = null;
    }
  }

  /**
   * Lets the first open use {@code p}, a GET of this object already sent, when it starts where that
   * open would; otherwise {@code p} is abandoned then.
   *
   * @param p the prefetch, of this channel's key
   * @return this channel
   */
  RangedChannel withPrefetch(Prefetch p) {
    if (!p.key().equals(key)) {
      throw new IllegalArgumentException("prefetch of " + p.key() + " for " + key);
    }
    prefetch = p;
    return this;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  /**
   * SHA-256 on a background thread (below {@link #BACKGROUND_HASH_MIN}, inline), in the order the
   * chunks were read. Chunks come from a pool of {@link #CHUNKS} buffers and return to it once
   * hashed, which bounds the memory and gives the reader a happens-before edge: holding every
   * buffer again means every chunk was hashed. No thread waits while there is nothing to hash, so a
   * channel abandoned mid-read leaves none behind.
   */
  private static final class Hasher {
    private final MessageDigest digest;
    private final boolean background;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final Queue<Piece> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private int allocated;
    private int reclaimed;

    private record Piece(byte[] bytes, int length) {}

    Hasher(boolean background) {
      this.background = background;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }

    /** A buffer for the next chunk; waits while {@link #CHUNKS} are being hashed. */
    byte[] take() throws InterruptedIOException {
      byte[] b = free.poll();
      if (b != null) {
        return b;
      }
      if (allocated < CHUNKS) {
        allocated++;
        return new byte[CHUNK];
      }
      return await();
    }

    private byte[] await() throws InterruptedIOException {
      try {
        return free.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while hashing a data object");
      }
    }

    void giveBack(byte[] b) {
      free.add(b);
    }

    /** Hands {@code length} bytes of {@code b} over; {@code b} is the hasher's until it is free. */
    void hash(byte[] b, int length) {
      if (!background) {
        digest.update(b, 0, length);
        free.add(b);
        return;
      }
      pending.add(new Piece(b, length));
      if (draining.compareAndSet(false, true)) {
        S3StateStorage.IO.execute(this::drain);
      }
    }

    private void drain() {
      do {
        for (Piece p; (p = pending.poll()) != null; ) {
          digest.update(p.bytes(), 0, p.length());
          free.add(p.bytes());
        }
        draining.set(false);
        // A piece added after the last poll but before the flag dropped found it still set.
      } while (!pending.isEmpty() && draining.compareAndSet(false, true));
    }

    /** Waits until every chunk handed over is hashed; returns the lowercase hex SHA-256. */
    String finish() throws InterruptedIOException {
      for (; reclaimed < allocated; reclaimed++) {
        await();
      }
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
