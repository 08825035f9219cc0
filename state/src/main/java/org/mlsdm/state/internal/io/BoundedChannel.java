package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only view of the first {@code limit} bytes of a file channel: it ends there even if the
 * file has grown since it was checked (or is not what was checked), so no reader can be made to
 * read for ever. Closing it closes the file.
 */
final class BoundedChannel implements SeekableByteChannel {
  private final FileChannel ch;
  private final long limit;

  BoundedChannel(FileChannel ch, long limit) {
    this.ch = ch;
    this.limit = limit;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    long left = limit - ch.position();
    if (left <= 0) {
      return -1;
    }
    if (dst.remaining() <= left) {
      return ch.read(dst);
    }
    ByteBuffer slice = dst.slice().limit((int) left);
    int n = ch.read(slice);
    if (n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    return ch.position();
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ch.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return Math.min(limit, ch.size());
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return ch.isOpen();
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
