package org.mlsdm.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code init}: writes an empty state. */
@Command(
    name = "init",
    description = {
      "Write an empty state; an existing FILE is only replaced with --force.",
      "The state has zero memory levels, an empty QILM and the given parameters.",
      "An existing FILE is left alone unless --force is given; then it is kept as FILE.backup."
    })
final class InitCommand implements Callable<Integer> {
  static final int DEFAULT_DIMENSION = 16;

  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The state file to write (a .json or .npz file name).")
  Path file;

  @Option(
      names = "--dimension",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_DIMENSION,
      description = "Vector dimension (default: ${DEFAULT-VALUE}).")
  int dimension;

  @Option(
      names = "--lambda-l1",
      paramLabel = "X",
      description = "L1 decay rate in (0, 1] (default: 0.5).")
  double lambdaL1 = MemoryParameters.DEFAULTS.lambdaL1();

  @Option(
      names = "--lambda-l2",
      paramLabel = "X",
      description = "L2 decay rate in (0, 1] (default: 0.1).")
  double lambdaL2 = MemoryParameters.DEFAULTS.lambdaL2();

  @Option(
      names = "--lambda-l3",
      paramLabel = "X",
      description = "L3 decay rate in (0, 1] (default: 0.01).")
  double lambdaL3 = MemoryParameters.DEFAULTS.lambdaL3();

  @Option(
      names = "--theta-l1",
      paramLabel = "X",
      description = "L1→L2 threshold, > 0 (default: 1.0).")
  double thetaL1 = MemoryParameters.DEFAULTS.thetaL1();

  @Option(
      names = "--theta-l2",
      paramLabel = "X",
      description = "L2→L3 threshold, > 0 (default: 2.0).")
  double thetaL2 = MemoryParameters.DEFAULTS.thetaL2();

  @Option(
      names = "--gating12",
      paramLabel = "X",
      description = "L1→L2 gating in [0, 1] (default: 0.5).")
  double gating12 = MemoryParameters.DEFAULTS.gating12();

  @Option(
      names = "--gating23",
      paramLabel = "X",
      description = "L2→L3 gating in [0, 1] (default: 0.3).")
  double gating23 = MemoryParameters.DEFAULTS.gating23();

  @Option(names = "--id", paramLabel = "ID", description = "The state's id (default: none).")
  String id;

  @Option(names = "--force", description = "Overwrite an existing FILE (kept as FILE.backup).")
  boolean force;

  @Override
  public Integer call() {
    if (dimension <= 0) {
      throw console.usage("--dimension must be > 0, got " + dimension);
    }
    if (id != null && id.isBlank()) {
      throw console.usage("--id must not be empty or blank");
    }
    MemoryParameters parameters;
    try {
      parameters =
          new MemoryParameters(lambdaL1, lambdaL2, lambdaL3, thetaL1, thetaL2, gating12, gating23);
    } catch (IllegalArgumentException e) {
      throw console.usage(e.getMessage(), e);
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !force) {
      throw new CliException(
          ExitCode.EXISTS,
          file
              + " already exists; use --force to overwrite it (it is kept as "
              + SystemStates.backupPath(file).getFileName()
              + ")");
    }
    SystemStateRecord written =
        SystemStates.save(
            SystemStates.createEmpty(dimension, parameters),
            file,
            SaveOptions.defaults().withStateId(id));
    console
        .out()
        .printf(
            "created %s: empty state, schema version %d, dimension %d, id %s%n",
            file, written.version(), written.memoryState().dimension(), Report.id(written.id()));
    return ExitCode.OK.code();
  }
}
