package org.mlsdm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateFormat;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/** File handling for the commands: loads with progress, output checks, non-regular files. */
final class StateFiles {
  private StateFiles() {}

  /** A backup file's path and presence. */
  record Backup(Path path, boolean present) {}

  /** Loads with the default options (checksum verified, old versions migrated). */
  static SystemStateRecord load(Path path, Progress progress) {
    return load(path, LoadOptions.defaults(), progress);
  }

  static SystemStateRecord load(Path path, LoadOptions options, Progress progress) {
    requireRegular(path);
    return progress.during(
        "reading " + Text.path(path),
        Progress.sizeOrZero(path),
        () -> SystemStates.load(path, options));
  }

  /** Whether {@code FILE.backup} exists (as anything: a link to a device is still there). */
  static Backup backup(Path path) {
    Path backup = SystemStates.backupPath(path);
    return new Backup(backup, Files.exists(backup, LinkOption.NOFOLLOW_LINKS));
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
    if (e instanceof StateCorruptionException c && c.stale()) {
      return new CliException(
          ExitCode.STALE, stale(file, Text.digest(c.expected()), Text.digest(c.actual())), e);
    }
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

  /**
   * Why a stale file is refused, and the command that accepts it: recovering would not help, as
   * {@code recover} keeps a stale file as it is.
   */
  static String stale(Path file, String expected, String actual) {
    return Text.path(file)
        + " is stale: it loads and validates, but "
        + Text.path(SystemStates.checksumPath(file).getFileName())
        + " expects "
        + expected
        + " and the file's SHA-256 is "
        + actual
        + " (rewritten without its checksum, e.g. by the Python system); if it is the state you"
        + " want, run 'mlsdm-state accept "
        + Text.path(file)
        + "'";
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
    return StateFormat.of(path).name();
  }
}
