package org.mlsdm.state.spi;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** One stored version of a state's bytes, as a storage lists it. */
public interface StoredVersion {
  /** Where a version came from, for recovery reports and messages. */
  enum Kind {
    /** The current version. */
    CURRENT,
    /** A version an interrupted write left behind, vouched for by a recorded checksum. */
    INTERRUPTED,
    /** The backup: the version before the current one. */
    BACKUP,
    /** An older retained generation (generational stores). */
    GENERATION
  }

  /**
   * What this version is.
   *
   * @return its kind
   */
  Kind kind();

  /**
   * Where it lives, for messages and reports.
   *
   * @return a path or an object key
   */
  String describe();

  /**
   * A stable identifier of this version (an object key, a file name).
   *
   * @return the identifier; {@link #describe()} by default
   */
  default String id() {
    return describe();
  }

  /**
   * Its generation, where the storage numbers versions.
   *
   * @return the generation, or empty
   */
  OptionalLong generation();

  /**
   * When it was published, where the storage records that.
   *
   * @return the time, or empty
   */
  default Optional<Instant> createdAt() {
    return Optional.empty();
  }

  /**
   * Its size in bytes as listed; reads never go past it.
   *
   * @return the size
   */
  long size();

  /**
   * The SHA-256 recorded for it (a checksum file, a manifest). Well-formed records are lowercase
   * hex; anything else is returned abbreviated so that it never equals a digest.
   *
   * @return the recorded digest, or empty when none was recorded
   * @throws IOException if the record exists but cannot be read
   */
  Optional<String> recordedSha256() throws IOException;

  /**
   * Opens its bytes for reading, bounded by {@link #size()}; writes nothing.
   *
   * @return a channel positioned at 0
   * @throws java.nio.file.NoSuchFileException if it no longer exists
   * @throws CorruptVersionException if the storage can tell that the version is bad
   * @throws IOException if the storage cannot be read
   */
  SeekableByteChannel open() throws IOException;

  /**
   * Opens its bytes as {@link #open()} does but without the storage's own check of them against
   * {@link #recordedSha256()}, for a reader that hashes what it reads and compares the digests
   * itself, so that a mismatch reaches it with both digests rather than as a failed read (the core
   * reads this way whenever it verifies a checksum or inspects). Storages that check nothing on
   * read need not override it.
   *
   * @return a channel positioned at 0, bounded by {@link #size()}
   * @throws java.nio.file.NoSuchFileException if it no longer exists
   * @throws CorruptVersionException if the storage can tell that the version is bad otherwise
   * @throws IOException if the storage cannot be read
   */
  default SeekableByteChannel openUnverified() throws IOException {
    return open();
  }
}
