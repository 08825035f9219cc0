package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Serializes saves and loads of one state path across threads and processes.
 *
 * <p>Two layers, taken in this order and released in reverse: an in-JVM {@link
 * ReentrantReadWriteLock} per path, then an OS lock ({@link FileLock}) on the sibling file {@code
 * NAME.lock}, shared for loads and exclusive for saves, recovery and deletion. The JVM holds one OS
 * lock per file for all its threads, so the in-JVM layer comes first and concurrent loads in one
 * JVM share a single reference-counted shared lock: {@code OverlappingFileLockException} cannot
 * arise. The lock file is never deleted, since a process waiting on a deleted lock file's inode
 * would exclude nobody. Where the lock file cannot be created (a read-only directory), loads
 * proceed under the in-JVM lock alone: nothing can write there either.
 */
public final class PathLocks {
  /** A held lock; closing it releases both layers. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private static final class Entry {
    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    int users;
    int sharedHolders;
    FileChannel sharedChannel;
    FileLock sharedLock;
  }

  private final Map<Path, Entry> entries = new HashMap<>();

  /** The inter-process lock file beside a state file: {@code <name>.lock}. */
  public static Path lockFile(Path path) {
    return path.resolveSibling(path.getFileName() + ".lock");
  }

  /** Takes the shared lock for a load. */
  public Held shared(Path path) throws IOException {
    Path key = key(path);
    Entry e = enter(key);
    boolean ok = false;
    e.rw.readLock().lock();
    try {
      synchronized (e) {
        if (e.sharedHolders == 0) {
          FileChannel ch = openLockFile(path, false);
          if (ch != null) {
            try {
              e.sharedLock = ch.lock(0, Long.MAX_VALUE, true);
            } catch (IOException | RuntimeException ex) {
              ch.close();
              throw ex;
            }
          }
          e.sharedChannel = ch;
        }
        e.sharedHolders++;
      }
      ok = true;
      return () -> {
        try {
          synchronized (e) {
            if (--e.sharedHolders == 0) {
              closeQuietly(e.sharedChannel);
              e.sharedChannel = null;
              e.sharedLock = null;
            }
          }
        } finally {
          e.rw.readLock().unlock();
          leave(key, e);
        }
      };
    } finally {
      if (!ok) {
        e.rw.readLock().unlock();
        leave(key, e);
      }
    }
  }

  /** Takes the exclusive lock for a save, a recovery or a deletion. */
  public Held exclusive(Path path) throws IOException {
    Path key = key(path);
    Entry e = enter(key);
    boolean ok = false;
    e.rw.writeLock().lock();
    try {
      FileChannel ch = openLockFile(path, true);
      try {
        ch.lock();
      } catch (IOException | RuntimeException ex) {
        ch.close();
        throw ex;
      }
      ok = true;
      return () -> {
        try {
          closeQuietly(ch);
        } finally {
          e.rw.writeLock().unlock();
          leave(key, e);
        }
      };
    } finally {
      if (!ok) {
        e.rw.writeLock().unlock();
        leave(key, e);
      }
    }
  }

  private static FileChannel openLockFile(Path path, boolean required) throws IOException {
    Path lock = lockFile(path);
    FileChannel ch = openOrCreate(lock, required);
    if (ch != null) {
      // O_NOFOLLOW refused a link; O_RDWR opens a FIFO without blocking, so check after the open
      // that a regular file was opened (a FIFO, socket or device is not locked on).
      try {
        RegularFiles.requireRegular(
            lock, Files.readAttributes(lock, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
      } catch (IOException e) {
        ch.close();
        throw e;
      }
    }
    return ch;
  }

  private static FileChannel openOrCreate(Path lock, boolean required) throws IOException {
    try {
      return FileChannel.open(
          lock,
          java.util.Set.of(
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS),
          RealFileOps.ownerOnly());
    } catch (AccessDeniedException | ReadOnlyFileSystemException | NoSuchFileException e) {
      if (required) {
        throw e;
      }
      return null;
    } catch (FileSystemException e) {
      if (required || !"Read-only file system".equals(e.getReason())) {
        throw e;
      }
      return null;
    }
  }

  private static Path key(Path path) throws IOException {
    Path abs = path.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    try {
      return dir.toRealPath().resolve(abs.getFileName());
    } catch (NoSuchFileException e) {
      return abs;
    }
  }

  private synchronized Entry enter(Path key) {
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    e.users++;
    return e;
  }

  private synchronized void leave(Path key, Entry e) {
    if (--e.users == 0) {
      entries.remove(key, e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Closing releases the lock; a failure here leaves nothing to undo.
      }
    }
  }
}
