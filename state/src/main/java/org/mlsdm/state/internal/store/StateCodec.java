package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.schema.Schema;

/**
 * One file format. The store owns the file protocol (temp file, checksum, fsync, rename, locks); a
 * codec only turns a record into bytes and bytes into a {@link Decoded}.
 *
 * <p><b>Reading</b> goes one of two ways, decided by the schema version the file declares before
 * any value is type-checked. A document at {@link Schema#CURRENT_VERSION} (for JSON: a {@code
 * version} that comes first in the root object) is decoded into a {@link Decoded#typed typed}
 * {@link org.mlsdm.state.internal.schema.DecodedState}, its names taken from {@link Schema}, its
 * arrays freshly allocated and adopted by the record without a copy. Any other document (an older
 * or newer version, the legacy v0 layouts, a version found only after other content) is decoded
 * into the {@link Decoded#raw raw} form that migrations take ({@code MigrationRegistry} documents
 * it), so that a migration sees the file's values before their types are checked.
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
   * Reads a file.
   *
   * @param in the file's bytes, positioned at 0; not closed
   * @param source the path, for messages
   * @return the typed values of a current-version file, or the raw form of any other
   * @throws StateLoadException ({@link StateLoadException.Reason#MALFORMED}) naming the source and
   *     the field or offset, for any content that is not a well-formed file of this format, has a
   *     value of the wrong type on the typed path, or exceeds a reader limit or the load budget
   * @throws IOException if reading fails
   */
  Decoded read(SeekableByteChannel in, String source) throws IOException;

  /** A decoded file and the SHA-256 of its bytes (null when not asked for). */
  record Hashed(Decoded decoded, String sha256) {}

  /**
   * Reads a file in one pass that also hashes it, when this codec can: the store then needs no
   * separate checksum pass. The default cannot.
   *
   * @param in the file's bytes, positioned at 0; not closed
   * @param hash whether to compute the file's lowercase hex SHA-256
   * @return what {@link #read} returns for the same bytes, with the digest when asked for, the file
   *     having been read to its end; or null, leaving the position undefined, when the file needs
   *     {@link #read} (which then gives the result or the error)
   * @throws IOException if reading fails
   */
  default Hashed readHashing(SeekableByteChannel in, boolean hash) throws IOException {
    return null;
  }
}
