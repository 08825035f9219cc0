package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only view of the first {@code limit} bytes of a file channel: it ends there even if the
 * file has grown since it was checked (or is not what was checked), so no reader can be made to
 * read for ever. No file at all ({@code null}) reads as empty. Reads are positional, so the view
 * keeps its own position; closing it closes the file (closing an {@link #independentView()} does
 * not).
 */
public final class BoundedChannel extends ReadOnlyChannel {
  private final FileChannel file;
  private final long limit;
  private final boolean ownsFile;

  BoundedChannel(FileChannel file, long limit) {
    this(file, limit, true);
  }

  private BoundedChannel(FileChannel file, long limit, boolean ownsFile) {
    this.file = file;
    this.limit = limit;
    this.ownsFile = ownsFile;
  }

  /**
   * Another reader of the same bytes with its own position and the same limit, so that one thread
   * can hash them while another parses them. Closing the view leaves this channel and the file
   * open; it must not be used after this channel is closed.
   *
   * @return the view, positioned at 0
   */
  public SeekableByteChannel independentView() {
    return new BoundedChannel(file, limit, false);
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
  public long size() throws IOException {
    ensureOpen();
    // A file that shrank since the check is only as long as it now is.
    return file == null ? 0 : Math.min(limit, file.size());
  }

  @Override
  protected void release() throws IOException {
    if (file != null && ownsFile) {
      file.close();
    }
  }
}
