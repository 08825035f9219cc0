package org.mlsdm.state.s3;

import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.mlsdm.state.spi.StoredVersion;

/** One generation as the SPI lists it. */
final class S3Version implements StoredVersion {
  private final S3StateStorage storage;
  private final Generation manifest;
  private final Kind kind;
  private final Prefetch prefetch;

  S3Version(S3StateStorage storage, Generation manifest, Kind kind) {
    this(storage, manifest, kind, null);
  }

  private S3Version(S3StateStorage storage, Generation manifest, Kind kind, Prefetch prefetch) {
    this.storage = storage;
    this.manifest = manifest;
    this.kind = kind;
    this.prefetch = prefetch;
  }

  /** This version, whose first channel may use {@code p}, a GET of its data object already sent. */
  S3Version withPrefetch(Prefetch p) {
    return new S3Version(storage, manifest, kind, p);
  }

  Generation manifest() {
    return manifest;
  }

  S3Location location() {
    return storage.location();
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String describe() {
    return storage.describe()
        + " generation "
        + manifest.generation()
        + " ("
        + manifest.dataKey()
        + ")";
  }

  /** The data object's key, unique to this generation. */
  @Override
  public String id() {
    return manifest.dataKey();
  }

  /** When its manifest was written. */
  @Override
  public Optional<Instant> createdAt() {
    return Optional.of(manifest.createdAt());
  }

  @Override
  public OptionalLong generation() {
    return OptionalLong.of(manifest.generation());
  }

  @Override
  public long size() {
    return manifest.size();
  }

  @Override
  public Optional<String> recordedSha256() {
    return Optional.of(manifest.sha256());
  }

  /** Ranged GETs of the data object; see {@link RangedChannel} for what it checks. */
  @Override
  public SeekableByteChannel open() {
    return storage.open(manifest, prefetch);
  }

  /** Ranged GETs of the data object without the digest check at the end of a sequential read. */
  @Override
  public SeekableByteChannel openUnverified() {
    return storage.openUnverified(manifest, prefetch);
  }

  @Override
  public String toString() {
    return kind + " " + describe();
  }
}
