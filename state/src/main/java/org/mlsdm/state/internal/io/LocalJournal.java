package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
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
      created = !DurableFile.exists(path);
      channel =
          FileChannel.open(
              path,
              Set.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.READ,
                  LinkOption.NOFOLLOW_LINKS),
              RealFileOps.ownerOnly());
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
    ch.truncate(size);
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

  @Override
  public void close() throws IOException {
    if (channel != null) {
      ops.close(channel);
      channel = null;
    }
  }
}
