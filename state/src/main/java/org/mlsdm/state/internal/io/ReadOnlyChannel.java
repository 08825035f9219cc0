package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * What every read-only channel of the core shares: a position of its own that any non-negative
 * value may be set to, writes and truncation refused with {@link NonWritableChannelException}, and
 * {@link ClosedChannelException} for any use after {@link #close()}. A subclass gives {@link
 * #read}, {@link #size()} and, when it holds a resource, {@link #release()}.
 *
 * <p>The S3 module's ranged channel has the same shape but does not extend this class: this package
 * is not exported, and a read-only channel base is no part of the storage SPI.
 */
public abstract class ReadOnlyChannel implements SeekableByteChannel {
  /** Where the next read starts; subclasses advance it as they read. */
  protected long position;

  private boolean open = true;

  /** A channel, open, at position 0. */
  protected ReadOnlyChannel() {}

  @Override
  public final int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public final long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public final SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public final SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public final boolean isOpen() {
    return open;
  }

  /** Marks the channel closed, then {@link #release()}s what it holds. */
  @Override
  public final void close() throws IOException {
    open = false;
    release();
  }

  /**
   * Frees what the channel holds, once per {@link #close()}; nothing by default.
   *
   * @throws IOException if freeing it fails
   */
  protected void release() throws IOException {}

  /**
   * Throws when the channel is closed; every read and size query starts with it.
   *
   * @throws ClosedChannelException if {@link #close()} was called
   */
  protected final void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
