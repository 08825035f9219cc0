package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsdm.state.RecoveryResult;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code recover}: the seed's manual procedure, done by the store, which keeps the damaged file it
 * replaces ({@code SystemStates.recoverReport}), so recovery never destroys evidence.
 */
@Command(
    name = "recover",
    description = {
      "Restore a damaged state file, keeping a copy of the damaged one.",
      "If FILE loads (checksum verified), nothing is changed. Otherwise the"
          + " store restores the newest complete state that an interrupted save left, or else"
          + " FILE.backup (validated), as FILE with a fresh checksum, keeping the damaged FILE it"
          + " replaces as FILE.damaged-<time>, and the result is verified.",
      "Exits 9 when neither FILE nor FILE.backup loads, 3 when neither exists."
    })
final class RecoverCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The state file (a .json or .npz file name).")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = console.out();
    Progress progress = console.progress();
    StateLoadException failure;
    try {
      SystemStateRecord state = StateFiles.load(file, progress);
      out.printf(
          "%s loads and matches its checksum (version %d, updated_at %s); nothing to recover%n",
          file, state.version(), state.updatedAt());
      return ExitCode.OK.code();
    } catch (StateLoadException e) {
      failure = e;
    }
    Path backup = SystemStates.backupPath(file);
    boolean mainExists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    boolean backupExists = Files.exists(backup, LinkOption.NOFOLLOW_LINKS);
    out.printf("found: %s is %s: %s%n", file, describe(failure), failure.getMessage());
    out.printf("found: %s %s%n", backup.getFileName(), backupExists ? "exists" : "does not exist");
    if (backupExists) {
      reportBackup(progress);
    }
    RecoveryResult result;
    try {
      result = SystemStates.recoverReport(file);
    } catch (StateRecoveryException e) {
      throw new CliException(
          mainExists || backupExists ? ExitCode.UNRECOVERABLE : ExitCode.NOT_FOUND,
          e.getMessage(),
          e);
    }
    // The library keeps the main file it replaces and says where.
    result.replacedKeptAt().ifPresent(p -> out.printf("kept the damaged file as %s%n", p));
    SystemStateRecord restored = result.state();
    String source =
        result.source() == RecoveryResult.Source.BACKUP
            ? backup.getFileName().toString()
            : "the files of an interrupted save";
    out.printf(
        "restored %s from %s: version %d, id %s, updated_at %s, dimension %d, %d QILM rows%n",
        file,
        source,
        restored.version(),
        Report.id(restored.id()),
        restored.updatedAt(),
        restored.memoryState().dimension(),
        restored.qilm().size());
    StateFiles.load(file, progress);
    out.printf(
        "verified: %s now loads and matches %s%n",
        file, SystemStates.checksumPath(file).getFileName());
    return ExitCode.OK.code();
  }

  /** Says when the backup does not load, before the store decides what to restore. */
  private void reportBackup(Progress progress) {
    try {
      StateFiles.loadBackup(file, progress);
    } catch (StateLoadException e) {
      console.out().printf("found: the backup does not load: %s%n", e.getMessage());
    }
  }

  private static String describe(StateLoadException e) {
    return switch (e.reason()) {
      case NOT_FOUND -> "missing";
      case UNREADABLE -> "unreadable";
      case CORRUPT -> "corrupt (checksum mismatch)";
      case MALFORMED -> "malformed";
      case INVALID -> "invalid (schema)";
      case UNSUPPORTED_VERSION -> "of an unsupported version";
    };
  }
}
