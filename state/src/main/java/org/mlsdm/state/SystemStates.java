package org.mlsdm.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.internal.io.Companions;
import org.mlsdm.state.internal.schema.Integrity;
import org.mlsdm.state.internal.schema.Schema;
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
 * inter-process lock, created by the first save, recovery or deletion and never deleted; loads and
 * inspections never create it). NPZ files get the same three companions. {@link #recoverReport}
 * keeps a main file it replaces as {@code state.json.damaged-<yyyyMMdd'T'HHmmss'Z'>}. A {@link
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
 * file, shared for loads when the lock file exists; a load that ran without it and finds that a
 * writer created it meanwhile reads again under it), so a load never sees a main file and a
 * checksum from different saves.
 *
 * <p><b>Symbolic links.</b> A symbolic link at the state path is followed only to an existing
 * regular file whose name ends with the same extension ({@code .json} or {@code .npz}, any case;
 * chains of links are resolved to their end): the store then works on that file, its checksum,
 * backup and lock live beside it, and the link keeps pointing at it; {@link #delete} removes that
 * file, its companions and the link. Any other link at the state path (dangling, or to a directory,
 * a device, a FIFO or a file of another extension) makes every method throw {@link
 * IllegalArgumentException} before anything is opened, created or deleted. A link at a companion
 * name (checksum, backup, temporary files, lock) is never followed: a load refuses a linked
 * checksum as {@link StateLoadException.Reason#UNREADABLE}, recovery does not restore from a linked
 * backup, a save replaces such links, and {@code delete} unlinks them.
 *
 * <p><b>Non-regular files.</b> Only regular files are read, never for longer than the size they had
 * when checked. A FIFO, socket or device at the state path or at the checksum makes a load fail as
 * {@link StateLoadException.Reason#UNREADABLE} at once (it never blocks on a FIFO); a save refuses
 * to replace a non-regular state path; recovery skips non-regular candidates with a logged warning,
 * replaces a non-regular state path from a good backup, and judges the main file without a
 * non-regular checksum. Where an attacker swaps a FIFO in between the check and the open, the open
 * is abandoned after 10 seconds and fails as unreadable.
 *
 * <p><b>Stale files.</b> A main file that loads and validates but does not match its checksum is
 * <em>stale</em>, not damaged: another program rewrote it without updating {@code NAME.checksum}
 * (the Python system's NPZ save never updates it). The checksum does not vouch for its bytes, so
 * nothing hands them back silently: {@link #load(Path)} refuses it with a {@link
 * StateCorruptionException} whose {@link StateCorruptionException#stale()} is true; {@link
 * #inspect} reports {@link ChecksumCheck.Status#STALE}; {@link #recoverReport} keeps it as it is
 * ({@link RecoveryResult.Source#STALE_MAIN}) instead of rolling back to the older backup. It is
 * taken only on request: {@link #accept(Path)} records its digest, or a load with {@link
 * LoadOptions#withVerifyChecksum} off reads it once without vouching for it.
 *
 * <p><b>Checksum files</b> are written as the bare digest; a checksum file in {@code sha256sum}'s
 * one-line format ({@code <hex> <name>} or {@code <hex> *<name>}, optionally with a directory
 * before the name) is accepted when the name is the state file's; naming another file, it matches
 * nothing.
 *
 * <p>Every file the store creates is owner-only (0600) where the file system has POSIX permissions;
 * the backup is a hard link to the previous main file and so keeps that file's mode. On a file
 * system without hard links (FAT/exFAT, SMB, many FUSE mounts) the backup is an fsynced owner-only
 * copy instead, with the same crash guarantees.
 *
 * <p>All methods are thread-safe. Errors are unchecked: {@link StateLoadException} (with {@link
 * StateCorruptionException} for a checksum mismatch), {@link StateSaveException}, {@link
 * StateRecoveryException}; misuse throws {@link IllegalArgumentException} or {@link
 * NullPointerException} before anything is touched.
 */
public final class SystemStates {
  /** The schema version this library writes and reads without migration: 1. */
  public static final int CURRENT_SCHEMA_VERSION = Schema.CURRENT_VERSION;

  private SystemStates() {}

  /**
   * Saves a state with the default options (backup on, 3 attempts).
   *
   * @param state the state to save
   * @param path a {@code .json} or {@code .npz} file
   * @return the record as written, equal to what a later {@link #load(Path)} returns
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory, a
   *     symbolic link the link policy refuses, or a record whose version is above {@link
   *     #CURRENT_SCHEMA_VERSION}
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
   * @throws StateValidationException (an {@code IllegalArgumentException}) before anything is
   *     touched, if the record's version is above {@link #CURRENT_SCHEMA_VERSION}: this library
   *     would refuse to load the file, so it refuses to write it (a caller's error, not an I/O one)
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
   * @throws StateCorruptionException if the file does not match its checksum, stale or damaged
   *     ({@link StateCorruptionException#stale()} tells them apart; see the class Javadoc)
   * @throws StateLoadException if the file is missing ({@code not found}), unreadable, malformed,
   *     invalid, or of a newer schema version; {@link StateLoadException#reason()} says which
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
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
   * @param path a {@code .json} or {@code .npz} file, or any name with {@link
   *     LoadOptions#withFormat}
   * @param options checksum, migration and format settings
   * @return the state
   * @throws StateCorruptionException if checksum verification is on, the checksum file exists and
   *     the file does not match it; {@link StateCorruptionException#stale()} is true when the file
   *     loads and validates all the same (a stale file: {@link #accept(Path)} accepts it)
   * @throws StateLoadException if the file is missing ({@code not found}), unreadable, malformed,
   *     invalid, of a newer schema version, or of an older one with migration off or no route; or
   *     if a journal frame followed by others is corrupt ({@code CORRUPT}) or invalid
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if an argument is null
   */
  public static SystemStateRecord load(Path path, LoadOptions options) {
    return StateStore.DEFAULT.load(path, options);
  }

  /**
   * Loads a state, repairing what a crash or corruption left; {@link #recoverReport(Path)} also
   * says how.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the recovered state
   * @throws StateRecoveryException if nothing yields a valid state; the message says {@code no
   *     backup} when there was none, the cause is the main file's failure
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if {@code path} is null
   */
  public static SystemStateRecord recover(Path path) {
    return recoverReport(path).state();
  }

  /**
   * Loads a state, repairing what a crash or corruption left, and reports what it used. In order:
   * the main file, verified against its checksum ({@link RecoveryResult.Source#MAIN}; nothing is
   * changed); then the state of an interrupted save, a main file or temporary file whose SHA-256
   * equals a checksum file or a checksum temp ({@code INTERRUPTED_SAVE}), which is the state that
   * was in flight or the last acknowledged one; then a stale main file, one that loads and
   * validates although its checksum differs ({@code STALE_MAIN}: it is newer than the backup, so it
   * is kept as it is, nothing is changed, and a plain load still refuses it until {@link
   * #accept(Path)}); then the backup, validated and migrated ({@code BACKUP}). Whatever is found is
   * restored as the main file together with a matching checksum, so a plain {@link #load(Path)}
   * works afterwards. Nothing is discarded: the backup stays, and a main file that is replaced is
   * first kept as {@code NAME.damaged-<yyyyMMdd'T'HHmmss'Z'>} beside it (a hard link), which {@link
   * RecoveryResult#replacedKeptAt()} names.
   *
   * <p>Every candidate is tried, and each one's failure is isolated: whatever reading or decoding
   * one candidate throws, including an {@code OutOfMemoryError} or a {@code StackOverflowError} a
   * hostile file provoked, it counts as that candidate's failure and the next one is tried, so one
   * hostile file never hides a good backup. Only the JVM's own failures ({@code InternalError},
   * {@code UnknownError}) propagate. Non-regular files (FIFOs, devices, directories, links) at
   * temporary names are skipped with a logged warning, never read, so recovery never blocks or
   * reads without end while it holds the exclusive lock.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the recovered state, its source, the file it came from and where the replaced main file
   *     was kept
   * @throws StateRecoveryException if nothing yields a valid state; the message says {@code no
   *     backup} when there was none, the cause is the main file's failure
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if {@code path} is null
   */
  public static RecoveryResult recoverReport(Path path) {
    return StateStore.DEFAULT.recover(path);
  }

  /**
   * Accepts a state file as it is: when it loads and validates (migrated if older, as a load
   * would), records its SHA-256 in {@code NAME.checksum}, so that a plain {@link #load(Path)} loads
   * it from now on. This is how a stale file ({@link ChecksumCheck.Status#STALE}, rewritten by
   * another program such as the Python system) is taken on request; a file whose checksum already
   * matches is left alone, and a file without one gets one. Only the checksum file is replaced,
   * atomically and durably (a temporary file, fsynced, renamed over it, the directory fsynced),
   * under the writers' lock; the main file, its backup and its journal are not touched (a journal
   * chained to the bytes before no longer applies and is set aside by the next writer). The digest
   * recorded is that of exactly the bytes validated, so a file that another program changes
   * meanwhile is not vouched for. Transient I/O failures are retried as a save's are.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the state, as a load of the accepted file returns it
   * @throws StateLoadException if the file is missing, unreadable, malformed, invalid or of an
   *     unsupported version ({@link StateLoadException#reason()}): nothing is written
   * @throws StateCorruptionException if the file changed while it was being accepted
   * @throws StateSaveException if the checksum file could not be written
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if {@code path} is null
   */
  public static SystemStateRecord accept(Path path) {
    return StateStore.DEFAULT.accept(path);
  }

  /**
   * Inspects a state file with the default options (format by extension, migration on).
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return what was found
   * @throws StateLoadException if the file is missing ({@code NOT_FOUND}) or cannot be read ({@code
   *     UNREADABLE}); bad contents are reported in the result instead
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if {@code path} is null
   * @see #inspect(Path, LoadOptions)
   */
  public static StateInspection inspect(Path path) {
    return inspect(path, LoadOptions.defaults());
  }

  /**
   * Reads a state file once and reports what a diagnosis needs: the format, the size, the schema
   * version as found and whether loading migrated it, the checksum comparison with both digests
   * (the file is hashed while it is parsed), the integrity warnings, the state or why it does not
   * load, and the backup's status. Writes nothing, not even a lock file. The checksum is always
   * compared, whatever {@link LoadOptions#verifyChecksum()} says; a difference is reported in
   * {@link StateInspection#checksum()} ({@code STALE} when the file loads and validates, {@code
   * MISMATCH} when it does not) and does not keep the state from being parsed and shown.
   *
   * @param path a state file: {@code .json} or {@code .npz}, or any name with {@link
   *     LoadOptions#withFormat}
   * @param options the format and migration settings
   * @return what was found
   * @throws StateLoadException if the file is missing ({@code NOT_FOUND}) or cannot be read ({@code
   *     UNREADABLE}); bad contents are reported in the result instead
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if an argument is null
   */
  public static StateInspection inspect(Path path, LoadOptions options) {
    return StateStore.DEFAULT.inspect(path, options);
  }

  /**
   * Deletes a state file and its checksum, keeping the backup. A missing file is not an error.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @throws StateSaveException if a file could not be deleted
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
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
   * @throws IllegalArgumentException for an unsupported extension, an empty path, a directory or a
   *     symbolic link the link policy refuses
   * @throws NullPointerException if {@code path} is null
   */
  public static void delete(Path path, boolean deleteBackup) {
    StateStore.DEFAULT.delete(path, deleteBackup);
  }

  /**
   * Saves a state to a location: a local path or a URI whose scheme an installed {@link
   * org.mlsdm.state.spi.StateStorageProvider} serves. Otherwise as {@link #save(SystemStateRecord,
   * Path, SaveOptions)}, with the guarantees the location's storage documents.
   *
   * @param state the state to save
   * @param location where, its name ending in {@code .json} or {@code .npz}
   * @param options backup, id and retry settings
   * @return the record as written
   * @throws IllegalArgumentException for an unsupported extension, or a scheme no provider serves
   *     (the message names the schemes available)
   * @throws StateSaveException if the save failed after its retries
   * @throws NullPointerException if an argument is null
   */
  public static SystemStateRecord save(
      SystemStateRecord state, StateLocation location, SaveOptions options) {
    return StateStore.DEFAULT.save(state, location, options);
  }

  /**
   * Loads a state from a location; as {@link #load(Path, LoadOptions)}.
   *
   * @param location a local path or a URI whose scheme an installed provider serves
   * @param options checksum, migration and format settings
   * @return the state
   * @throws StateLoadException as {@link #load(Path, LoadOptions)} does
   * @throws IllegalArgumentException for an unsupported extension, or a scheme no provider serves
   * @throws NullPointerException if an argument is null
   */
  public static SystemStateRecord load(StateLocation location, LoadOptions options) {
    return StateStore.DEFAULT.load(location, options);
  }

  /**
   * Inspects a state at a location; as {@link #inspect(Path, LoadOptions)}.
   *
   * @param location a local path or a URI whose scheme an installed provider serves
   * @param options format and migration settings
   * @return what was found
   * @throws StateLoadException if the state is missing or cannot be read
   * @throws IllegalArgumentException for an unsupported extension, or a scheme no provider serves
   * @throws NullPointerException if an argument is null
   */
  public static StateInspection inspect(StateLocation location, LoadOptions options) {
    return StateStore.DEFAULT.inspect(location, options);
  }

  /**
   * Recovers a state at a location; as {@link #recoverReport(Path)}. For other storages than local
   * files, {@link RecoveryResult#usedFile()} and {@link RecoveryResult#replacedKeptAt()} hold the
   * storage's description of the version as a path.
   *
   * @param location a local path or a URI whose scheme an installed provider serves
   * @return the recovered state and how
   * @throws StateRecoveryException if nothing yields a valid state
   * @throws IllegalArgumentException for an unsupported extension, or a scheme no provider serves
   * @throws NullPointerException if {@code location} is null
   */
  public static RecoveryResult recoverReport(StateLocation location) {
    return StateStore.DEFAULT.recover(location);
  }

  /**
   * Deletes a state at a location; as {@link #delete(Path, boolean)}.
   *
   * @param location a local path or a URI whose scheme an installed provider serves
   * @param deleteBackup whether to delete the backup too
   * @throws StateSaveException if deleting failed
   * @throws IllegalArgumentException for an unsupported extension, or a scheme no provider serves
   * @throws NullPointerException if {@code location} is null
   */
  public static void delete(StateLocation location, boolean deleteBackup) {
    StateStore.DEFAULT.delete(location, deleteBackup);
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
    return Companions.checksum(Objects.requireNonNull(path, "path"));
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
    return Companions.backup(Objects.requireNonNull(path, "path"));
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
    return Integrity.warnings(Objects.requireNonNull(state, "state"));
  }

  /**
   * Builds a state from a map shaped like the JSON file: keys {@code version}, {@code id}, {@code
   * created_at}, {@code updated_at}, {@code memory_state} and {@code qilm}, as {@link #toMap} gives
   * them. Numbers may be any {@link Number}; vectors {@code double[]}, {@code float[]} or lists of
   * numbers; the QILM memory a {@code double[][]} or a list of vectors; the phases a {@code
   * double[]} or a list of numbers and strings (labels, see {@link Phase}); timestamps ISO-8601
   * strings (any offset, or none for UTC), {@link Instant}s or {@code OffsetDateTime}s, or absent
   * (then the time of the call, as in Python, logged at WARN); the level keys may be spelled {@code
   * state_L1} … A map without {@code version}, or of an older version, is migrated through {@link
   * MigrationRegistry#global()}. The map is not changed; arrays are copied.
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
    return StateMaps.toRecord(m, StateMaps.Arrays.CALLER);
  }

  /**
   * Converts a state to a new mutable map shaped like the JSON file: {@code version} (Integer),
   * {@code id} (String or null), {@code created_at} and {@code updated_at} (ISO-8601 UTC strings
   * with microseconds and {@code Z}), {@code memory_state} (a map of {@code dimension} and the
   * seven parameters as numbers, {@code state_l1} … as {@code double[]}) and {@code qilm} (a map of
   * {@code memory} as {@code double[][]} and {@code phases} as {@code double[]}, or, when a phase
   * is a label, as a {@code List} of {@link Double}s and {@link String}s). The arrays are copies.
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
