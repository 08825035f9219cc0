package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mlsdm.state.spi.Journal;

/**
 * {@code NAME.journal}: an append-only file beside the state. Under a crash or power loss:
 *
 * <ul>
 *   <li>{@link #append}: writes at the end; until {@link #sync}, a crash may keep any prefix of the
 *       unsynced bytes (on some file systems also zeros or garbage in the unsynced range, which the
 *       core's frame checksums reject as a torn tail).
 *   <li>{@link #sync}: fsyncs the file, and the directory the first time, when this journal created
 *       the file: after it returns, every appended byte and the file's name are durable.
 *   <li>{@link #truncate}: cuts the file and fsyncs it; a crash before the fsync leaves the old
 *       length or the new one.
 *   <li>{@link #read}: opens the file read-only, bounded by its size at that moment; creates
 *       nothing.
 *   <li>{@link #delete} and {@link #setAside}: delete or rename the file, then fsync the directory;
 *       a crash leaves the old name or the new state of the directory.
 * </ul>
 *
 * The file is created owner-only (0600) without following a symbolic link.
 */
final class LocalJournal implements Journal {
  private final FileOps ops;
  private final Path path;
  private FileChannel channel;
  private boolean created;

  LocalJournal(FileOps ops, Path path) {
    this.ops = ops;
    this.path = path;
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      // Opening goes through the seam (createNew: owner-only, no symbolic link followed), so the
      // fault-injection and power-loss models see the journal's bytes and its name.
      if (DurableFile.exists(path)) {
        channel = ops.openWrite(path);
        created = false;
      } else {
        channel = ops.createNew(path);
        created = true;
      }
    }
    return channel;
  }

  @Override
  public long size() throws IOException {
    if (channel != null) {
      return channel.size();
    }
    try (FileChannel ch = ops.openRead(path)) {
      return ch.size();
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  @Override
  public void append(ByteBuffer bytes) throws IOException {
    FileChannel ch = channel();
    ch.position(ch.size());
    ops.write(ch, bytes);
  }

  @Override
  public void sync() throws IOException {
    ops.force(channel());
    if (created) {
      ops.forceDirectory(path.toAbsolutePath().getParent());
      created = false;
    }
  }

  @Override
  public void truncate(long size) throws IOException {
    FileChannel ch = channel();
    if (size < 0 || size > ch.size()) {
      throw new IllegalArgumentException(
          "size must be in [0, " + ch.size() + "], got " + size + " for " + path);
    }
    ops.truncate(ch, size);
    sync();
  }

  @Override
  public SeekableByteChannel read() throws IOException {
    try {
      FileChannel ch = ops.openRead(path);
      return new BoundedChannel(ch, ch.size());
    } catch (NoSuchFileException e) {
      return new BoundedChannel(null, 0);
    }
  }

  /** Deletes {@code NAME.journal} and fsyncs the directory; a crash leaves it or not. */
  @Override
  public void delete() throws IOException {
    close();
    if (DurableFile.exists(path)) {
      ops.delete(path);
      ops.forceDirectory(path.toAbsolutePath().getParent());
    }
  }

  /**
   * Renames {@code NAME.journal} to {@code NAME.journal<suffix>} and fsyncs the directory; a crash
   * leaves one name or the other.
   */
  @Override
  public String setAside(String suffix) throws IOException {
    close();
    Path aside = path.resolveSibling(path.getFileName() + suffix);
    ops.rename(path, aside);
    ops.forceDirectory(path.toAbsolutePath().getParent());
    return aside.toString();
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      FileChannel ch = channel;
      channel = null;
      ops.close(ch);
    }
  }
}
