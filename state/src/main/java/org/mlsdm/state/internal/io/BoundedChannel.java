package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only view of the first {@code limit} bytes of a file channel: it ends there even if the
 * file has grown since it was checked (or is not what was checked), so no reader can be made to
 * read for ever. No file at all ({@code null}) reads as empty. Reads are positional, so the view
 * keeps its own position; closing it closes the file.
 */
final class BoundedChannel implements SeekableByteChannel {
  private final FileChannel file;
  private final long limit;
  private long position;
  private boolean open = true;

  BoundedChannel(FileChannel file, long limit) {
    this.file = file;
    this.limit = limit;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= limit || file == null) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), limit - position);
    ByteBuffer slice = dst.slice().limit(want);
    int n = file.read(slice, position);
    if (n > 0) {
      dst.position(dst.position() + n);
      position += n;
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    // A file that shrank since the check is only as long as it now is.
    return file == null ? 0 : Math.min(limit, file.size());
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    if (file != null) {
      file.close();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
