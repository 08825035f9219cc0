package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code migrate}: rewrites a file at the current schema version. */
@Command(
    name = "migrate",
    description = {
      "Rewrite a state file at the current schema version, keeping a backup.",
      "The previous file is kept as FILE.backup and a" + " fresh FILE.checksum is written.",
      "A file already at the current version is left alone (its backup too) unless --force is"
          + " given, which rewrites it, e.g. to add the checksum a Python-written NPZ file lacks.",
      "A file that fails its checksum is not migrated: run recover first."
    })
final class MigrateCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The state file (a .json or .npz file name).")
  Path file;

  @Option(
      names = "--force",
      description = "Rewrite even when FILE is already at the current version.")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter out = console.out();
    Progress progress = console.progress();
    StateFiles.Loaded loaded =
        StateFiles.loadNoticingMigration(file, LoadOptions.defaults(), progress);
    boolean current = !loaded.migrated();
    SystemStateRecord state = loaded.state();
    int target = SystemStates.CURRENT_SCHEMA_VERSION;
    if (current && !force) {
      out.printf(
          "%s is already at schema version %d; nothing to do (--force rewrites it)%n",
          file, target);
      return ExitCode.OK.code();
    }
    SystemStateRecord written =
        progress.during(
            "writing " + file, Progress.sizeOrZero(file), () -> SystemStates.save(state, file));
    out.printf(
        "%s %s at schema version %d (updated_at %s); previous file kept as %s%n",
        current ? "rewrote" : "migrated",
        file,
        written.version(),
        written.updatedAt(),
        SystemStates.backupPath(file).getFileName());
    return ExitCode.OK.code();
  }
}
