package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.schema.StateMaps;

/**
 * One file format. The store owns the file protocol (temp file, checksum, fsync, rename, locks); a
 * codec only turns a record into bytes and bytes into a state map.
 *
 * <p><b>State maps.</b> {@link #read} returns the map that {@link StateMaps#toRecord} turns into a
 * record, migrated first when its version is old: top-level keys {@code version} (an integral
 * {@link Number}; absent for the legacy v0 layout), {@code id} ({@link String} or null), {@code
 * created_at} and {@code updated_at} ({@link String}s as the file spells them), {@code
 * memory_state} (a map of {@code dimension}, {@code lambda_l1} … {@code gating23} as {@link
 * Number}s and {@code state_l1}, {@code state_l2}, {@code state_l3} as {@code double[]}), and
 * {@code qilm} (a map of {@code memory} as {@code double[][]} and {@code phases} as {@code
 * double[]}). The arrays are freshly allocated and handed over: the record adopts them without a
 * copy. Unknown keys may be dropped.
 */
public interface StateCodec {

  /**
   * Writes a record, streaming; the caller buffers, hashes and fsyncs {@code out}.
   *
   * @param state the record to write
   * @param out where the bytes go; not closed
   * @throws IOException if {@code out} fails
   */
  void write(SystemStateRecord state, OutputStream out) throws IOException;

  /**
   * Reads a state map.
   *
   * @param in the file's bytes, positioned at 0; not closed
   * @param source the path, for messages
   * @return the state map described above
   * @throws StateLoadException ({@link StateLoadException.Reason#MALFORMED}) naming the source and
   *     the field or offset, for any content that is not a well-formed file of this format or
   *     exceeds a reader limit
   * @throws IOException if reading fails
   */
  Map<String, Object> read(SeekableByteChannel in, String source) throws IOException;

  /** A state map and the SHA-256 of the file it was read from (null when not asked for). */
  record Hashed(Map<String, Object> map, String sha256) {}

  /**
   * Reads a state map in one pass that also hashes the file, when this codec can: the store then
   * needs no separate checksum pass. The default cannot.
   *
   * @param in the file's bytes, positioned at 0; not closed
   * @param hash whether to compute the file's lowercase hex SHA-256
   * @return what {@link #read} would return for the same bytes, with the digest when asked for, the
   *     file having been read to its end; or null, leaving the position undefined, when the file
   *     needs {@link #read}
   * @throws IOException if reading fails
   */
  default Hashed readHashing(SeekableByteChannel in, boolean hash) throws IOException {
    return null;
  }
}
