package org.mlsdm.state.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.Journal;

/**
 * The journal of one generation of a state on S3: the delta objects its manifest names, in order
 * (see {@link Manifests}). The journal belongs to the generation, so a reader that picked a
 * generation reads exactly its base and deltas, whatever writers do meanwhile.
 *
 * <p><b>A checkpoint, step by step.</b> Appends wait in memory until {@link #sync}, which
 *
 * <pre>
 * step                                         a crash after this step leaves / readers see
 * 1 PUTs the appended bytes as a new delta     an unreferenced delta object (gc removes it after
 *   object under data/ (If-None-Match: *,      the grace period) → the head generation
 *   Content-MD5)
 * 2 creates manifest head+1 (If-None-Match: *) the new generation: the head's data object, its
 *   naming the head's data object and its     deltas and the new one, each with size and SHA-256
 *   deltas plus the new one; expected
 *   generation: the head (the commit)
 * </pre>
 *
 * so a checkpoint is atomic, and a second writer extending the same head gets {@link
 * ConcurrentUpdateException} (its delta object is deleted, or left for gc): no acknowledged
 * checkpoint is lost, because each was the newest generation when it was published and the next one
 * names it. {@link #truncate} publishes a generation naming a prefix of the deltas (the delta a cut
 * falls in is re-uploaded shorter), {@link #delete} one naming none.
 */
final class S3Journal implements Journal {
  private final S3StateStorage storage;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  // The generation this journal extends; null until bound to the newest one on first use.
  private Generation head;

  S3Journal(S3StateStorage storage, Generation head) {
    this.storage = storage;
    this.head = head;
  }

  private Generation head() throws IOException {
    if (head == null) {
      head = storage.newest().orElse(null);
    }
    return head;
  }

  /** The generation whose deltas this journal holds; empty when the state has none. */
  @Override
  public synchronized OptionalLong generation() {
    try {
      Generation h = head();
      return h == null ? OptionalLong.empty() : OptionalLong.of(h.generation());
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** The head's delta bytes plus this instance's unsynced appends. */
  @Override
  public synchronized long size() throws IOException {
    Generation h = head();
    return (h == null ? 0 : h.deltaBytes()) + pending.size();
  }

  /**
   * Asks for a compaction once the head names {@link Manifests#MAX_DELTAS} less 16 deltas, which
   * leaves room for checkpoints while a failed compaction is retried.
   */
  @Override
  public synchronized boolean full() throws IOException {
    Generation h = head();
    return h != null && h.deltas().size() >= Manifests.MAX_DELTAS - 16;
  }

  @Override
  public synchronized void append(ByteBuffer bytes) {
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    pending.write(b, 0, b.length);
  }

  /**
   * Publishes the unsynced appends as one delta of a new generation (class Javadoc).
   *
   * @throws ConcurrentUpdateException if another writer published after the head; the appends are
   *     then dropped
   */
  @Override
  public synchronized void sync() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    byte[] body = pending.toByteArray();
    pending.reset();
    Generation h = requireHead();
    if (h.deltas().size() >= Manifests.MAX_DELTAS) {
      throw new IOException(
          storage.describe()
              + " generation "
              + h.generation()
              + " names "
              + h.deltas().size()
              + " deltas, the most a manifest holds; compact first");
    }
    List<Generation.Delta> deltas = new ArrayList<>(h.deltas());
    head = storage.publishDelta(h, deltas, body);
  }

  private Generation requireHead() throws IOException {
    Generation h = head();
    if (h == null || h.deleted()) {
      throw new IOException(
          "no state at " + storage.describe() + " to checkpoint; save it whole first");
    }
    return h;
  }

  /**
   * Cuts the journal to {@code size} bytes: unsynced appends first; a cut into the head's deltas
   * publishes a generation naming the deltas before it (and the cut one re-uploaded shorter).
   *
   * @throws IllegalArgumentException if {@code size} is negative or beyond the journal's end
   * @throws ConcurrentUpdateException if another writer published after the head
   */
  @Override
  public synchronized void truncate(long size) throws IOException {
    Generation h = head();
    long durable = h == null ? 0 : h.deltaBytes();
    if (size < 0 || size > durable + pending.size()) {
      throw new IllegalArgumentException(
          "size must be in [0, " + (durable + pending.size()) + "], got " + size);
    }
    if (size >= durable) {
      byte[] keep = Arrays.copyOf(pending.toByteArray(), (int) (size - durable));
      pending.reset();
      pending.write(keep, 0, keep.length);
      return;
    }
    pending.reset();
    List<Generation.Delta> kept = new ArrayList<>();
    long start = 0;
    byte[] cut = null;
    for (Generation.Delta d : h.deltas()) {
      if (start + d.size() <= size) {
        kept.add(d);
        start += d.size();
        continue;
      }
      if (start < size) {
        cut = storage.readDelta(d, size - start);
      }
      break;
    }
    head = storage.publishDelta(h, kept, cut);
  }

  /**
   * Drops the unsynced appends and, when the head names deltas, publishes a generation without them
   * (a whole-file save publishes one already, so after a save this changes nothing stored).
   *
   * @throws ConcurrentUpdateException if another writer published after the head
   */
  @Override
  public synchronized void delete() throws IOException {
    pending.reset();
    Generation h = head();
    if (h != null && !h.deltas().isEmpty()) {
      truncate(0);
    }
  }

  /** The head's deltas (each checked against its SHA-256 when read through), then the appends. */
  @Override
  public synchronized SeekableByteChannel read() throws IOException {
    Generation h = head();
    return new Concatenation(h == null ? List.of() : h.deltas(), pending.toByteArray());
  }

  /**
   * Nothing to release: appends not yet synced stay pending in this instance (they are not durable
   * until {@link #sync()}, as the SPI says) and the client belongs to the storage.
   */
  @Override
  public void close() {}

  /** A read-only channel over delta objects (ranged GETs each) and a tail held in memory. */
  private final class Concatenation implements SeekableByteChannel {
    private final List<Generation.Delta> deltas;
    private final byte[] tail;
    private final long size;
    private long position;
    private int openIndex = -1;
    private SeekableByteChannel open;
    private boolean closed;

    Concatenation(List<Generation.Delta> deltas, byte[] tail) {
      this.deltas = deltas;
      this.tail = tail;
      long n = tail.length;
      for (Generation.Delta d : deltas) {
        n += d.size();
      }
      this.size = n;
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
      for (int i = 0; i < deltas.size(); i++) {
        Generation.Delta d = deltas.get(i);
        if (position < start + d.size()) {
          if (openIndex != i) {
            closeOpen();
            open = storage.openDelta(d);
            openIndex = i;
          }
          open.position(position - start);
          int n = open.read(dst);
          if (n > 0) {
            position += n;
          }
          return n;
        }
        start += d.size();
      }
      int off = (int) (position - start);
      int n = Math.min(dst.remaining(), tail.length - off);
      dst.put(tail, off, n);
      position += n;
      return n;
    }

    private void closeOpen() throws IOException {
      if (open != null) {
        open.close();
        open = null;
      }
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
    public void close() throws IOException {
      closed = true;
      closeOpen();
    }
  }
}
