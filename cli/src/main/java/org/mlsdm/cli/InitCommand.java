package org.mlsdm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code init}: writes an empty state. */
@Command(
    name = "init",
    description = {
      "Write an empty state; an existing FILE is only replaced with --force.",
      "The state has zero memory levels, an empty QILM and the given parameters.",
      "An existing FILE is left alone unless --force is given; then it is kept as FILE.backup."
    })
final class InitCommand implements Callable<Integer> {
  @Mixin Console console;
  @Mixin Options.StateFile target;
  @Mixin Options.Dimension dimension;
  @Mixin Options.MemoryOptions memory;

  @Option(names = "--id", paramLabel = "ID", description = "The state's id (default: none).")
  String id;

  @Mixin Options.Force force;

  @Override
  public Integer call() {
    if (id != null && id.isBlank()) {
      throw console.usage("--id must not be empty or blank");
    }
    Path file = target.file;
    SystemStateRecord empty = SystemStates.createEmpty(dimension.orDefault(), memory.parameters());
    StateFiles.refuseExisting(file, force.force);
    StateFiles.createParentDirectories(file);
    SystemStateRecord written =
        SystemStates.save(empty, file, SaveOptions.defaults().withStateId(id));
    console
        .out()
        .printf(
            "created %s: empty state, schema version %d, dimension %d, id %s%n",
            Text.path(file),
            written.version(),
            written.memoryState().dimension(),
            Report.id(written.id()));
    return ExitCode.OK.code();
  }
}
