package org.mlsdm.state.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The durable-commit protocol of one state location, below the codecs. Implementations document,
 * per operation, what a crash at any instant leaves behind; the contract every one keeps is in the
 * {@linkplain org.mlsdm.state.spi package documentation}.
 */
public interface StateStorage extends Closeable {

  /**
   * The location as the user named it, for messages.
   *
   * @return the location
   */
  String describe();

  /**
   * The state's name (the last segment of the location), from which the format follows.
   *
   * @return the name
   */
  String name();

  /**
   * Opens a read view: the versions it lists and their recorded checksums belong together for as
   * long as it is open. Creates, changes and deletes nothing.
   *
   * @return the view; close it
   * @throws IOException if the storage cannot be reached
   */
  ReadView read() throws IOException;

  /**
   * Takes the writers' exclusion (a file lock; nothing for optimistic object stores) until the
   * session is closed.
   *
   * @return the session; close it
   * @throws IOException if the exclusion cannot be taken
   */
  WriteSession write() throws IOException;

  /**
   * Whether another program may replace the current version's bytes without updating the digest
   * recorded for them, so that a current version which differs from its digest but still loads and
   * validates is <em>stale</em> (newer, written by that program), not damaged: a local file the
   * Python system rewrote keeps its old {@code NAME.checksum}. Recovery then keeps it and
   * inspection reports {@code STALE}; where this is false (an object store whose manifest is
   * written with its data), any difference is damage.
   *
   * @return false by default
   */
  default boolean digestMayLag() {
    return false;
  }

  /**
   * Whether {@link #journal()} is supported.
   *
   * @return true by default
   */
  default boolean supportsJournal() {
    return true;
  }

  /**
   * The append-only journal beside this state (incremental checkpoints).
   *
   * @return the journal; close it
   * @throws UnsupportedOperationException if {@link #supportsJournal()} is false
   * @throws IOException if the storage cannot be reached
   */
  Journal journal() throws IOException;

  /**
   * The journal that extends {@code base}. Storages with one journal beside the current version
   * (local files) return {@link #journal()}; object stores, where each generation names its own
   * deltas, return the journal of {@code base}, whose {@link Journal#sync} publishes the next
   * generation only while {@code base} is still the newest.
   *
   * @param base a version from this storage's {@link ReadView#current()} or {@link
   *     WriteSession#current()}
   * @return the journal; close it
   * @throws UnsupportedOperationException if {@link #supportsJournal()} is false
   * @throws IllegalArgumentException if {@code base} is not a version of this storage
   * @throws IOException if the storage cannot be reached
   */
  default Journal journal(StoredVersion base) throws IOException {
    return journal();
  }

  /** A consistent view for readers. */
  interface ReadView extends Closeable {
    /**
     * The current version.
     *
     * @return it, or empty when there is none
     * @throws IOException if the storage cannot be read
     */
    Optional<StoredVersion> current() throws IOException;

    /**
     * The backup (the version before the current one).
     *
     * @return it, or empty when there is none
     * @throws IOException if the storage cannot be read
     */
    Optional<StoredVersion> backup() throws IOException;

    /**
     * Whether what was read through this view can be trusted. A storage that could not exclude
     * writers when the view opened (local: the lock file did not exist yet) answers false when a
     * writer may have run meanwhile; the core then reads again, once, through a new view.
     *
     * @return true when no writer can have changed what was read
     * @throws IOException if the storage cannot be asked
     */
    boolean stable() throws IOException;

    /** Releases the view; never fails. */
    @Override
    void close();
  }

  /** What a writer may do while it holds the exclusion. */
  interface WriteSession extends Closeable {
    /**
     * Begins a new version: bytes written to {@link Write#out()} are invisible to readers until
     * {@link Write#commit}. A retried write begins again.
     *
     * @return the write; close it
     * @throws IOException if the storage cannot be written
     */
    Write begin() throws IOException;

    /**
     * Everything recovery may consider, best first: the current version, versions an interrupted
     * write left behind (with the checksum recorded for them), the backup, older retained
     * generations.
     *
     * @return the candidates
     * @throws IOException if the storage cannot be read
     */
    List<StoredVersion> candidates() throws IOException;

    /**
     * The current version as this session sees it, for a writer that reads before it writes (the
     * journal's checkpoints and compactions). The default takes it from {@link #candidates()};
     * storages whose candidates cost more (hashing) override it.
     *
     * @return it, or empty when there is none
     * @throws IOException if the storage cannot be read
     */
    default Optional<StoredVersion> current() throws IOException {
      return candidates().stream().filter(v -> v.kind() == StoredVersion.Kind.CURRENT).findFirst();
    }

    /**
     * Makes {@code source} (one of {@link #candidates()}) the current version with a matching
     * checksum, atomically as a commit is; keeps the backup, and keeps the current version it
     * replaces (unless that is the source) instead of discarding it.
     *
     * @param source the candidate to restore
     * @return where the replaced current version was kept, or empty when nothing was replaced
     * @throws IOException if restoring failed; the current version is then as it was
     */
    Optional<String> restore(StoredVersion source) throws IOException;

    /**
     * Records {@code sha256} as the checksum of the current version without changing its bytes,
     * atomically and durably: how a user accepts a version another program wrote without updating
     * its checksum ({@code SystemStates.accept}). The caller computed {@code sha256} from the bytes
     * it read and validated in this session, so a version that changed meanwhile stays unvouched.
     *
     * <p>The default refuses: a storage that records each checksum as it publishes the version has
     * no versions written behind its back.
     *
     * @param sha256 the digest to record, lowercase hex
     * @throws IOException if recording failed; the previous record is then as it was
     * @throws UnsupportedOperationException if the storage records checksums only as it publishes
     */
    default void recordChecksum(String sha256) throws IOException {
      throw new UnsupportedOperationException(
          "this storage records checksums only as it publishes a version");
    }

    /**
     * Removes what abandoned writes left (temporary files, orphaned uploads), never what a live
     * reader may be reading.
     *
     * @throws IOException if listing or deleting fails
     */
    void cleanUp() throws IOException;

    /**
     * Deletes the current version and its checksum, and the backup when asked; missing is fine.
     * Generational stores may publish a deletion marker instead, leaving older generations to
     * recovery until they are pruned.
     *
     * @param includeBackup whether the backup goes too
     * @throws IOException if deleting fails
     */
    void delete(boolean includeBackup) throws IOException;

    /** Releases the exclusion; never fails. */
    @Override
    void close();
  }

  /** A version being written. */
  interface Write extends Closeable {
    /**
     * Where the encoded bytes go; not closed by the caller.
     *
     * @return the stream
     * @throws IOException if the storage cannot be written
     */
    OutputStream out() throws IOException;

    /**
     * Publishes the bytes written so far as the current version, atomically, recording their
     * SHA-256, which the storage computes from exactly the bytes it stored.
     *
     * @param keepBackup whether the version it replaces becomes the backup (generational stores,
     *     which keep every version until pruned, may ignore it)
     * @param expectedGeneration when present, publish only if the current generation is still this
     *     one (object stores; local storage ignores it: its writers are excluded)
     * @return what was published
     * @throws ConcurrentUpdateException if {@code expectedGeneration} no longer holds or another
     *     writer published the same generation first
     * @throws IOException if publishing failed: no partial version is visible; the new version may
     *     or may not have been published (an object store whose acknowledgement was lost), and a
     *     reader sees one whole version either way
     */
    Published commit(boolean keepBackup, OptionalLong expectedGeneration) throws IOException;

    /** Discards the write unless it was committed; never fails a committed write. */
    @Override
    void close() throws IOException;
  }

  /**
   * A published version.
   *
   * @param generation its generation, or -1 where the storage keeps none
   * @param sha256 the lowercase hex SHA-256 recorded for it
   */
  record Published(long generation, String sha256) {}
}
