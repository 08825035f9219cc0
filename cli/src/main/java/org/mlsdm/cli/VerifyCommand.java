package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verify}: checksum, schema and integrity, as an exit code. */
@Command(
    name = "verify",
    description = {
      "Check a state file's checksum, schema and integrity; the exit code says what failed.",
      "Checks the checksum (when FILE.checksum exists), the format and schema, and"
          + " its integrity. Also says whether FILE.backup loads.",
      "Exits 0 when the file is sound; otherwise 3 missing, 4 unreadable, 5 corrupt (checksum),"
          + " 6 malformed, 7 invalid (schema), 8 unsupported version. Integrity warnings and a"
          + " missing checksum file are reported; with --strict they exit 12."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The state file (a .json or .npz file name).")
  Path file;

  @Option(
      names = "--strict",
      description = "Also fail (exit 12) on integrity warnings or a missing checksum file.")
  boolean strict;

  @Override
  public Integer call() {
    PrintWriter out = console.out();
    Progress progress = console.progress();
    boolean hasChecksum = Files.exists(SystemStates.checksumPath(file));
    StateFiles.Loaded loaded;
    try {
      loaded = StateFiles.loadNoticingMigration(file, LoadOptions.defaults(), progress);
    } catch (StateLoadException e) {
      throw StateFiles.withRecoveryHint(e, file);
    }
    SystemStateRecord state = loaded.state();
    List<String> warnings = SystemStates.validateIntegrity(state);
    boolean sound = warnings.isEmpty() && hasChecksum;
    out.println(file + ": " + (sound ? "OK" : "OK, with remarks"));
    Report.row(
        out,
        "  checksum",
        hasChecksum
            ? "ok"
            : "absent, not verified (no " + SystemStates.checksumPath(file).getFileName() + ")");
    Report.row(
        out,
        "  schema",
        "version "
            + state.version()
            + (loaded.migrated() ? " (migrated on load from an older version)" : "")
            + ", dimension "
            + state.memoryState().dimension()
            + ", "
            + state.qilm().size()
            + " QILM rows");
    Report.row(
        out, "  integrity", warnings.isEmpty() ? "no warnings" : warnings.size() + " warning(s)");
    warnings.forEach(w -> Report.row(out, "    warning", w));
    Report.row(out, "  journal", StateFiles.journal(file));
    Report.row(out, "  backup", backupStatus(progress));
    out.flush();
    return strict && !sound ? ExitCode.WARNINGS.code() : ExitCode.OK.code();
  }

  private String backupStatus(Progress progress) {
    if (!StateFiles.backup(file).present()) {
      return "none";
    }
    try {
      SystemStateRecord backup = StateFiles.loadBackup(file, progress);
      return "loads (updated_at " + backup.updatedAt() + ")";
    } catch (StateLoadException e) {
      return "does NOT load: " + e.getMessage();
    }
  }
}
