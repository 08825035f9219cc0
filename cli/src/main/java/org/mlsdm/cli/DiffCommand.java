package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diff}: whether two states match, and by how much each level differs. */
@Command(
    name = "diff",
    description = {
      "Compare two states: whether they match, and per level the largest difference.",
      "Compares (any mix of JSON and NPZ) the dimension, parameters, the memory levels"
          + " L1/L2/L3 (largest absolute difference per level) and the QILM (row count, largest"
          + " absolute difference of vectors and phases).",
      "The id and timestamps are shown but only compared with --metadata.",
      "Exits 0 when the states match, 10 when they differ."
    })
final class DiffCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "A",
      description = "A state file (a .json or .npz file name).")
  Path a;

  @Parameters(
      index = "1",
      paramLabel = "B",
      description = "Another state file (a .json or .npz file name).")
  Path b;

  @Option(
      names = "--tolerance",
      paramLabel = "X",
      defaultValue = "0",
      description = "Largest absolute difference that still matches (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--metadata", description = "Also require equal version, id and timestamps.")
  boolean metadata;

  @Override
  public Integer call() {
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new CliException(
          ExitCode.USAGE, "--tolerance must be a finite number >= 0, got " + tolerance);
    }
    PrintWriter out = console.out();
    Progress progress = console.progress();
    SystemStateRecord x = StateFiles.load(a, progress);
    SystemStateRecord y = StateFiles.load(b, progress);
    List<String> differences = new ArrayList<>();
    compareMetadata(out, x, y, differences);
    compareMemory(out, x.memoryState(), y.memoryState(), differences);
    compareQilm(out, x.qilm(), y.qilm(), differences);
    if (differences.isEmpty()) {
      out.println("result: the states match");
      return ExitCode.OK.code();
    }
    out.println("result: the states differ (" + String.join(", ", differences) + ")");
    return ExitCode.DIFFERENT.code();
  }

  private void compareMetadata(
      PrintWriter out, SystemStateRecord x, SystemStateRecord y, List<String> differences) {
    String how = metadata ? "" : " (not compared)";
    metadataRow(out, "version", x.version(), y.version(), how, differences);
    metadataRow(out, "id", Report.id(x.id()), Report.id(y.id()), how, differences);
    metadataRow(out, "created_at", x.createdAt(), y.createdAt(), how, differences);
    metadataRow(out, "updated_at", x.updatedAt(), y.updatedAt(), how, differences);
  }

  private void metadataRow(
      PrintWriter out, String key, Object x, Object y, String how, List<String> differences) {
    boolean equal = Objects.equals(x, y);
    Report.row(out, key, equal ? "equal: " + x : "differs" + how + ": " + x + " vs " + y);
    if (!equal && metadata) {
      differences.add(key);
    }
  }

  private void compareMemory(
      PrintWriter out, MemoryStateRecord x, MemoryStateRecord y, List<String> differences) {
    if (x.dimension() != y.dimension()) {
      Report.row(
          out,
          "dimension",
          "differs: " + x.dimension() + " vs " + y.dimension() + " (levels not compared)");
      differences.add("dimension");
    } else {
      Report.row(out, "dimension", "equal: " + x.dimension());
    }
    List<String> params = differingParameters(x.parameters(), y.parameters());
    Report.row(
        out, "parameters", params.isEmpty() ? "equal" : "differ: " + String.join(", ", params));
    if (!params.isEmpty()) {
      differences.add("parameters");
    }
    if (x.dimension() == y.dimension()) {
      level(out, "L1", x.stateL1(), y.stateL1(), differences);
      level(out, "L2", x.stateL2(), y.stateL2(), differences);
      level(out, "L3", x.stateL3(), y.stateL3(), differences);
    }
  }

  private void level(
      PrintWriter out, String name, double[] x, double[] y, List<String> differences) {
    double d = Levels.maxAbsDiff(x, y);
    boolean match = d <= tolerance;
    Report.row(out, name, "max |a-b| = " + Levels.format(d) + (match ? "" : "  DIFFERS"));
    if (!match) {
      differences.add(name);
    }
  }

  private void compareQilm(
      PrintWriter out, QilmStateRecord x, QilmStateRecord y, List<String> differences) {
    if (x.size() != y.size()) {
      Report.row(out, "qilm", "row count differs: " + x.size() + " vs " + y.size());
      differences.add("qilm rows");
    }
    int common = Math.min(x.size(), y.size());
    double vectors = 0;
    double phases = 0;
    int lengthMismatches = 0;
    for (int i = 0; i < common; i++) {
      double[] u = x.row(i);
      double[] v = y.row(i);
      if (u.length != v.length) {
        lengthMismatches++;
      } else {
        vectors = Math.max(vectors, Levels.maxAbsDiff(u, v));
      }
      phases = Math.max(phases, Math.abs(x.phase(i) - y.phase(i)));
    }
    String scope = x.size() == y.size() ? common + " rows" : "the first " + common + " rows";
    boolean match = vectors <= tolerance && phases <= tolerance && lengthMismatches == 0;
    Report.row(
        out,
        "qilm",
        String.format(
            Locale.ROOT,
            "%s: vectors max |a-b| = %s, phases max |a-b| = %s%s%s",
            scope,
            Levels.format(vectors),
            Levels.format(phases),
            lengthMismatches == 0 ? "" : ", " + lengthMismatches + " rows of different length",
            match ? "" : "  DIFFERS"));
    if (!match) {
      differences.add("qilm");
    }
  }

  private static List<String> differingParameters(MemoryParameters x, MemoryParameters y) {
    List<String> names = new ArrayList<>();
    addIfDifferent(names, "lambda_l1", x.lambdaL1(), y.lambdaL1());
    addIfDifferent(names, "lambda_l2", x.lambdaL2(), y.lambdaL2());
    addIfDifferent(names, "lambda_l3", x.lambdaL3(), y.lambdaL3());
    addIfDifferent(names, "theta_l1", x.thetaL1(), y.thetaL1());
    addIfDifferent(names, "theta_l2", x.thetaL2(), y.thetaL2());
    addIfDifferent(names, "gating12", x.gating12(), y.gating12());
    addIfDifferent(names, "gating23", x.gating23(), y.gating23());
    return names;
  }

  private static void addIfDifferent(List<String> names, String name, double x, double y) {
    if (Double.compare(x, y) != 0) {
      names.add(name + " " + x + " vs " + y);
    }
  }
}
