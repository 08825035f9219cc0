package org.mlsdm.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The option blocks that several commands share, as picocli mixins, so that each is written once:
 * the state file argument, {@code --force}, {@code --dimension} and the seven memory parameters.
 */
final class Options {
  private Options() {}

  /**
   * The largest {@code --dimension} accepted. A state holds three levels and, per QILM row, one
   * vector of this many doubles, so 1,000,000 already means 24 MB for the empty levels and 8 MB per
   * simulated step; larger values would only end in an {@code OutOfMemoryError}.
   */
  static final int MAX_DIMENSION = 1_000_000;

  /** The dimension of a new state when {@code --dimension} is not given. */
  static final int DEFAULT_DIMENSION = 16;

  /**
   * Turns a command-line file name into a path, refusing names the store does not read ({@code
   * .json} or {@code .npz}, any case) while the command line is parsed, so that such a name is a
   * usage error (exit 2) before any file is touched.
   */
  static final class StateFileName implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path path = Path.of(value);
      Path name = path.getFileName();
      String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
      if (!(lower.endsWith(".json") || lower.endsWith(".npz"))) {
        throw new TypeConversionException(
            "Unsupported file format: '"
                + Text.escape(value)
                + "' (expected a .json or .npz file name)");
      }
      return path;
    }
  }

  /** The {@code FILE} argument of the commands that work on one state file. */
  @Command
  static final class StateFile {
    @Parameters(
        index = "0",
        paramLabel = "FILE",
        converter = StateFileName.class,
        description = "The state file (a .json or .npz file name).")
    Path file;
  }

  /** {@code --force}: replace an existing output file, keeping the previous one as its backup. */
  @Command
  static final class Force {
    @Option(
        names = "--force",
        description = "Replace an existing output file (the previous one is kept as its .backup).")
    boolean force;
  }

  /** {@code --dimension N}, checked against {@link #MAX_DIMENSION}. */
  @Command
  static final class Dimension {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    private Integer dimension;

    @Option(
        names = "--dimension",
        paramLabel = "N",
        description =
            "Vector dimension of a new state, 1 to "
                + MAX_DIMENSION
                + " (default: "
                + DEFAULT_DIMENSION
                + ").")
    void setDimension(int value) {
      if (value < 1 || value > MAX_DIMENSION) {
        throw new ParameterException(
            spec.commandLine(), "--dimension must be in [1, " + MAX_DIMENSION + "], got " + value);
      }
      this.dimension = value;
    }

    /** The dimension given, or null. */
    Integer given() {
      return dimension;
    }

    int orDefault() {
      return dimension == null ? DEFAULT_DIMENSION : dimension;
    }
  }

  /**
   * The seven memory parameters. Their defaults come from {@link MemoryParameters#DEFAULTS} through
   * {@link ParameterDefaults}; the library checks their ranges when {@link #parameters()} builds
   * them.
   */
  @Command
  static final class MemoryOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
        names = "--lambda-l1",
        paramLabel = "X",
        description = "L1 decay rate in (0, 1] (default: ${DEFAULT-VALUE}).")
    double lambdaL1;

    @Option(
        names = "--lambda-l2",
        paramLabel = "X",
        description = "L2 decay rate in (0, 1] (default: ${DEFAULT-VALUE}).")
    double lambdaL2;

    @Option(
        names = "--lambda-l3",
        paramLabel = "X",
        description = "L3 decay rate in (0, 1] (default: ${DEFAULT-VALUE}).")
    double lambdaL3;

    @Option(
        names = "--theta-l1",
        paramLabel = "X",
        description = "L1→L2 threshold, > 0 (default: ${DEFAULT-VALUE}).")
    double thetaL1;

    @Option(
        names = "--theta-l2",
        paramLabel = "X",
        description = "L2→L3 threshold, > 0 (default: ${DEFAULT-VALUE}).")
    double thetaL2;

    @Option(
        names = "--gating12",
        paramLabel = "X",
        description = "L1→L2 gating in [0, 1] (default: ${DEFAULT-VALUE}).")
    double gating12;

    @Option(
        names = "--gating23",
        paramLabel = "X",
        description = "L2→L3 gating in [0, 1] (default: ${DEFAULT-VALUE}).")
    double gating23;

    /** The parameters; a value out of range is a usage error (exit 2) naming the parameter. */
    MemoryParameters parameters() {
      try {
        return new MemoryParameters(
            lambdaL1, lambdaL2, lambdaL3, thetaL1, thetaL2, gating12, gating23);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }
  }

  /**
   * Supplies the memory parameters' defaults from {@link MemoryParameters#DEFAULTS}, which an
   * annotation cannot name: option {@code --lambda-l1} takes the value of the state map's {@code
   * lambda_l1} (as {@link SystemStates#toMap} spells it) in an empty state with the defaults.
   */
  static final class ParameterDefaults implements IDefaultValueProvider {
    private final Map<?, ?> memory =
        (Map<?, ?>)
            SystemStates.toMap(SystemStates.createEmpty(1, MemoryParameters.DEFAULTS))
                .get("memory_state");

    @Override
    public String defaultValue(ArgSpec argSpec) {
      if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
        return null;
      }
      String key = option.longestName().substring(2).replace('-', '_');
      Object value = memory.get(key);
      // Only the parameters: dimension and the levels have no option default from here.
      return value instanceof Double ? value.toString() : null;
    }
  }
}
