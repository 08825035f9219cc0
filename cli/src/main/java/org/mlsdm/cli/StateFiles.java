package org.mlsdm.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
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
      SystemStateRecord state,
      StateLoadException failure,
      ChecksumStatus checksum,
      StateCorruptionException cause,
      boolean migrated) {}

  /** A backup file's path and presence. */
  record Backup(Path path, boolean present) {}

  /** Loads with the default options (checksum verified, old versions migrated). */
  static SystemStateRecord load(Path path, Progress progress) {
    return load(path, LoadOptions.defaults(), progress);
  }

  static SystemStateRecord load(Path path, LoadOptions options, Progress progress) {
    requireRegular(path);
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
          null,
          hasChecksum ? ChecksumStatus.OK : ChecksumStatus.ABSENT,
          null,
          loaded.migrated());
    } catch (StateCorruptionException e) {
      try {
        Loaded loaded =
            loadNoticingMigration(path, LoadOptions.defaults().withVerifyChecksum(false), progress);
        return new Checked(loaded.state(), null, ChecksumStatus.MISMATCH, e, loaded.migrated());
      } catch (StateLoadException contents) {
        return new Checked(null, contents, ChecksumStatus.MISMATCH, e, false);
      }
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

  /** Whether {@code FILE.backup} exists (as anything: a link to a device is still there). */
  static Backup backup(Path path) {
    Path backup = SystemStates.backupPath(path);
    return new Backup(backup, Files.exists(backup, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Loads the backup of {@code path}. The store reads a format by extension, so the backup is read
   * through a temporary copy named like the main file; a backup has no checksum of its own.
   *
   * @throws org.mlsdm.state.StateLoadException if the backup does not load
   */
  static SystemStateRecord loadBackup(Path path, Progress progress) {
    Path backup = SystemStates.backupPath(path);
    requireRegular(backup);
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

  /** Refuses to replace an existing output file (exit 11) unless {@code --force} was given. */
  static void refuseExisting(Path file, boolean force) {
    if (!force && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(
          ExitCode.EXISTS,
          Text.path(file)
              + " already exists; use --force to overwrite it (it is kept as "
              + Text.path(SystemStates.backupPath(file).getFileName())
              + ")");
    }
  }

  /**
   * Creates the directories above an output file, as a user who names {@code out/run1/state.json}
   * expects; the store itself writes only into an existing directory.
   */
  static void createParentDirectories(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || Files.isDirectory(parent)) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE,
          "cannot create the directory " + Text.path(parent) + " for " + Text.path(file) + ": " + e,
          e);
    }
  }

  /**
   * Why {@code path} is not a regular file that the tool may open, or null when it is one or does
   * not exist (the load then says so). A link is followed only to see what it names: a link to a
   * regular file is one; a link to a device such as {@code /dev/zero}, a FIFO or a directory is
   * not, since reading or copying it would never end, or hang.
   */
  static String notRegular(Path path) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
    if (attributes.isRegularFile()) {
      return null;
    }
    if (!attributes.isSymbolicLink()) {
      return kind(attributes);
    }
    try {
      BasicFileAttributes target = Files.readAttributes(path, BasicFileAttributes.class);
      return target.isRegularFile() ? null : "a link to " + kind(target);
    } catch (IOException e) {
      return null;
    }
  }

  private static String kind(BasicFileAttributes a) {
    if (a.isDirectory()) {
      return "a directory";
    }
    return a.isOther() ? "a device, FIFO or socket" : "not a regular file";
  }

  /**
   * Copies at most {@code max} bytes of {@code from} to a new file {@code to}: a file that turned
   * into a device or grew after it was checked cannot make the copy run on.
   */
  static void copyBounded(Path from, Path to, long max) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long done = 0;
      while (done < max) {
        long n = in.transferTo(done, max - done, out);
        if (n <= 0) {
          break;
        }
        done += n;
      }
      out.force(true);
    }
  }

  /**
   * Refuses (exit 4) to open {@code path} when it is not a regular file; see {@link #notRegular}.
   */
  static void requireRegular(Path path) {
    String why = notRegular(path);
    if (why != null) {
      throw new CliException(
          ExitCode.UNREADABLE,
          Text.path(path) + " is not a regular file (" + why + "); it was not opened");
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
        Text.message(e) + "; a backup exists: run 'mlsdm-state recover " + Text.path(file) + "'",
        e);
  }

  /** A failure of {@code file} with {@code code}, with the next step when a backup exists. */
  static CliException withRecoveryHint(ExitCode code, String message, Path file) {
    return new CliException(
        code,
        backup(file).present()
            ? message + "; a backup exists: run 'mlsdm-state recover " + Text.path(file) + "'"
            : message);
  }

  /** The format name by extension, for messages. */
  static String format(Path path) {
    return path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz") ? "NPZ" : "JSON";
  }
}
