package org.mlsdm.state.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The durable-commit protocol of one state location, below the codecs. Implementations document,
 * per operation, what a crash at any instant leaves behind; the contract every one keeps:
 *
 * <ul>
 *   <li>{@link #begin} → {@link Write#commit}: readers see either the previous version or the new
 *       one, whole, never a mix; once {@code commit} returns, the new version survives a crash or a
 *       power loss (for object stores: is acknowledged by the server).
 *   <li>A failed or abandoned write ({@link Write#close} without commit) leaves the current version,
 *       its checksum and its backup as they were.
 *   <li>Read operations never create, change or delete anything.
 * </ul>
 */
public interface StateStorage extends Closeable {

  /** The location as the user named it, for messages. */
  String describe();

  /** The state's name (last segment of the location), from which the format follows. */
  String name();

  /**
   * Begins a new version: bytes written to {@link Write#out()} are invisible to readers until
   * {@link Write#commit}. Holds whatever exclusion the storage uses for writers (a file lock, or
   * nothing for optimistic object stores) until the write is closed.
   */
  Write begin() throws IOException;

  /** The current version, if any. */
  Optional<StoredVersion> current() throws IOException;

  /** The backup (the version before the current one), if any. */
  Optional<StoredVersion> backup() throws IOException;

  /**
   * Everything recovery may consider, best first: the current version, versions an interrupted
   * write left behind (with the checksum that was recorded for them), the backup, older retained
   * generations.
   */
  List<StoredVersion> candidates() throws IOException;

  /**
   * Makes {@code source} (one of {@link #candidates()}) the current version with a matching
   * checksum, atomically as a commit is, keeping the version it replaces and saying where.
   *
   * @return where the replaced current version was kept, or empty when there was none
   */
  Optional<String> restore(StoredVersion source) throws IOException;

  /** Deletes the current version and its checksum, and the backup when asked; missing is fine. */
  void delete(boolean includeBackup) throws IOException;

  /** The append-only journal beside this state (incremental checkpoints). */
  Journal journal() throws IOException;

  /** A version being written. */
  interface Write extends Closeable {
    /** Where the encoded bytes go; not closed by the caller. */
    OutputStream out() throws IOException;

    /**
     * Publishes the bytes written so far as the current version, atomically.
     *
     * @param sha256 lowercase hex SHA-256 of the bytes, recorded as the version's checksum
     * @param keepBackup whether the version it replaces becomes the backup
     * @param expectedGeneration when present, publish only if the current generation is still this
     *     one (object stores; local storage may ignore it or enforce it under its lock)
     * @return the generation published (local storage: a counter or -1 when it keeps none)
     * @throws ConcurrentUpdateException if {@code expectedGeneration} no longer holds or another
     *     writer published the same generation first
     * @throws IOException if publishing failed; the previous version is then intact
     */
    long commit(String sha256, boolean keepBackup, OptionalLong expectedGeneration)
        throws IOException;

    /** Discards the write unless it was committed; never fails a committed write. */
    @Override
    void close() throws IOException;
  }
}
