package org.mlsdm.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mlsdm.state.BackupCheck;
import org.mlsdm.state.ChecksumCheck;
import org.mlsdm.state.JournalCheck;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateInspection;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * What one inspection of a state file found, in the terms inspect and verify print: the state (the
 * file loads, its checksum aside), the checksum's status with both digests, the backup, the journal
 * beside the file and the integrity warnings. {@link #state} is the base alone; {@link #current}
 * what a load returns, the journal applied. Digests read from a checksum file pass through {@link
 * Text#digest}, so a checksum file that is not a digest (a link to another file, say) is never
 * echoed.
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
    String backupFailure,
    JournalCheck journal) {

  /** The checksum file's verdict on the main file. */
  enum Checksum {
    OK,
    MISMATCH,
    /** It differs, but the file loads and validates: {@code accept} takes it. */
    STALE,
    MISSING,
    UNREADABLE
  }

  /**
   * Inspects {@code file} with one read ({@link SystemStates#inspect}). A file that does not load
   * has a {@link #failure} and no {@link #state}; a missing or unreadable file, or one that is not
   * a regular file, throws.
   */
  static Health inspect(Path file, Progress progress) {
    Optional<StateLocation> remote = Remote.location(file);
    if (remote.isEmpty()) {
      StateFiles.requireRegular(file);
    }
    StateInspection found =
        progress.during(
            "reading " + Text.path(file),
            Progress.sizeOrZero(file),
            () ->
                remote.isPresent()
                    ? SystemStates.inspect(remote.get(), LoadOptions.defaults())
                    : SystemStates.inspect(file));
    ChecksumCheck sum = found.checksum();
    BackupCheck backup = found.backup();
    String backupFailure = backup.failure().map(Text::message).orElse(null);
    String notRegular =
        remote.isPresent() ? null : StateFiles.notRegular(SystemStates.backupPath(file));
    if (notRegular != null) {
      backupFailure = "not a regular file (" + notRegular + ")";
    }
    return new Health(
        file,
        found.format().name(),
        found.size(),
        found.versionFound().orElse(-1),
        found.migrated(),
        found.state().orElse(null),
        found.failure().orElse(null),
        switch (sum.status()) {
          case OK -> Checksum.OK;
          case MISMATCH -> Checksum.MISMATCH;
          case STALE -> Checksum.STALE;
          case MISSING -> Checksum.MISSING;
          case UNREADABLE -> Checksum.UNREADABLE;
        },
        sum.expected().map(Text::digest).orElse(null),
        sum.actual().map(Text::digest).orElse(null),
        found.warnings(),
        backup.present() || notRegular != null,
        notRegular == null ? backup.updatedAt().orElse(null) : null,
        backupFailure,
        found.journal());
  }

  /**
   * The state a load returns: the base with its journal applied when one applies; the base alone
   * when the journal is absent, stale or corrupt (the journal row says which).
   */
  SystemStateRecord current() {
    return journal.state().orElse(state);
  }

  /**
   * The journal row: {@code none}; the frames that apply and what they change against the base; a
   * torn tail a load ignores; a stale journal that is never applied; a corrupt one.
   */
  String journalText() {
    String size = Progress.bytes(journal.bytes());
    String problem = journal.problem().map(Text::escape).orElse("");
    return switch (journal.status()) {
      case ABSENT -> "none";
      case STALE ->
          "STALE, not applied (" + size + "): " + problem + "; the next writer sets it aside";
      case CORRUPT ->
          "CORRUPT ("
              + size
              + "), a load fails: "
              + problem
              + "; shown: the base alone (the state at the last compaction)";
      case UNCHECKED -> "not checked (" + size + "): " + problem;
      case APPLIED, TORN -> {
        SystemStateRecord applied = current();
        String s =
            journal.frames()
                + " frame(s), "
                + size
                + ", chains to the base; applied: "
                + applied.qilm().size()
                + " QILM rows, updated_at "
                + applied.updatedAt()
                + " (the base alone: "
                + state.qilm().size()
                + " rows, updated_at "
                + state.updatedAt()
                + ")";
        if (journal.status() == JournalCheck.Status.TORN) {
          s +=
              "; torn tail of "
                  + journal.tornBytes()
                  + " byte(s) not loaded ("
                  + problem
                  + "), the next writer cuts it";
        }
        yield s;
      }
    };
  }

  /**
   * The state, or the reason it is not there: a checksum mismatch wins over what the contents'
   * failure says, as it does in a load, and names the recovery when a backup exists; a stale file
   * (exit 13) names {@code accept}.
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
    if (checksum == Checksum.STALE) {
      throw new CliException(ExitCode.STALE, StateFiles.stale(file, expected, actual));
    }
    if (checksum == Checksum.UNREADABLE) {
      throw new CliException(
          ExitCode.UNREADABLE, Text.path(SystemStates.checksumPath(file)) + " cannot be read");
    }
    if (state == null) {
      throw StateFiles.withRecoveryHint(failure, file);
    }
    return state;
  }

  /**
   * What a load of base and journal returns, or why it fails: after {@link #stateOrThrow}, a
   * corrupt journal, with the way back to the base alone (no backup or recovery restores a
   * journal).
   */
  SystemStateRecord currentOrThrow() {
    stateOrThrow();
    StateLoadException bad = journal.failure().orElse(null);
    if (bad != null) {
      throw new CliException(
          ExitCode.of(bad),
          Text.message(bad)
              + "; the base alone loads (the state at the last compaction): move "
              + Text.path(file.resolveSibling(file.getFileName() + ".journal"))
              + " aside to use it",
          bad);
    }
    return current();
  }

  /** The checksum row: {@code ok (NAME.checksum)}, {@code MISMATCH: expected …, actual …}, … */
  String checksumText() {
    String name =
        Remote.location(file).isPresent()
            ? "the generation's manifest"
            : Text.path(SystemStates.checksumPath(file).getFileName());
    return switch (checksum) {
      case OK -> "ok (" + name + ")";
      case MISSING -> "missing (no " + name + ")";
      case MISMATCH -> "MISMATCH: " + name + " expects " + expected + ", the file's is " + actual;
      case STALE ->
          "STALE: the file loads and validates, but "
              + name
              + " expects "
              + expected
              + ", the file's is "
              + actual
              + " (rewritten without its checksum); 'mlsdm-state accept "
              + Text.path(file)
              + "' accepts it";
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
