package org.mlsdm.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.internal.schema.StateMaps;
import org.mlsdm.state.internal.store.StateStore;

/**
 * The store: saves, loads, recovers and deletes state files, and builds, converts and checks
 * records. The format follows the file name's extension, {@code .json} or {@code .npz}, in any
 * case.
 *
 * <p>For {@code dir/state.json} the store keeps {@code state.json}, {@code state.json.checksum}
 * (lowercase hex SHA-256 of the main file), {@code state.json.backup} (the previous main file, byte
 * for byte, when saving with backups on, the default) and {@code state.json.lock} (the
 * inter-process lock; never deleted). NPZ files get the same three companions. A {@link
 * Checkpointer} adds {@code state.json.journal}, the incremental checkpoints since the last
 * whole-file save or compaction: {@link #load(Path)} applies it, {@link #save} resets it as part of
 * its commit, {@link #delete(Path)} deletes it.
 *
 * <p><b>Guarantees.</b> A save is atomic and durable: at no instant, including a crash or a power
 * loss at any point of a save, can a load or a recovery observe a partial file, and a state whose
 * save has returned is never lost. How each step achieves that, and what a crash at each step
 * leaves on disk, is explained on the internal {@code DurableFile}; in short: the new contents and
 * checksum are written to fresh temporary files and fsynced, the old main file is hard-linked as
 * the new backup, the checksum and then the main file are renamed into place, and the directory is
 * fsynced before {@code save} returns. Transient I/O failures are retried (3 attempts by default,
 * with backoff), each attempt with new temporary files; a save that finally fails leaves the
 * previous main file, checksum and backup byte for byte as they were. Saves and loads of one path
 * are serialized across threads (an in-JVM lock) and processes (a {@code FileLock} on the lock
 * file), so a load never sees a main file and a checksum from different saves.
 *
 * <p>A state path that is a symbolic link is followed: the file it points to is replaced and the
 * checksum, backup and lock live beside that file. Every file the store creates is owner-only
 * (0600) where the file system has POSIX permissions; the backup is a hard link to the previous
 * main file and so keeps that file's mode.
 *
 * <p>All methods are thread-safe. Errors are unchecked: {@link StateLoadException} (with {@link
 * StateCorruptionException} for a checksum mismatch), {@link StateSaveException}, {@link
 * StateRecoveryException}; misuse throws {@link IllegalArgumentException} or {@link
 * NullPointerException} before anything is touched.
 */
public final class SystemStates {
  /** The schema version this library writes and reads without migration: 1. */
  public static final int CURRENT_SCHEMA_VERSION = 1;

  /** Values whose magnitude exceeds this draw a {@code very large} integrity warning. */
  static final double LARGE_VALUE = 1e10;

  private SystemStates() {}

  /**
   * Saves a state with the default options (backup on, 3 attempts).
   *
   * @param state the state to save
   * @param path a {@code .json} or {@code .npz} file
   * @return the record as written, equal to what a later {@link #load(Path)} returns
   * @throws IllegalArgumentException for an unsupported extension, an empty path or a directory
   * @throws StateSaveException if the save failed after its retries
   * @throws NullPointerException if an argument is null
   * @see #save(SystemStateRecord, Path, SaveOptions)
   */
  public static SystemStateRecord save(SystemStateRecord state, Path path) {
    return save(state, path, SaveOptions.defaults());
  }

  /**
   * Saves a state atomically and durably. The record written has {@code updated_at} set to now
   * (never before its {@code created_at}) and, when {@link SaveOptions#withStateId} was given, that
   * id. When it returns, the file, its checksum and (when overwriting with backup on) the backup of
   * the previous file are on stable storage.
   *
   * @param state the state to save
   * @param path a {@code .json} or {@code .npz} file
   * @param options backup, id and retry settings
   * @return the record as written, equal to what a later {@link #load(Path)} returns
   * @throws IllegalArgumentException for an unsupported extension ({@code Unsupported file
   *     format}), an empty path or a directory
   * @throws StateSaveException if the save failed after its retries; the previous main file,
   *     checksum and backup are then as they were, and no temporary file is left
   * @throws NullPointerException if an argument is null
   */
  public static SystemStateRecord save(SystemStateRecord state, Path path, SaveOptions options) {
    return StateStore.DEFAULT.save(state, path, options);
  }

  /**
   * Loads a state with the default options: the checksum is verified when the checksum file exists,
   * and older schema versions are migrated.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the state
   * @throws StateCorruptionException if the file does not match its checksum
   * @throws StateLoadException if the file is missing ({@code not found}), unreadable, malformed,
   *     invalid, or of a newer schema version; {@link StateLoadException#reason()} says which
   * @throws IllegalArgumentException for an unsupported extension, an empty path or a directory
   * @throws NullPointerException if {@code path} is null
   */
  public static SystemStateRecord load(Path path) {
    return load(path, LoadOptions.defaults());
  }

  /**
   * Loads a state. Reads the Java and the Python system's files of both formats, including the
   * legacy v0 layouts. When a journal ({@code NAME.journal}, written by a {@link Checkpointer})
   * chains to the file, every whole frame of it is applied, so the result is the newest checkpoint;
   * a torn last frame is logged and skipped, a journal that does not chain to the file is logged
   * and ignored, and the journal is never changed by a load. Bad contents only ever raise {@link
   * StateLoadException}, and a load never allocates far more than the file could hold.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @param options checksum and migration settings
   * @return the state
   * @throws StateCorruptionException if checksum verification is on, the checksum file exists and
   *     the file does not match it
   * @throws StateLoadException if the file is missing ({@code not found}), unreadable, malformed,
   *     invalid, of a newer schema version, or of an older one with migration off or no route; or
   *     if a journal frame followed by others is corrupt ({@code CORRUPT}) or invalid
   * @throws IllegalArgumentException for an unsupported extension, an empty path or a directory
   * @throws NullPointerException if an argument is null
   */
  public static SystemStateRecord load(Path path, LoadOptions options) {
    return StateStore.DEFAULT.load(path, options);
  }

  /**
   * Loads a state, repairing what a crash or corruption left. In order: the main file, verified
   * against its checksum; then the state of an interrupted save (a main file or temporary file
   * whose SHA-256 equals a checksum file or a checksum temp), which is the state that was in flight
   * or the last acknowledged one; then the backup, validated and migrated. Whatever is found is
   * restored as the main file together with a matching checksum, so a plain {@link #load(Path)}
   * works afterwards; the backup itself is kept.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the recovered state
   * @throws StateRecoveryException if nothing yields a valid state; the message says {@code no
   *     backup} when there was none, the cause is the main file's failure
   * @throws IllegalArgumentException for an unsupported extension, an empty path or a directory
   * @throws NullPointerException if {@code path} is null
   */
  public static SystemStateRecord recover(Path path) {
    return StateStore.DEFAULT.recover(path);
  }

  /**
   * Deletes a state file and its checksum, keeping the backup. A missing file is not an error.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @throws StateSaveException if a file could not be deleted
   * @throws IllegalArgumentException for an unsupported extension, an empty path or a directory
   * @throws NullPointerException if {@code path} is null
   */
  public static void delete(Path path) {
    delete(path, false);
  }

  /**
   * Deletes a state file, its checksum and, when asked, its backup. Missing files are not an error.
   * The lock file stays: deleting it could let two processes lock different files.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @param deleteBackup whether to delete the backup too
   * @throws StateSaveException if a file could not be deleted
   * @throws IllegalArgumentException for an unsupported extension, an empty path or a directory
   * @throws NullPointerException if {@code path} is null
   */
  public static void delete(Path path, boolean deleteBackup) {
    StateStore.DEFAULT.delete(path, deleteBackup);
  }

  /**
   * Returns the checksum file of a state file: {@code NAME.checksum} beside it.
   *
   * @param path a state file
   * @return its checksum file's path
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalArgumentException if {@code path} has no file name
   */
  public static Path checksumPath(Path path) {
    return sibling(path, ".checksum");
  }

  /**
   * Returns the backup file of a state file: {@code NAME.backup} beside it.
   *
   * @param path a state file
   * @return its backup file's path
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalArgumentException if {@code path} has no file name
   */
  public static Path backupPath(Path path) {
    return sibling(path, ".backup");
  }

  private static Path sibling(Path path, String suffix) {
    Path name = Objects.requireNonNull(path, "path").getFileName();
    if (name == null) {
      throw new IllegalArgumentException("State path has no file name: '" + path + "'");
    }
    return path.resolveSibling(name + suffix);
  }

  /**
   * Checks a valid state for anomalies that are not invariant violations.
   *
   * @param state the state
   * @return warnings, empty when none: values with magnitude over 1e10 ({@code very large}), empty
   *     QILM vectors, QILM vectors whose length differs from {@code dimension}
   * @throws NullPointerException if {@code state} is null
   */
  public static List<String> validateIntegrity(SystemStateRecord state) {
    Objects.requireNonNull(state, "state");
    List<String> warnings = new ArrayList<>();
    MemoryStateRecord m = state.memoryState();
    large(warnings, "memory_state.state_l1", m.l1());
    large(warnings, "memory_state.state_l2", m.l2());
    large(warnings, "memory_state.state_l3", m.l3());
    QilmStateRecord q = state.qilm();
    double[][] rows = q.rows();
    for (int i = 0; i < rows.length; i++) {
      String field = "qilm.memory[" + i + "]";
      if (rows[i].length == 0) {
        warnings.add(field + " is empty");
      } else if (rows[i].length != m.dimension()) {
        warnings.add(
            field + " has " + rows[i].length + " values, expected dimension=" + m.dimension());
      }
      large(warnings, field, rows[i]);
    }
    large(warnings, "qilm.phases", q.phaseArray());
    return warnings;
  }

  private static void large(List<String> warnings, String field, double[] values) {
    int count = 0;
    int first = -1;
    for (int i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) > LARGE_VALUE) {
        if (count++ == 0) {
          first = i;
        }
      }
    }
    if (count > 0) {
      warnings.add(
          field
              + " has "
              + count
              + " very large value(s) (|v| > 1e10), first at index "
              + first
              + ": "
              + values[first]);
    }
  }

  /**
   * Builds a state from a map shaped like the JSON file: keys {@code version}, {@code id}, {@code
   * created_at}, {@code updated_at}, {@code memory_state} and {@code qilm}, as {@link #toMap} gives
   * them. Numbers may be any {@link Number}; vectors {@code double[]}, {@code float[]} or lists of
   * numbers; the QILM memory a {@code double[][]} or a list of vectors; timestamps ISO-8601 strings
   * (any offset, or none for UTC), {@link Instant}s or {@code OffsetDateTime}s; the level keys may
   * be spelled {@code state_L1} … A map without {@code version}, or of an older version, is
   * migrated through {@link MigrationRegistry#global()}. The map is not changed; arrays are copied.
   *
   * @param map the state map
   * @return the state
   * @throws StateValidationException naming the field that is missing, of the wrong type or breaks
   *     an invariant, or for a version newer than {@link #CURRENT_SCHEMA_VERSION}
   * @throws IllegalArgumentException when no migration route exists
   * @throws NullPointerException if {@code map} is null
   */
  public static SystemStateRecord fromMap(Map<String, ?> map) {
    Map<String, Object> m = StateStore.copyMap(Objects.requireNonNull(map, "map"));
    int version = StateMaps.version(m);
    if (version > CURRENT_SCHEMA_VERSION) {
      throw new StateValidationException(
          "version",
          "version "
              + version
              + " is newer than this library supports (0 to "
              + CURRENT_SCHEMA_VERSION
              + ")");
    }
    if (version < CURRENT_SCHEMA_VERSION) {
      m = MigrationRegistry.global().migrate(m, version, CURRENT_SCHEMA_VERSION);
    }
    return StateMaps.toRecord(m, false);
  }

  /**
   * Converts a state to a new mutable map shaped like the JSON file: {@code version} (Integer),
   * {@code id} (String or null), {@code created_at} and {@code updated_at} (ISO-8601 UTC strings
   * with microseconds and {@code Z}), {@code memory_state} (a map of {@code dimension} and the
   * seven parameters as numbers, {@code state_l1} … as {@code double[]}) and {@code qilm} (a map of
   * {@code memory} as {@code double[][]} and {@code phases} as {@code double[]}). The arrays are
   * copies.
   *
   * @param state the state
   * @return a new map that {@link #fromMap(Map)} turns back into an equal state
   * @throws NullPointerException if {@code state} is null
   */
  public static Map<String, Object> toMap(SystemStateRecord state) {
    return StateMaps.toMap(Objects.requireNonNull(state, "state"));
  }

  /**
   * Creates an empty state of dimension 10 with {@link MemoryParameters#DEFAULTS}.
   *
   * @return a version-1 state, no id, zero levels, empty QILM, both timestamps now
   */
  public static SystemStateRecord createEmpty() {
    return createEmpty(10);
  }

  /**
   * Creates an empty state with {@link MemoryParameters#DEFAULTS}.
   *
   * @param dimension vector length, &gt; 0
   * @return a version-1 state, no id, zero levels, empty QILM, both timestamps now
   * @throws StateValidationException if {@code dimension <= 0}
   */
  public static SystemStateRecord createEmpty(int dimension) {
    return createEmpty(dimension, MemoryParameters.DEFAULTS);
  }

  /**
   * Creates an empty state.
   *
   * @param dimension vector length, &gt; 0
   * @param parameters the decay rates, thresholds and gatings
   * @return a version-1 state, no id, zero levels, empty QILM, both timestamps now
   * @throws StateValidationException if {@code dimension <= 0}
   * @throws NullPointerException if {@code parameters} is null
   */
  public static SystemStateRecord createEmpty(int dimension, MemoryParameters parameters) {
    Objects.requireNonNull(parameters, "parameters");
    if (dimension <= 0) {
      throw new StateValidationException("dimension", "dimension must be > 0, got " + dimension);
    }
    Instant now = Instant.now();
    MemoryStateRecord memory =
        Adoption.memory(
            dimension,
            parameters,
            new double[dimension],
            new double[dimension],
            new double[dimension]);
    return new SystemStateRecord(
        CURRENT_SCHEMA_VERSION, null, now, now, memory, QilmStateRecord.EMPTY);
  }
}
