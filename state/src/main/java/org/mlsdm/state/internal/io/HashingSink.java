package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A buffered stream into a new file that hashes what it writes: the bytes are serialized, hashed
 * and written in one pass, so a save never reads its file back to checksum it.
 *
 * <p>Each full block is written to the channel by the caller's thread and then hashed, in order, on
 * a {@link #HASHERS} thread, so that hashing overlaps with serializing the next blocks and with the
 * fsync that follows {@link #finish}. At most {@value #BLOCKS} blocks ({@value #BLOCKS} × {@value
 * #BUFFER_SIZE} bytes) are in flight: a block is refilled only once it is hashed. Content that fits
 * in one block is hashed on the caller's thread.
 */
public final class HashingSink extends OutputStream {
  /** Size of each block handed to a hashing thread, and of the I/O buffers that go with it. */
  public static final int BUFFER_SIZE = 1 << 16;

  /** Bounds the hashing lag, and the sink's memory, to 4 MiB. */
  static final int BLOCKS = 64;

  /**
   * Hashes (and formats JSON rows) for saves and loads on spare cores: one daemon thread per core,
   * expiring when idle. Its tasks never wait for one another, so a bounded pool cannot deadlock.
   */
  public static final ExecutorService HASHERS = pool(Runtime.getRuntime().availableProcessors());

  private static ExecutorService pool(int threads) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t = new Thread(task, "mlsdm-state-hash");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Waits for a {@link #HASHERS} task, uninterruptibly (the tasks are short and bounded), keeping
   * the caller's interrupt status.
   *
   * @throws IOException the task's own {@code IOException}
   */
  public static <T> T await(Future<T> task) throws IOException {
    boolean interrupted = false;
    try {
      for (; ; ) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final FileOps ops;
  private final FileChannel channel;
  private final BlockHasher hasher = new BlockHasher(BUFFER_SIZE, BLOCKS);
  private byte[] buffer = hasher.next();
  private boolean spilled;
  private int count;

  HashingSink(FileOps ops, FileChannel channel) {
    this.ops = ops;
    this.channel = channel;
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
