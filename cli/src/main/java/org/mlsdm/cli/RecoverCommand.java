package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.RecoveryResult;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code recover}: the seed's manual procedure, done by the store ({@link
 * SystemStates#recoverReport}), which keeps the main file it replaces, so recovery never destroys
 * evidence, and says which source it used.
 */
@Command(
    name = "recover",
    description = {
      "Restore a damaged state file, keeping the damaged one.",
      "If FILE loads (checksum verified), nothing is changed. Otherwise the store restores the"
          + " newest complete state that an interrupted save left, or else FILE.backup"
          + " (validated), as FILE with a fresh checksum; the damaged FILE is kept as"
          + " FILE.damaged-<time>. The command says which source it used and verifies the result.",
      "For an s3:// FILE: every retained generation whose data verifies, newest first; the one"
          + " found is republished as a new generation and named.",
      "A stale FILE (it loads and validates but does not match FILE.checksum, e.g. the Python"
          + " system rewrote it) is newer than the backup: it is kept as it is, nothing is"
          + " changed, and the command exits 13 naming 'accept'.",
      "Exits 9 when neither FILE nor FILE.backup loads (no generation, on S3), 3 when neither"
          + " exists."
    })
final class RecoverCommand implements Callable<Integer>, Remote.Direct {
  @Mixin Console console;
  @Mixin Options.StateFile target;

  @Override
  public Integer call() {
    Path file = target.file;
    PrintWriter out = console.out();
    Progress progress = console.progress();
    Optional<StateLocation> remote = Remote.location(file);
    if (remote.isPresent()) {
      return recoverGenerations(file, remote.get(), out, progress);
    }
    Health health = null;
    String mainProblem = StateFiles.notRegular(file);
    if (mainProblem != null) {
      // Not opened: the store replaces it, keeping it aside, if another source loads.
      mainProblem = "not a regular file (" + mainProblem + ")";
    } else {
      try {
        health = Health.inspect(file, progress);
        mainProblem = problem(health);
      } catch (StateLoadException e) {
        mainProblem = describe(e.reason()) + ": " + Text.message(e);
      }
    }
    if (mainProblem == null) {
      out.printf(
          "%s loads and %s (version %d, updated_at %s); nothing to recover%n",
          Text.path(file),
          health.checksum() == Health.Checksum.OK
              ? "matches its checksum"
              : "has no checksum file to match",
          health.state().version(),
          health.state().updatedAt());
      return ExitCode.OK.code();
    }
    Path backup = SystemStates.backupPath(file);
    boolean mainExists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    boolean backupExists = Files.exists(backup, LinkOption.NOFOLLOW_LINKS);
    out.printf("found: %s is %s%n", Text.path(file), mainProblem);
    out.printf(
        "found: %s %s%n",
        Text.path(backup.getFileName()), backupExists ? "exists" : "does not exist");
    String backupNotRegular = StateFiles.notRegular(backup);
    if (backupNotRegular != null) {
      // Reading it would never end (a link to /dev/zero) or hang (a FIFO): fail before trying.
      throw new CliException(
          ExitCode.UNRECOVERABLE,
          "not recovering: "
              + Text.path(backup)
              + " is not a regular file ("
              + backupNotRegular
              + "); it was not read");
    }
    if (health != null && health.backupFailure() != null) {
      out.printf("found: the backup does not load: %s%n", Text.escape(health.backupFailure()));
    }
    RecoveryResult result;
    try {
      result = SystemStates.recoverReport(file);
    } catch (StateRecoveryException e) {
      throw new CliException(
          mainExists || backupExists ? ExitCode.UNRECOVERABLE : ExitCode.NOT_FOUND,
          Text.message(e),
          e);
    }
    if (result.source() == RecoveryResult.Source.STALE_MAIN) {
      out.printf(
          "kept %s as it is: it loads and validates and is newer than any backup, so nothing was"
              + " restored over it and nothing was changed%n",
          Text.path(file));
      out.printf(
          "if it is the state you want, run 'mlsdm-state accept %s' to record its checksum%n",
          Text.path(file));
      out.flush();
      return ExitCode.STALE.code();
    }
    result
        .replacedKeptAt()
        .ifPresent(kept -> out.printf("kept the damaged file as %s%n", Text.path(kept)));
    SystemStateRecord restored = result.state();
    out.printf(
        "restored %s from %s: version %d, id %s, updated_at %s, dimension %d, %d QILM rows%n",
        Text.path(file),
        source(result),
        restored.version(),
        Report.id(restored.id()),
        restored.updatedAt(),
        restored.memoryState().dimension(),
        restored.qilm().size());
    StateFiles.load(file, progress);
    out.printf(
        "verified: %s now loads and matches %s%n",
        Text.path(file), Text.path(SystemStates.checksumPath(file).getFileName()));
    return ExitCode.OK.code();
  }

  /**
   * Recovers an object-store state through the library: every retained generation whose data
   * verifies against its manifest is a candidate, newest first; the one found is republished as a
   * new generation, and nothing is deleted (the damaged generations stay until pruned).
   */
  private static Integer recoverGenerations(
      Path file, StateLocation location, PrintWriter out, Progress progress) {
    String where = Text.escape(location.toString());
    try {
      Health health = Health.inspect(file, progress);
      String problem = problem(health);
      if (problem == null) {
        out.printf(
            "%s loads and matches its manifest (version %d, updated_at %s); nothing to recover%n",
            where, health.state().version(), health.state().updatedAt());
        return ExitCode.OK.code();
      }
      out.printf("found: %s is %s%n", where, problem);
    } catch (StateLoadException e) {
      out.printf("found: %s is %s: %s%n", where, describe(e.reason()), Text.message(e));
    }
    RecoveryResult result;
    try {
      result =
          progress.during("recovering " + where, 0, () -> SystemStates.recoverReport(location));
    } catch (StateRecoveryException e) {
      boolean nothing =
          e.getCause() instanceof StateLoadException l
              && l.reason() == StateLoadException.Reason.NOT_FOUND
              && e.getSuppressed().length == 0;
      throw new CliException(
          nothing ? ExitCode.NOT_FOUND : ExitCode.UNRECOVERABLE, Text.message(e), e);
    }
    SystemStateRecord restored = result.state();
    String from =
        result.usedGeneration().isPresent()
            ? "generation " + result.usedGeneration().getAsLong()
            : result.usedVersion().map(Text::escape).orElse("an older version");
    out.printf(
        "restored %s from %s (the newest whose data verifies), republished as the newest"
            + " generation: version %d, id %s, updated_at %s, dimension %d, %d QILM rows%n",
        where,
        from,
        restored.version(),
        Report.id(restored.id()),
        restored.updatedAt(),
        restored.memoryState().dimension(),
        restored.qilm().size());
    progress.during(
        "verifying " + where, 0, () -> SystemStates.load(location, LoadOptions.defaults()));
    out.printf("verified: %s now loads and matches its manifest%n", where);
    return ExitCode.OK.code();
  }

  /** What is wrong with the main file, or null when it loads and its checksum (if any) matches. */
  private static String problem(Health h) {
    return switch (h.checksum()) {
      case MISMATCH ->
          "corrupt (checksum mismatch): expected " + h.expected() + ", actual " + h.actual();
      case STALE ->
          "stale (it loads and validates, but its checksum differs): expected "
              + h.expected()
              + ", actual "
              + h.actual();
      case UNREADABLE -> "unreadable: its checksum file cannot be read";
      case OK, MISSING ->
          h.state() != null
              ? null
              : describe(h.failure().reason()) + ": " + Text.message(h.failure());
    };
  }

  private static String source(RecoveryResult result) {
    String file = result.usedFile().map(p -> Text.path(p.getFileName())).orElse("");
    return switch (result.source()) {
      case BACKUP -> file.isEmpty() ? "the backup" : file;
      case INTERRUPTED_SAVE ->
          "the files of an interrupted save" + (file.isEmpty() ? "" : " (" + file + ")");
      case MAIN -> "itself (it loads now)";
      case STALE_MAIN -> "itself, as it is (stale)";
    };
  }

  private static String describe(StateLoadException.Reason reason) {
    return switch (reason) {
      case NOT_FOUND -> "missing";
      case UNREADABLE -> "unreadable";
      case CORRUPT -> "corrupt (checksum mismatch)";
      case MALFORMED -> "malformed";
      case INVALID -> "invalid (schema)";
      case UNSUPPORTED_VERSION -> "of an unsupported version";
    };
  }
}
