package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diff}: whether two states match, and by how much each field differs. The comparison walks
 * both states as {@link SystemStates#toMap} gives them, so it names no field: the top-level scalars
 * (version, id, timestamps) are metadata, shown and compared only with {@code --metadata}; the
 * scalars in sections (dimension, parameters) must be equal; vectors and matrices match when their
 * largest absolute difference is within the tolerance.
 */
@Command(
    name = "diff",
    description = {
      "Compare two states: whether they match, and per field the largest difference.",
      "Compares (any mix of JSON and NPZ) the dimension and parameters (exactly), the memory"
          + " levels and the QILM (largest absolute difference of each vector, over the common"
          + " rows and values when the lengths differ, and the row counts).",
      "The version, id and timestamps are shown but only compared with --metadata.",
      "Exits 0 when the states match, 10 when they differ."
    })
final class DiffCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "A",
      converter = Options.StateFileName.class,
      description = "A state file (a .json or .npz file name).")
  Path a;

  @Parameters(
      index = "1",
      paramLabel = "B",
      converter = Options.StateFileName.class,
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
      throw console.usage("--tolerance must be a finite number >= 0, got " + tolerance);
    }
    PrintWriter out = console.out();
    Progress progress = console.progress();
    Map<String, Object> x = SystemStates.toMap(StateFiles.load(a, progress));
    Map<String, Object> y = SystemStates.toMap(StateFiles.load(b, progress));
    List<String> differences = new ArrayList<>();
    compare(out, x, y, "", differences);
    if (differences.isEmpty()) {
      out.println("result: the states match");
      return ExitCode.OK.code();
    }
    out.println("result: the states differ (" + String.join(", ", differences) + ")");
    return ExitCode.DIFFERENT.code();
  }

  /** Compares two maps of the same schema, entry by entry, in the order of {@code x}. */
  private void compare(
      PrintWriter out, Map<?, ?> x, Map<?, ?> y, String indent, List<String> differences) {
    boolean top = indent.isEmpty();
    for (Map.Entry<?, ?> e : x.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object u = e.getValue();
      Object v = y.get(e.getKey());
      String label = indent + key;
      StateView.Kind kind = StateView.Kind.of(u);
      if (kind != StateView.Kind.of(v)) {
        Report.row(out, label, "differs in kind  DIFFERS");
        differences.add(key);
        continue;
      }
      switch (kind) {
        case SECTION -> {
          out.println(label);
          compare(out, (Map<?, ?>) u, (Map<?, ?>) v, indent + "  ", differences);
        }
        case VECTOR -> vector(out, label, key, (double[]) u, (double[]) v, differences);
        case MATRIX -> matrix(out, label, key, (double[][]) u, (double[][]) v, differences);
        case SCALAR -> scalar(out, label, key, u, v, top, differences);
      }
    }
  }

  private void scalar(
      PrintWriter out,
      String label,
      String key,
      Object u,
      Object v,
      boolean top,
      List<String> differences) {
    String shownU = StateView.plain(u);
    String shownV = StateView.plain(v);
    if (Objects.equals(u, v)) {
      Report.row(out, label, "equal: " + shownU);
      return;
    }
    boolean counts = !top || metadata;
    Report.row(
        out,
        label,
        "differs" + (counts ? "" : " (not compared)") + ": " + shownU + " vs " + shownV);
    if (counts) {
      differences.add(key);
    }
  }

  private void vector(
      PrintWriter out, String label, String key, double[] u, double[] v, List<String> differences) {
    int common = Math.min(u.length, v.length);
    double d = 0;
    for (int i = 0; i < common; i++) {
      d = Math.max(d, Math.abs(u[i] - v[i]));
    }
    boolean match = d <= tolerance && u.length == v.length;
    String lengths =
        u.length == v.length ? "" : "length differs: " + u.length + " vs " + v.length + ", ";
    Report.row(
        out, label, lengths + "max |a-b| = " + Levels.format(d) + (match ? "" : "  DIFFERS"));
    if (!match) {
      differences.add(key);
    }
  }

  private void matrix(
      PrintWriter out,
      String label,
      String key,
      double[][] u,
      double[][] v,
      List<String> differences) {
    int common = Math.min(u.length, v.length);
    double d = 0;
    int lengthMismatches = 0;
    for (int i = 0; i < common; i++) {
      if (u[i].length != v[i].length) {
        lengthMismatches++;
      } else {
        d = Math.max(d, Levels.maxAbsDiff(u[i], v[i]));
      }
    }
    boolean match = d <= tolerance && lengthMismatches == 0 && u.length == v.length;
    String scope =
        u.length == v.length
            ? common + " rows"
            : "row count differs: "
                + u.length
                + " vs "
                + v.length
                + ", the first "
                + common
                + " rows";
    Report.row(
        out,
        label,
        String.format(
            Locale.ROOT,
            "%s: max |a-b| = %s%s%s",
            scope,
            Levels.format(d),
            lengthMismatches == 0 ? "" : ", " + lengthMismatches + " rows of different length",
            match ? "" : "  DIFFERS"));
    if (!match) {
      differences.add(key);
    }
  }
}
