package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * A buffered stream into a new file that hashes what it writes: the bytes are serialized, hashed
 * and written in one pass, so a save never reads its file back to checksum it.
 *
 * <p>Each full block is written to the channel by the caller's thread and then hashed, in order, on
 * a {@link Workers} thread, so that hashing overlaps with serializing the next blocks and with the
 * fsync that follows {@link #finish}. At most {@value #BLOCKS} blocks ({@value #BLOCKS} × {@value
 * #BUFFER_SIZE} bytes) are in flight: a block is refilled only once it is hashed. Content that fits
 * in one block is hashed on the caller's thread.
 */
public final class HashingSink extends OutputStream {
  /** Size of each block handed to a hashing thread, and of the I/O buffers that go with it. */
  public static final int BUFFER_SIZE = 1 << 16;

  /** Bounds the hashing lag, and the sink's memory, to 4 MiB. */
  static final int BLOCKS = 64;

  private final FileOps ops;
  private final FileChannel channel;
  private final BlockHasher hasher;
  private byte[] buffer;
  private boolean spilled;
  private int count;

  HashingSink(FileOps ops, FileChannel channel, Workers workers) {
    this.ops = ops;
    this.channel = channel;
    this.hasher = new BlockHasher(BUFFER_SIZE, BLOCKS, workers);
    this.buffer = hasher.next();
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      drain();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (count == buffer.length) {
        drain();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  /** Writes out what is buffered; the channel is not forced. */
  @Override
  public void flush() throws IOException {
    drain();
  }

  /**
   * Writes out what is buffered and returns the lowercase hex SHA-256 of everything written, which
   * may still be being computed: force the channel first, then join.
   */
  CompletableFuture<String> finish() throws IOException {
    if (!spilled) {
      MessageDigest digest = Sha256.newDigest();
      digest.update(buffer, 0, count);
      write(buffer, count);
      count = 0;
      return CompletableFuture.completedFuture(Sha256.hex(digest.digest()));
    }
    drain();
    return hasher.digest();
  }

  private void drain() throws IOException {
    if (count == 0) {
      return;
    }
    write(buffer, count);
    hasher.hash(count);
    spilled = true;
    buffer = hasher.next();
    count = 0;
  }

  private void write(byte[] block, int n) throws IOException {
    ops.write(channel, ByteBuffer.wrap(block, 0, n));
  }
}
