package org.mlsdm.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.mlsdm.state.internal.io.ReadOnlyChannel;

/**
 * A read-only channel over a byte array, so that readers can be tested and fuzzed without touching
 * disk. Its {@link #size()} may under-report the content, standing in for a file that grows while
 * it is read.
 */
public final class BytesChannel extends ReadOnlyChannel {
  private final byte[] bytes;
  private final long reportedSize;

  public BytesChannel(byte[] bytes) {
    this(bytes, bytes.length);
  }

  public BytesChannel(byte[] bytes, long reportedSize) {
    this.bytes = bytes;
    this.reportedSize = reportedSize;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= bytes.length) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), bytes.length - position);
    dst.put(bytes, (int) position, n);
    position += n;
    return n;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return reportedSize;
  }
}
