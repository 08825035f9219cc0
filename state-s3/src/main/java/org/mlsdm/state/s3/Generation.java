package org.mlsdm.state.s3;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One generation of a state on S3, as its manifest records it.
 *
 * @param generation its number, from 1, as in the manifest's key
 * @param previous the generation that was newest when it was published (0 for the first)
 * @param dataKey the key of its data object; empty for a deletion marker
 * @param size the data object's size in bytes (0 for a deletion marker)
 * @param sha256 the data's lowercase hex SHA-256; empty for a deletion marker
 * @param createdAt when the writer published it (the writer's clock)
 * @param writer the id of the writer that published it
 * @param restoredFrom the generation whose data it republishes, when made by restore
 * @param deleted whether it is a deletion marker: the state was deleted at this generation
 */
public record Generation(
    long generation,
    long previous,
    String dataKey,
    long size,
    String sha256,
    Instant createdAt,
    String writer,
    OptionalLong restoredFrom,
    boolean deleted) {

  /**
   * Validates the fields.
   *
   * @param generation its number, from 1
   * @param previous the newest generation when it was published, 0 for none
   * @param dataKey the key of its data object; empty for a deletion marker
   * @param size the data object's size in bytes
   * @param sha256 the data's lowercase hex SHA-256; empty for a deletion marker
   * @param createdAt when it was published
   * @param writer the id of the writer that published it
   * @param restoredFrom the generation whose data it republishes, if any
   * @param deleted whether it is a deletion marker
   * @throws IllegalArgumentException if a number is out of range, or the data fields do not match
   *     {@code deleted}
   */
  public Generation {
    Objects.requireNonNull(dataKey, "dataKey");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(restoredFrom, "restoredFrom");
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be >= 1, got " + generation);
    }
    if (previous < 0 || previous >= generation) {
      throw new IllegalArgumentException(
          "previous must be in [0, " + generation + "), got " + previous);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    if (deleted != dataKey.isEmpty() || deleted != sha256.isEmpty()) {
      throw new IllegalArgumentException(
          "a deletion marker has no data key and hash, any other generation both; got deleted="
              + deleted
              + ", dataKey="
              + dataKey
              + ", sha256="
              + sha256);
    }
    if (!deleted && !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, got " + sha256);
    }
  }
}
