package org.mlsdm.state.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every file the store reads is opened here, so that only a regular file is ever read, and never
 * for longer than its size.
 *
 * <ol>
 *   <li>The path is checked with {@code lstat} (or {@code stat} when the caller follows links): a
 *       directory, FIFO, socket, device, or a symbolic link where links are not followed, is
 *       refused with {@link NotRegularFileException} before anything opens it.
 *   <li>It is opened read-only ({@code O_NOFOLLOW} unless links are followed) on a helper thread,
 *       waiting at most {@link #OPEN_TIMEOUT}. Java 17 has no {@code O_NONBLOCK} open, and an
 *       attacker who can write the directory can swap a FIFO in between the check and the open;
 *       such an open would block until some process opens the FIFO for writing. It then fails as
 *       unreadable after the timeout and leaves a daemon thread blocked in {@code open(2)}, which
 *       closes the file if the open ever completes.
 *   <li>The path is checked again and must have the same file key (device and inode) as in step 1;
 *       otherwise the channel is closed and the open refused.
 *   <li>Reads stop at the size step 1 saw ({@link Opened#bounded()}).
 * </ol>
 *
 * <p>Residual race: steps 1 and 3 are two {@code lstat}s around an {@code open}, and Java cannot
 * {@code fstat} the open channel, so a process that swaps a name twice (to a FIFO or device and
 * back) within that window gets the foreign file opened. It is then still read for at most the
 * checked size, and an open that blocks is still abandoned after the timeout: nothing hangs or
 * floods; the bytes read fail the checksum or the parser. Such a process can write the directory
 * and so could replace the state file itself anyway.
 */
public final class RegularFiles {
  /** How long an open may block (a FIFO swapped in after the check) before it fails. */
  public static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

  private static final ExecutorService OPENERS = Workers.cachedDaemons("mlsdm-open");

  private RegularFiles() {}

  /**
   * A regular file open for reading and the size it had when checked.
   *
   * @param channel the open file; its position is 0
   * @param size the size the check saw, where reads through {@link #bounded()} stop
   */
  public record Opened(FileChannel channel, long size) implements Closeable {
    /** Checks the components. */
    public Opened {
      Objects.requireNonNull(channel, "channel");
    }

    /** A view of the channel that ends at {@link #size()}; closing it closes the file. */
    public SeekableByteChannel bounded() {
      return new BoundedChannel(channel, size);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Opens a regular file for reading as the class comment describes.
   *
   * @param path the file
   * @param followLinks whether a symbolic link at {@code path} may be followed
   * @return the open file and its checked size
   * @throws NoSuchFileException if nothing is at {@code path}
   * @throws NotRegularFileException if it is not a regular file, changed while it was opened, or
   *     its open did not complete within {@link #OPEN_TIMEOUT}
   * @throws IOException if the check or the open fails otherwise
   */
  public static Opened openRead(Path path, boolean followLinks) throws IOException {
    LinkOption[] how =
        followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    BasicFileAttributes before = Files.readAttributes(path, BasicFileAttributes.class, how);
    requireRegular(path, before);
    Set<OpenOption> options =
        followLinks
            ? Set.of(StandardOpenOption.READ)
            : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    FileChannel ch = openBounded(path, options, OPEN_TIMEOUT);
    boolean ok = false;
    try {
      BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class, how);
      requireRegular(path, after);
      Object key = before.fileKey();
      if (key != null && !key.equals(after.fileKey())) {
        throw new NotRegularFileException(path.toString(), "replaced while it was being opened");
      }
      ok = true;
      return new Opened(ch, before.size());
    } finally {
      if (!ok) {
        ch.close();
      }
    }
  }

  /**
   * Whether a regular file is at {@code path}, not following a symbolic link there.
   *
   * @param path the path
   * @return true for a regular file; false for nothing, a link or any other kind of file
   */
  public static boolean isRegular(Path path) {
    return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Refuses anything but a regular file.
   *
   * @param path the path, for the message
   * @param attrs its attributes
   * @throws NotRegularFileException naming what is there instead
   */
  public static void requireRegular(Path path, BasicFileAttributes attrs)
      throws NotRegularFileException {
    if (!attrs.isRegularFile()) {
      throw new NotRegularFileException(path.toString(), "not a regular file but " + kind(attrs));
    }
  }

  /** What a non-regular file is, for messages. */
  static String kind(BasicFileAttributes attrs) {
    if (attrs.isDirectory()) {
      return "a directory";
    }
    if (attrs.isSymbolicLink()) {
      return "a symbolic link";
    }
    return "a FIFO, socket or device";
  }

  /**
   * Reads at most {@code max} bytes from the start of an opened file.
   *
   * @param file the opened file
   * @param max the most bytes wanted
   * @return the bytes, fewer when the file (or its checked size) is shorter
   * @throws IOException if reading fails
   */
  public static byte[] readPrefix(Opened file, int max) throws IOException {
    SeekableByteChannel in = file.bounded();
    ByteBuffer buf = ByteBuffer.allocate(max);
    int n = 0;
    while (n >= 0 && buf.hasRemaining()) {
      n = in.read(buf);
    }
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  /**
   * Opens on a helper thread and waits at most {@code timeout}; an open that completes later is
   * closed by that thread.
   */
  static FileChannel openBounded(Path path, Set<OpenOption> options, Duration timeout)
      throws IOException {
    AtomicBoolean abandoned = new AtomicBoolean();
    CompletableFuture<FileChannel> opening = new CompletableFuture<>();
    OPENERS.execute(
        () -> {
          FileChannel ch;
          try {
            ch = FileChannel.open(path, options);
          } catch (IOException | RuntimeException e) {
            opening.completeExceptionally(e);
            return;
          }
          synchronized (abandoned) {
            if (!abandoned.get()) {
              opening.complete(ch);
              return;
            }
          }
          closeQuietly(ch);
        });
    try {
      return opening.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      synchronized (abandoned) {
        abandoned.set(true);
        FileChannel late = opening.getNow(null);
        if (late != null) {
          closeQuietly(late);
        }
      }
      throw new NotRegularFileException(
          path.toString(), "did not open within " + timeout.toMillis() + " ms (a FIFO or device?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while opening " + path);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // An abandoned channel: nobody is left to tell.
    }
  }
}
