package org.mlsdm.state.spi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.OptionalLong;

/**
 * An append-only log beside a state, for incremental checkpoints. Frames are opaque bytes to the
 * storage; the core frames, checksums and chains them. Callers serialize appends, syncs and
 * truncations of one journal; {@link #read} may run beside them.
 */
public interface Journal extends Closeable {
  /**
   * The bytes currently in the journal.
   *
   * @return its size, 0 when it does not exist yet
   * @throws IOException if the storage cannot be read
   */
  long size() throws IOException;

  /**
   * Appends the buffer's remaining bytes at the end. Not durable until {@link #sync} returns: a
   * crash may keep any prefix of what was appended since the last sync, never bytes out of order.
   *
   * @param bytes the frame bytes; consumed
   * @throws IOException if writing fails; what was appended may then be torn, which the core's
   *     frame checksums detect
   */
  void append(ByteBuffer bytes) throws IOException;

  /**
   * Makes every appended byte durable.
   *
   * @throws IOException if that cannot be promised; the appended bytes must then be treated as lost
   */
  void sync() throws IOException;

  /**
   * Cuts the journal to {@code size} bytes (a torn tail, or 0 to start over), durably.
   *
   * @param size the new size, at most {@link #size()}
   * @throws IOException if truncating or syncing fails
   */
  void truncate(long size) throws IOException;

  /**
   * Removes the journal durably (a whole-file save or a compaction starts it over); missing is
   * fine. The default cuts it to 0 bytes, which reads as no journal.
   *
   * @throws IOException if removing or syncing fails
   */
  default void delete() throws IOException {
    if (size() > 0) {
      truncate(0);
    }
  }

  /**
   * Keeps the journal's bytes aside under a name derived from {@code suffix} (a journal that does
   * not chain to the current state, kept for inspection) and removes the journal, durably.
   *
   * @param suffix appended to the journal's name, e.g. {@code .stale-<UTC time>}
   * @return where the bytes were kept, for messages
   * @throws UnsupportedOperationException if the storage cannot keep a journal aside (the default);
   *     the core then deletes it instead
   * @throws IOException if renaming or syncing fails
   */
  default String setAside(String suffix) throws IOException {
    throw new UnsupportedOperationException("this storage cannot keep a journal aside");
  }

  /**
   * The generation this journal's bytes belong to, on storages that number versions: a compaction
   * or rewrite publishes only while it is still the newest.
   *
   * @return the generation, or empty (the default) where the journal lives beside the current
   *     version
   */
  default OptionalLong generation() {
    return OptionalLong.empty();
  }

  /**
   * Whether the storage wants the journal folded into a new base before it grows further, whatever
   * its size (an object store's manifest names a bounded number of deltas).
   *
   * @return false by default
   * @throws IOException if the storage cannot be read
   */
  default boolean full() throws IOException {
    return false;
  }

  /**
   * Opens the journal for reading, bounded by its size as of the call; writes nothing.
   *
   * @return a channel over the journal's bytes, empty when the journal does not exist
   * @throws IOException if the storage cannot be read
   */
  SeekableByteChannel read() throws IOException;
}
