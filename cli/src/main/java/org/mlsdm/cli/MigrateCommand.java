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

  @Mixin Options.StateFile target;

  @Option(
      names = "--force",
      description = "Rewrite even when FILE is already at the current version.")
  boolean force;

  @Override
  public Integer call() {
    Path file = target.file;
    PrintWriter out = console.out();
    Progress progress = console.progress();
    // One read that says whether the load migrated; a checksum mismatch is refused (exit 5).
    Health health;
    try {
      health = Health.inspect(file, progress);
    } catch (StateLoadException e) {
      throw StateFiles.withRecoveryHint(e, file);
    }
    SystemStateRecord state = health.stateOrThrow();
    boolean current = !health.migrated();
    int version = SystemStates.CURRENT_SCHEMA_VERSION;
    if (current && !force) {
      out.printf(
          "%s is already at schema version %d; nothing to do (--force rewrites it)%n",
          Text.path(file), version);
      return ExitCode.OK.code();
    }
    SystemStateRecord written =
        progress.during(
            "writing " + Text.path(file),
            Progress.sizeOrZero(file),
            () -> SystemStates.save(state, file));
    out.printf(
        "%s %s at schema version %d (updated_at %s); previous file kept as %s%n",
        current ? "rewrote" : "migrated",
        Text.path(file),
        written.version(),
        written.updatedAt(),
        SystemStates.backupPath(file).getFileName());
    return ExitCode.OK.code();
  }
}
