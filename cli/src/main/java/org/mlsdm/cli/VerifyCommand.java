package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
      "Checks the checksum (when FILE.checksum exists), the format and schema, and"
          + " its integrity. Also says whether FILE.backup loads.",
      "Exits 0 when the file is sound; otherwise 3 missing, 4 unreadable, 5 corrupt (checksum),"
          + " 6 malformed, 7 invalid (schema), 8 unsupported version. Integrity warnings and a"
          + " missing checksum file are reported, and so is a backup that does not load; with"
          + " --strict they exit 12."
    })
final class VerifyCommand implements Callable<Integer>, Remote.Direct {
  @Mixin Console console;

  @Mixin Options.StateFile target;

  @Option(
      names = "--strict",
      description =
          "Also fail (exit 12) on integrity warnings, a missing checksum file or a backup that"
              + " does not load.")
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
    SystemStateRecord state = h.stateOrThrow();
    String checksumName = Text.path(SystemStates.checksumPath(file).getFileName());
    boolean hasChecksum = h.checksum() == Health.Checksum.OK;
    boolean backupLoads = !h.backupPresent() || h.backupFailure() == null;
    boolean sound = h.warnings().isEmpty() && hasChecksum && backupLoads;
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
    Report.row(out, "  journal", StateFiles.journal(h.file()));
    Report.row(out, "  backup", h.backupText(null));
    out.flush();
    return strict && !sound ? ExitCode.WARNINGS.code() : ExitCode.OK.code();
  }
}
