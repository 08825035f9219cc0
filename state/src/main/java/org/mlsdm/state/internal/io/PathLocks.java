package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Serializes saves and loads of one state path across threads and processes.
 *
 * <p>Two layers, taken in this order and released in reverse: an in-JVM {@link
 * ReentrantReadWriteLock} per path, then an OS lock ({@link FileLock}) on the sibling file {@code
 * NAME.lock}, shared for loads and exclusive for saves, recovery and deletion. The JVM holds one OS
 * lock per file for all its threads, so the in-JVM layer comes first and concurrent loads in one
 * JVM share a single reference-counted shared lock: {@code OverlappingFileLockException} cannot
 * arise.
 *
 * <p>Only writers create the lock file. The lock file is never deleted, since a process waiting on
 * a deleted lock file's inode would exclude nobody. Readers never create it (a read-only operation
 * writes nothing, not even a lock file, beside the Python system's files): {@link #shared} locks
 * the lock file when it exists and can be opened for reading, and otherwise holds the in-JVM lock
 * alone and says so through {@link Held#interProcess()}. A reader without the inter-process lock
 * checks afterwards whether the lock file has appeared (a writer creates it before it changes
 * anything) and reads again under it if so.
 */
public final class PathLocks {
  /** A held lock; closing it releases both layers. */
  public interface Held extends AutoCloseable {
    @Override
    void close();

    /**
     * Whether this lock excludes other processes' writers too, not only this JVM's.
     *
     * @return true when the OS lock on the lock file is held
     */
    boolean interProcess();
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
    return Companions.lock(path);
  }

  /**
   * Takes the shared lock for a load: the in-JVM read lock, and the OS shared lock when the lock
   * file exists; never creates the lock file.
   */
  public Held shared(Path path) throws IOException {
    Path key = key(path);
    Entry e = enter(key);
    boolean ok = false;
    e.rw.readLock().lock();
    try {
      boolean interProcess;
      synchronized (e) {
        // Also when other readers already hold the entry without an OS lock: the lock file may
        // have appeared since, and a reader that asks again must not share their unlocked state.
        if (e.sharedChannel == null) {
          FileChannel ch = openExistingLockFile(path);
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
        interProcess = e.sharedChannel != null;
      }
      ok = true;
      return new Held() {
        @Override
        public void close() {
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
        }

        @Override
        public boolean interProcess() {
          return interProcess;
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
      FileChannel ch = openLockFile(path);
      try {
        ch.lock();
      } catch (IOException | RuntimeException ex) {
        ch.close();
        throw ex;
      }
      ok = true;
      return new Held() {
        @Override
        public void close() {
          try {
            closeQuietly(ch);
          } finally {
            e.rw.writeLock().unlock();
            leave(key, e);
          }
        }

        @Override
        public boolean interProcess() {
          return true;
        }
      };
    } finally {
      if (!ok) {
        e.rw.writeLock().unlock();
        leave(key, e);
      }
    }
  }

  private static FileChannel openLockFile(Path path) throws IOException {
    return openReadWrite(
        lockFile(path),
        Set.of(
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS),
        RealFileOps.ownerOnly());
  }

  /**
   * Opens a lock file read-write with {@code options} (which hold {@code NOFOLLOW_LINKS}: a link is
   * refused); {@code O_RDWR} opens a FIFO without blocking on Linux, so whatever is not a regular
   * file is refused after the open ({@link NotRegularFileException}), the channel closed: a FIFO,
   * socket or device is not locked on.
   */
  private static FileChannel openReadWrite(
      Path lock, Set<OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    FileChannel ch = FileChannel.open(lock, options, attrs);
    try {
      RegularFiles.requireRegular(
          lock, Files.readAttributes(lock, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return ch;
  }

  /**
   * The lock file opened for a shared lock, or null where it does not exist, cannot be read or is
   * not a regular file (a link, a FIFO: not ours to lock, nor to follow or block on; a save refuses
   * such a lock file, so no writer of ours can be excluded by it).
   *
   * <p>It is first opened read-write on the calling thread, without creating it, as {@link
   * #openLockFile} opens it: no helper thread is needed. Where it cannot be opened for writing (a
   * read-only lock file or file system), it is opened read-only as every other file is ({@link
   * RegularFiles#openRead}: a helper thread and a timeout).
   */
  private static FileChannel openExistingLockFile(Path path) throws IOException {
    Path lock = lockFile(path);
    try {
      return openReadWrite(
          lock,
          Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException | NotRegularFileException e) {
      return null;
    } catch (IOException e) {
      // Not writable, a link (ELOOP, a plain IOException), a directory, a socket: the read-only
      // open decides.
      return openLockFileReadOnly(lock);
    }
  }

  private static FileChannel openLockFileReadOnly(Path lock) throws IOException {
    try {
      return RegularFiles.openRead(lock, false).channel();
    } catch (NoSuchFileException | AccessDeniedException | NotRegularFileException e) {
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
