package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mlsdm.state.internal.io.FileOps;

/**
 * A journal in the local directory: {@code NAME.journal} beside the state file. Creation, writes,
 * fsyncs and closes go through the {@link FileOps} seam, so the fault-injection and power-loss
 * tests reach every step; a new journal's directory entry is made durable by the first {@link
 * #sync()} after it was created.
 */
final class LocalJournal implements JournalIo {
  private final FileOps ops;
  private final Path path;
  private FileChannel channel;
  private boolean created;

  LocalJournal(FileOps ops, Path path) {
    this.ops = ops;
    this.path = path;
  }

  Path path() {
    return path;
  }

  @Override
  public long size() throws IOException {
    if (channel != null) {
      return channel.size();
    }
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? Files.size(path) : 0;
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      } else {
        channel = ops.createNew(path);
        created = true;
      }
      channel.position(channel.size());
    }
    return channel;
  }

  @Override
  public void append(ByteBuffer bytes) throws IOException {
    FileChannel ch = channel();
    ops.write(ch, bytes);
  }

  @Override
  public void sync() throws IOException {
    if (channel == null) {
      return;
    }
    ops.force(channel);
    if (created) {
      ops.forceDirectory(path.getParent());
      created = false;
    }
  }

  @Override
  public void truncate(long size) throws IOException {
    FileChannel ch = channel();
    ch.truncate(size);
    ch.position(size);
    ops.force(ch);
  }

  @Override
  public void close() throws IOException {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      ops.close(ch);
    }
  }
}
