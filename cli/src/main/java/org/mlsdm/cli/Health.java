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
   * Inspects {@code file}; a file that does not load, its checksum aside, throws its {@link
   * StateLoadException}.
   */
  static Health inspect(Path file, Progress progress) {
    StateFiles.Checked checked = StateFiles.loadChecked(file, progress);
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
      } catch (StateLoadException e) {
        backupFailure = Text.message(e);
      }
    }
    return new Health(
        file,
        StateFiles.format(file),
        Progress.sizeOrZero(file),
        checked.migrated() ? 0 : state.version(),
        checked.migrated(),
        state,
        switch (checked.checksum()) {
          case OK -> Checksum.OK;
          case MISMATCH -> Checksum.MISMATCH;
          case ABSENT -> Checksum.MISSING;
        },
        expected,
        actual,
        SystemStates.validateIntegrity(state),
        backup.present(),
        backupUpdated,
        backupFailure);
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
      return "present, does NOT load: " + Text.escape(backupFailure);
    }
    return "loads, updated_at "
        + backupUpdatedAt
        + (now == null ? "" : " (" + Report.ago(backupUpdatedAt, now) + ")");
  }
}
