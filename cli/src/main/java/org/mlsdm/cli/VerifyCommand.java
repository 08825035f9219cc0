package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsdm.state.JournalCheck;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code verify}: checksum, schema and integrity, as an exit code. */
@Command(
    name = "verify",
    description = {
      "Check a state file's checksum, schema and integrity; the exit code says what failed.",
      "Checks the checksum (when FILE.checksum exists), the format and schema, its integrity"
          + " and the chain of FILE.journal (incremental checkpoints). Also says whether"
          + " FILE.backup loads.",
      "Exits 0 when the file is sound; otherwise 3 missing, 4 unreadable, 5 corrupt (checksum,"
          + " or a journal frame followed by others), 6 malformed, 7 invalid (schema, or a"
          + " journal frame), 8 unsupported version. Integrity warnings, a missing checksum file,"
          + " a backup that does not load, a torn journal tail and a stale journal are reported"
          + " (loads ignore the last two); with --strict they exit 12."
    })
final class VerifyCommand implements Callable<Integer>, Remote.Direct {
  @Mixin Console console;

  @Mixin Options.StateFile target;

  @Option(
      names = "--strict",
      description =
          "Also fail (exit 12) on integrity warnings, a missing checksum file, a backup that"
              + " does not load, a torn journal tail or a stale journal.")
  boolean strict;

  @Override
  public Integer call() {
    Path file = target.file;
    PrintWriter out = console.out();
    Health h;
    try {
      h = Health.inspect(file, console.progress());
    } catch (StateLoadException e) {
      throw StateFiles.withRecoveryHint(e, file);
    }
    SystemStateRecord state = h.currentOrThrow();
    String checksumName = Text.path(SystemStates.checksumPath(file).getFileName());
    boolean hasChecksum = h.checksum() == Health.Checksum.OK;
    boolean backupLoads = !h.backupPresent() || h.backupFailure() == null;
    boolean journalClean =
        h.journal().status() == JournalCheck.Status.ABSENT
            || h.journal().status() == JournalCheck.Status.APPLIED;
    boolean sound = h.warnings().isEmpty() && hasChecksum && backupLoads && journalClean;
    out.println(Text.path(file) + ": " + (sound ? "OK" : "OK, with remarks"));
    Report.row(
        out, "  checksum", hasChecksum ? "ok" : "missing, not verified (no " + checksumName + ")");
    Report.row(
        out,
        "  schema",
        "version "
            + state.version()
            + (h.migrated() ? " (migrated on load from version " + h.versionFound() + ")" : "")
            + ", dimension "
            + state.memoryState().dimension()
            + ", "
            + state.qilm().size()
            + " QILM rows");
    Report.row(
        out,
        "  integrity",
        h.warnings().isEmpty() ? "no warnings" : h.warnings().size() + " warning(s)");
    h.warnings().forEach(w -> Report.row(out, "    warning", Text.escape(w)));
    Report.row(out, "  journal", h.journalText());
    Report.row(out, "  backup", h.backupText(null));
    out.flush();
    return strict && !sound ? ExitCode.WARNINGS.code() : ExitCode.OK.code();
  }
}
