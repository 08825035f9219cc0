package org.mlsdm.state.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.Journal;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The journal of a state on S3 as immutable delta objects: {@code KEY/journal/<20-digit n>.seg}
 * holds the bytes of the n-th {@link #sync}, created with {@code If-None-Match: *}, and the journal
 * is segments 1, 2, … up to the first missing number. Appends wait in memory until {@code sync} (or
 * until a part's worth has gathered, which is then synced early); each sync is one PUT.
 *
 * <ul>
 *   <li>A crash loses at most the unsynced appends; a segment is whole or absent.
 *   <li>Two writers appending at once: one creates the next segment, the other gets {@link
 *       ConcurrentUpdateException} and nothing of its appends is visible.
 *   <li>{@link #truncate} deletes segments from the highest down and rewrites the one it cuts
 *       (deleted, then created shorter), so a reader at any instant sees a prefix of the journal.
 * </ul>
 *
 * Journals are not bounded by the retention or removed by {@code gc}; {@code truncate(0)} empties
 * one.
 */
final class S3Journal implements Journal {
  private final S3Client s3;
  private final Retry retry;
  private final S3Location loc;
  private final int flushBytes;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  S3Journal(S3Client s3, Retry retry, S3Location loc, int flushBytes) {
    this.s3 = s3;
    this.retry = retry;
    this.loc = loc;
    this.flushBytes = flushBytes;
  }

  /** One durable segment as listed. */
  record Segment(long number, String key, long size) {}

  private String prefix() {
    return loc.base + "journal/";
  }

  private String key(long number) {
    return prefix() + String.format(Locale.ROOT, "%020d", number) + ".seg";
  }

  /** Segments 1..n without a gap, in order. */
  List<Segment> segments() throws IOException {
    List<Segment> all = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder b =
          ListObjectsV2Request.builder().bucket(loc.bucket).prefix(prefix());
      if (token != null) {
        b.continuationToken(token);
      }
      ListObjectsV2Request req = b.build();
      ListObjectsV2Response r = retry.call("LIST " + prefix(), () -> s3.listObjectsV2(req));
      for (S3Object o : r.contents()) {
        String rest = o.key().substring(prefix().length());
        if (rest.matches("[0-9]{20}\\.seg")) {
          all.add(
              new Segment(
                  Long.parseLong(rest.substring(0, 20)), o.key(), o.size() == null ? 0 : o.size()));
        }
      }
      token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
    } while (token != null);
    all.sort((x, y) -> Long.compare(x.number(), y.number()));
    List<Segment> out = new ArrayList<>();
    for (Segment s : all) {
      if (s.number() != out.size() + 1) {
        break;
      }
      out.add(s);
    }
    return out;
  }

  private static long total(List<Segment> segments) {
    long n = 0;
    for (Segment s : segments) {
      n += s.size();
    }
    return n;
  }

  /** Synced bytes plus this instance's unsynced appends. */
  @Override
  public synchronized long size() throws IOException {
    return total(segments()) + pending.size();
  }

  @Override
  public synchronized void append(ByteBuffer bytes) throws IOException {
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    pending.write(b, 0, b.length);
    if (pending.size() >= flushBytes) {
      sync();
    }
  }

  /**
   * Creates the next segment with the unsynced appends.
   *
   * @throws ConcurrentUpdateException if another writer created that segment first; the appends are
   *     then dropped
   */
  @Override
  public synchronized void sync() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    byte[] body = pending.toByteArray();
    long next = segments().size() + 1L;
    try {
      create(next, body);
    } finally {
      pending.reset();
    }
  }

  private void create(long number, byte[] body) throws IOException {
    String key = key(number);
    String md5;
    try {
      md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
    try {
      retry.call(
          "PUT " + key,
          () ->
              s3.putObject(
                  PutObjectRequest.builder()
                      .bucket(loc.bucket)
                      .key(key)
                      .ifNoneMatch("*")
                      .contentLength((long) body.length)
                      .contentMD5(md5)
                      .build(),
                  RequestBody.fromBytes(body)));
    } catch (IOException e) {
      if (e.getCause() instanceof SdkException s && Retry.isConditionFailure(s)) {
        if (holds(key, body)) {
          // A retried PUT whose first attempt landed: the segment is this writer's.
          return;
        }
        throw new ConcurrentUpdateException(
            "journal of "
                + loc.describe()
                + ": segment "
                + number
                + " was written by another"
                + " writer first; this writer's unsynced appends were dropped");
      }
      throw e;
    }
  }

  /** Whether {@code key} holds exactly {@code body}; false when it cannot be read. */
  private boolean holds(String key, byte[] body) {
    try {
      byte[] there = read(new Segment(0, key, body.length + 1L), body.length + 1L);
      return java.util.Arrays.equals(there, body);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Cuts the journal to {@code size} bytes: unsynced appends first, then segments from the highest
   * down; the segment the cut falls in is rewritten shorter.
   *
   * @throws IllegalArgumentException if {@code size} is negative or beyond the journal's end
   */
  @Override
  public synchronized void truncate(long size) throws IOException {
    List<Segment> segments = segments();
    long durable = total(segments);
    if (size < 0 || size > durable + pending.size()) {
      throw new IllegalArgumentException(
          "size must be in [0, " + (durable + pending.size()) + "], got " + size);
    }
    if (size >= durable) {
      byte[] keep = java.util.Arrays.copyOf(pending.toByteArray(), (int) (size - durable));
      pending.reset();
      pending.write(keep, 0, keep.length);
      return;
    }
    pending.reset();
    long start = durable;
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment s = segments.get(i);
      start -= s.size();
      if (start < size) {
        byte[] head = read(s, size - start);
        delete(s.key());
        create(s.number(), head);
        return;
      }
      delete(s.key());
      if (start == size) {
        return;
      }
    }
  }

  private byte[] read(Segment s, long length) throws IOException {
    return retry.call(
        "GET " + s.key(),
        () ->
            S3Errors.get(
                    () ->
                        s3.getObjectAsBytes(
                            GetObjectRequest.builder()
                                .bucket(loc.bucket)
                                .key(s.key())
                                .range("bytes=0-" + (length - 1))
                                .build()),
                    s.key(),
                    null)
                .asByteArray());
  }

  private void delete(String key) throws IOException {
    retry.call(
        "DELETE " + key,
        () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(loc.bucket).key(key).build()));
  }

  /** The journal as of the call: its segments, then this instance's unsynced appends. */
  @Override
  public synchronized SeekableByteChannel read() throws IOException {
    return new Concatenation(segments(), pending.toByteArray());
  }

  /** A read-only channel over segments (ranged GETs each) and a tail held in memory. */
  /**
   * Nothing to release: appends not yet synced stay pending in this instance (they are not durable
   * until {@link #sync()}, as the SPI says) and the client belongs to the storage.
   */
  @Override
  public void close() {}

  private final class Concatenation implements SeekableByteChannel {
    private final List<Segment> segments;
    private final byte[] tail;
    private final long size;
    private long position;
    private int openIndex = -1;
    private RangedChannel open;
    private boolean closed;

    Concatenation(List<Segment> segments, byte[] tail) {
      this.segments = segments;
      this.tail = tail;
      this.size = total(segments) + tail.length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (closed) {
        throw new ClosedChannelException();
      }
      if (position >= size) {
        return -1;
      }
      long start = 0;
      for (int i = 0; i < segments.size(); i++) {
        Segment s = segments.get(i);
        if (position < start + s.size()) {
          if (openIndex != i) {
            if (open != null) {
              open.close();
            }
            open = new RangedChannel(s3, retry, loc.bucket, s.key(), prefix(), s.size(), null);
            openIndex = i;
          }
          open.position(position - start);
          int n = open.read(dst);
          if (n > 0) {
            position += n;
          }
          return n;
        }
        start += s.size();
      }
      int off = (int) (position - start);
      int n = Math.min(dst.remaining(), tail.length - off);
      dst.put(tail, off, n);
      position += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      if (newPosition < 0) {
        throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
      }
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return !closed;
    }

    @Override
    public void close() {
      closed = true;
      if (open != null) {
        open.close();
      }
    }
  }
}
