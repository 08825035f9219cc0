package org.mlsdm.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * What one inspection of a state file found, in the terms inspect and verify print: the state (the
 * file loads, its checksum aside), the checksum's status with both digests, the backup and the
 * integrity warnings. Digests read from a checksum file pass through {@link Text#digest}, so a
 * checksum file that is not a digest (a link to another file, say) is never echoed.
 */
record Health(
    Path file,
    String format,
    long size,
    int versionFound,
    boolean migrated,
    SystemStateRecord state,
    StateLoadException failure,
    Checksum checksum,
    String expected,
    String actual,
    List<String> warnings,
    boolean backupPresent,
    Instant backupUpdatedAt,
    String backupFailure) {

  /** The checksum file's verdict on the main file. */
  enum Checksum {
    OK,
    MISMATCH,
    MISSING,
    UNREADABLE
  }

  /**
   * Inspects {@code file}. A file that does not load has a {@link #failure} and no {@link #state};
   * a missing or unreadable file throws its {@link StateLoadException}.
   */
  static Health inspect(Path file, Progress progress) {
    StateFiles.Checked checked;
    try {
      checked = StateFiles.loadChecked(file, progress);
    } catch (StateLoadException e) {
      if (e.reason() == StateLoadException.Reason.NOT_FOUND
          || e.reason() == StateLoadException.Reason.UNREADABLE) {
        throw e;
      }
      checked = new StateFiles.Checked(null, e, StateFiles.ChecksumStatus.OK, null, false);
    }
    SystemStateRecord state = checked.state();
    String expected = null;
    String actual = null;
    if (checked.cause() != null) {
      expected = Text.digest(checked.cause().expected());
      actual = Text.digest(checked.cause().actual());
    }
    StateFiles.Backup backup = StateFiles.backup(file);
    Instant backupUpdated = null;
    String backupFailure = null;
    if (backup.present()) {
      try {
        backupUpdated = StateFiles.loadBackup(file, progress).updatedAt();
      } catch (StateLoadException | CliException e) {
        backupFailure = Text.message(e);
      }
    }
    return new Health(
        file,
        StateFiles.format(file),
        Progress.sizeOrZero(file),
        state == null ? -1 : checked.migrated() ? 0 : state.version(),
        checked.migrated(),
        state,
        checked.failure(),
        switch (checked.checksum()) {
          case OK -> Checksum.OK;
          case MISMATCH -> Checksum.MISMATCH;
          case ABSENT -> Checksum.MISSING;
        },
        expected,
        actual,
        state == null ? List.of() : SystemStates.validateIntegrity(state),
        backup.present(),
        backupUpdated,
        backupFailure);
  }

  /**
   * The state, or the reason it is not there: a checksum mismatch wins over what the contents'
   * failure says, as it does in a load, and names the recovery when a backup exists.
   */
  SystemStateRecord stateOrThrow() {
    if (checksum == Checksum.MISMATCH) {
      throw StateFiles.withRecoveryHint(
          ExitCode.CORRUPT,
          "Checksum mismatch for "
              + Text.path(file)
              + ": expected "
              + expected
              + ", actual "
              + actual,
          file);
    }
    if (checksum == Checksum.UNREADABLE) {
      throw new CliException(
          ExitCode.UNREADABLE,
          Text.path(SystemStates.checksumPath(file)) + " cannot be read: " + expected);
    }
    if (state == null) {
      throw StateFiles.withRecoveryHint(failure, file);
    }
    return state;
  }

  /** The checksum row: {@code ok (NAME.checksum)}, {@code MISMATCH: expected …, actual …}, … */
  String checksumText() {
    String name = Text.path(SystemStates.checksumPath(file).getFileName());
    return switch (checksum) {
      case OK -> "ok (" + name + ")";
      case MISSING -> "missing (no " + name + ")";
      case MISMATCH -> "MISMATCH: " + name + " expects " + expected + ", the file's is " + actual;
      case UNREADABLE -> "UNREADABLE: " + name + " cannot be read";
    };
  }

  /** The backup row: {@code none}, {@code loads, updated_at …}, or why it does not load. */
  String backupText(Instant now) {
    if (!backupPresent) {
      return "none";
    }
    if (backupFailure != null) {
      return "does NOT load: " + Text.escape(backupFailure);
    }
    return "loads (updated_at "
        + backupUpdatedAt
        + (now == null ? "" : ", " + Report.ago(backupUpdatedAt, now))
        + ")";
  }
}
