package org.mlsdm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code recover}: the seed's manual procedure, done by the store. The damaged file is copied aside
 * first, so recovery never destroys evidence.
 */
@Command(
    name = "recover",
    description = {
      "Restore a damaged state file, keeping a copy of the damaged one.",
      "If FILE loads (checksum verified), nothing is changed. Otherwise the"
          + " damaged FILE is copied to FILE.damaged-<time>, then the store restores the newest"
          + " complete state that an interrupted save left, or else FILE.backup (validated), as"
          + " FILE with a fresh checksum, and the result is verified.",
      "Exits 9 when neither FILE nor FILE.backup loads, 3 when neither exists."
    })
final class RecoverCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Mixin Console console;

  @Mixin Options.StateFile target;

  @Override
  public Integer call() {
    Path file = target.file;
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
    SystemStateRecord backupState = backupExists ? loadBackupOrNull(file, progress) : null;
    if (mainExists && StateFiles.notRegular(file) == null) {
      out.printf("kept the damaged file as %s%n", Text.path(keepDamaged(file)));
    }
    SystemStateRecord restored;
    try {
      restored = SystemStates.recover(file);
    } catch (StateRecoveryException e) {
      throw new CliException(
          mainExists || backupExists ? ExitCode.UNRECOVERABLE : ExitCode.NOT_FOUND,
          e.getMessage(),
          e);
    }
    // The store prefers the newest state that an interrupted save left complete over the backup.
    String source =
        restored.equals(backupState)
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

  private SystemStateRecord loadBackupOrNull(Path file, Progress progress) {
    try {
      return StateFiles.loadBackup(file, progress);
    } catch (StateLoadException e) {
      console.out().printf("found: the backup does not load: %s%n", e.getMessage());
      return null;
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

  private Path keepDamaged(Path file) {
    Path target =
        file.resolveSibling(file.getFileName() + ".damaged-" + STAMP.format(Instant.now()));
    try {
      for (int i = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); i++) {
        target =
            file.resolveSibling(
                file.getFileName() + ".damaged-" + STAMP.format(Instant.now()) + "-" + i);
      }
      StateFiles.copyBounded(file, target, Files.size(file));
      return target;
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE,
          "not recovering: cannot keep a copy of the damaged file as " + target + ": " + e,
          e);
    }
  }
}
