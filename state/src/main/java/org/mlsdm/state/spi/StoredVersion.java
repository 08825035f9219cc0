package org.mlsdm.state.spi;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;
import java.util.OptionalLong;

/** One stored version of a state's bytes, as a storage lists it. */
public interface StoredVersion {
  /** Where it came from, for recovery reports and messages. */
  enum Kind { CURRENT, INTERRUPTED, BACKUP, GENERATION }

  Kind kind();

  /** Where it lives, for messages (a path, or an object key). */
  String describe();

  /** Its generation, where the storage numbers versions. */
  OptionalLong generation();

  /** Its size in bytes as listed; reads never go past it. */
  long size();

  /** The SHA-256 recorded for it (checksum file, manifest), lowercase hex; empty when none was. */
  Optional<String> recordedSha256();

  /** Opens its bytes for reading, bounded by {@link #size()}. */
  SeekableByteChannel open() throws IOException;
}
