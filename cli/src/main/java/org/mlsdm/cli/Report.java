package org.mlsdm.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;

/** Formatting shared by the commands' text output. */
final class Report {
  private Report() {}

  static String id(String id) {
    return id == null ? "(none)" : "'" + id + "'";
  }

  /** The parameters as the file spells them. */
  static String parameters(MemoryParameters p) {
    return String.format(
        Locale.ROOT,
        "lambda_l1=%s lambda_l2=%s lambda_l3=%s theta_l1=%s theta_l2=%s gating12=%s gating23=%s",
        p.lambdaL1(),
        p.lambdaL2(),
        p.lambdaL3(),
        p.thetaL1(),
        p.thetaL2(),
        p.gating12(),
        p.gating23());
  }

  /** The three level norms, {@code L1=… L2=… L3=…}. */
  static String norms(MemoryStateRecord m) {
    return "L1="
        + Levels.format(Levels.norm(m.stateL1()))
        + "  L2="
        + Levels.format(Levels.norm(m.stateL2()))
        + "  L3="
        + Levels.format(Levels.norm(m.stateL3()));
  }

  static String ago(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    return d.isNegative() ? "in the future" : Progress.age(d) + " ago";
  }

  /** One {@code key value} line with the keys aligned. */
  static void row(PrintWriter out, String key, String value) {
    out.printf("%-12s %s%n", key, value);
  }
}
