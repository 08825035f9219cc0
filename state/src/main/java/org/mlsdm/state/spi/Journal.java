package org.mlsdm.state.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * An append-only log beside a state. Frames are opaque bytes to the storage; the core frames,
 * checksums and chains them. {@link #append} is not durable until {@link #sync} returns.
 */
public interface Journal {
  /** Bytes currently in the journal (0 when absent). */
  long size() throws IOException;

  /** Appends the buffer's remaining bytes at the end. */
  void append(ByteBuffer bytes) throws IOException;

  /** Makes every appended byte durable. */
  void sync() throws IOException;

  /** Cuts the journal to {@code size} bytes (a torn tail), durably. */
  void truncate(long size) throws IOException;

  /** Reads the journal, bounded by {@link #size()} as of the call. */
  SeekableByteChannel read() throws IOException;
}
