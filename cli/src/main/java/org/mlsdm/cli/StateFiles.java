package org.mlsdm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.JournalStatus;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/** Loading for the commands: with progress for large files, and with the checksum's status. */
final class StateFiles {
  private StateFiles() {}

  /** What the checksum file says about the main file. */
  enum ChecksumStatus {
    OK,
    MISMATCH,
    ABSENT;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A loaded state, and whether the file had an older schema version that the load migrated. */
  record Loaded(SystemStateRecord state, boolean migrated) {}

  /** A loaded state, the status of its checksum, and whether it was migrated on load. */
  record Checked(
      SystemStateRecord state, ChecksumStatus checksum, String mismatch, boolean migrated) {}

  /** A backup file's presence, size and age. */
  record Backup(Path path, boolean present, long size, Instant modified) {}

  /** Loads with the default options (checksum verified, old versions migrated). */
  static SystemStateRecord load(Path path, Progress progress) {
    return load(path, LoadOptions.defaults(), progress);
  }

  static SystemStateRecord load(Path path, LoadOptions options, Progress progress) {
    return progress.during(
        "reading " + path, Progress.sizeOrZero(path), () -> SystemStates.load(path, options));
  }

  /**
   * Loads a file even when its checksum does not match, and says so: inspect shows what a damaged
   * file holds. Other load failures propagate.
   */
  static Checked loadChecked(Path path, Progress progress) {
    boolean hasChecksum = Files.exists(SystemStates.checksumPath(path));
    try {
      Loaded loaded = loadNoticingMigration(path, LoadOptions.defaults(), progress);
      return new Checked(
          loaded.state(),
          hasChecksum ? ChecksumStatus.OK : ChecksumStatus.ABSENT,
          null,
          loaded.migrated());
    } catch (StateCorruptionException e) {
      Loaded loaded =
          loadNoticingMigration(path, LoadOptions.defaults().withVerifyChecksum(false), progress);
      return new Checked(
          loaded.state(), ChecksumStatus.MISMATCH, e.getMessage(), loaded.migrated());
    }
  }

  /**
   * Loads and tells whether the file had an older schema version: the store does not say, so a file
   * that it refuses to load unmigrated for its version is loaded again with migration. A newer
   * version fails the second load too.
   */
  static Loaded loadNoticingMigration(Path path, LoadOptions options, Progress progress) {
    try {
      return new Loaded(load(path, options.withAutoMigrate(false), progress), false);
    } catch (StateLoadException e) {
      if (e.reason() != StateLoadException.Reason.UNSUPPORTED_VERSION) {
        throw e;
      }
      return new Loaded(load(path, options.withAutoMigrate(true), progress), true);
    }
  }

  static Backup backup(Path path) {
    Path backup = SystemStates.backupPath(path);
    try {
      if (!Files.isRegularFile(backup)) {
        return new Backup(backup, false, 0, null);
      }
      return new Backup(
          backup, true, Files.size(backup), Files.getLastModifiedTime(backup).toInstant());
    } catch (IOException e) {
      return new Backup(backup, false, 0, null);
    }
  }

  /**
   * Loads the backup of {@code path}. The store reads a format by extension, so the backup is read
   * through a temporary copy named like the main file; a backup has no checksum of its own.
   *
   * @throws org.mlsdm.state.StateLoadException if the backup does not load
   */
  static SystemStateRecord loadBackup(Path path, Progress progress) {
    Path backup = SystemStates.backupPath(path);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("mlsdm-backup-check");
      Path copy = dir.resolve(path.getFileName());
      Files.copy(backup, copy);
      return load(copy, progress);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.UNREADABLE, "cannot read " + backup + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir, path.getFileName());
    }
  }

  private static void deleteQuietly(Path dir, Path name) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve(name));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A leftover file in the temporary directory is harmless; the check's result stands.
    }
  }

  /**
   * Fails fast on a name the store would refuse, before a long read of another file. The store
   * checks again; this only moves the error earlier.
   */
  static void requireStateFileName(Path path) {
    String name =
        path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!(name.endsWith(".json") || name.endsWith(".npz"))) {
      throw new CliException(
          ExitCode.USAGE,
          "Unsupported file format: '" + path + "' (expected a .json or .npz file name)");
    }
  }

  /** A load failure, with the next step when FILE.backup could repair it. */
  static RuntimeException withRecoveryHint(StateLoadException e, Path file) {
    boolean repairable =
        e.reason() != StateLoadException.Reason.NOT_FOUND
            && e.reason() != StateLoadException.Reason.UNREADABLE;
    if (!repairable || !backup(file).present()) {
      return e;
    }
    return new CliException(
        ExitCode.of(e),
        e.getMessage() + "; a backup exists: run 'mlsdm-state recover " + file + "'",
        e);
  }

  /** The format name by extension, for messages. */
  static String format(Path path) {
    return path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz") ? "NPZ" : "JSON";
  }

  /** One line on FILE.journal for inspect and verify: frames, bytes, whether it chains. */
  static String journal(Path file) {
    JournalStatus j;
    try {
      j = Checkpointer.status(file);
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
    if (!j.present()) {
      return "none";
    }
    if (!j.chains()) {
      return "STALE, not applied ("
          + Progress.bytes(j.bytes())
          + "): "
          + j.problem()
          + "; the next writer sets it aside";
    }
    String s = j.frames() + " frame(s), " + Progress.bytes(j.bytes()) + ", chains to the base";
    if (j.tornBytes() > 0) {
      s += "; torn tail of " + j.tornBytes() + " byte(s) not loaded (" + j.problem() + ")";
    }
    return s;
  }
}
