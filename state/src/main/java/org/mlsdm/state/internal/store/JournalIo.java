package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The append-only file operations a journal needs, shaped like the storage SPI's {@code Journal}
 * draft (issue 9) so that the local implementation can move behind it unchanged: {@link #append} is
 * not durable until {@link #sync} returns. Reads go through {@link JournalFormat#scan}, which takes
 * the bytes as they are on disk.
 */
interface JournalIo extends AutoCloseable {
  /** Bytes currently in the journal (0 when absent). */
  long size() throws IOException;

  /** Appends the buffer's remaining bytes at the end, creating the journal when absent. */
  void append(ByteBuffer bytes) throws IOException;

  /** Makes every appended byte, and the journal's directory entry, durable. */
  void sync() throws IOException;

  /** Cuts the journal to {@code size} bytes (a torn tail or a failed append), durably. */
  void truncate(long size) throws IOException;

  /** Releases the open channel, if any. */
  @Override
  void close() throws IOException;
}
