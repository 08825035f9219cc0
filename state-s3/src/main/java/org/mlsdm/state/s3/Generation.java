package org.mlsdm.state.s3;

import java.time.Instant;
import java.util.List;
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
 * @param deltas the checkpoints since the data object (incremental checkpoints), in order; their
 *     bytes, concatenated, are the state's journal at this generation
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
    boolean deleted,
    List<Delta> deltas) {

  /**
   * One delta object a generation names: the journal bytes of one checkpoint (or of one group
   * commit), immutable under a unique key.
   *
   * @param key its object key, under the state's data prefix
   * @param size its length in bytes, &gt; 0
   * @param sha256 its lowercase hex SHA-256
   */
  public record Delta(String key, long size, String sha256) {
    /**
     * Validates the fields.
     *
     * @param key its object key
     * @param size its length in bytes, &gt; 0
     * @param sha256 its lowercase hex SHA-256
     * @throws IllegalArgumentException if the size is not positive or the hash is not 64 lowercase
     *     hex digits
     */
    public Delta {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(sha256, "sha256");
      if (size <= 0) {
        throw new IllegalArgumentException("delta size must be > 0, got " + size);
      }
      if (!sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "delta sha256 must be 64 lowercase hex digits, got " + sha256);
      }
    }
  }

  /**
   * A generation without deltas (a whole-file save, a restore, a deletion marker).
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
   * @throws IllegalArgumentException as the canonical constructor
   */
  public Generation(
      long generation,
      long previous,
      String dataKey,
      long size,
      String sha256,
      Instant createdAt,
      String writer,
      OptionalLong restoredFrom,
      boolean deleted) {
    this(
        generation,
        previous,
        dataKey,
        size,
        sha256,
        createdAt,
        writer,
        restoredFrom,
        deleted,
        List.of());
  }

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
   * @param deltas the delta objects since the data object, in order
   * @throws IllegalArgumentException if a number is out of range, the data fields do not match
   *     {@code deleted}, or a deletion marker names deltas
   */
  public Generation {
    deltas = List.copyOf(Objects.requireNonNull(deltas, "deltas"));
    if (deleted && !deltas.isEmpty()) {
      throw new IllegalArgumentException("a deletion marker has no deltas");
    }
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

  /**
   * The journal's length at this generation: the deltas' sizes summed.
   *
   * @return the bytes
   */
  public long deltaBytes() {
    long n = 0;
    for (Delta d : deltas) {
      n += d.size();
    }
    return n;
  }
}
