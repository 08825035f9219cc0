package org.mlsdm.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/** Formatting shared by the commands' text output. */
final class Report {
  private Report() {}

  /** A state's id for people: quoted and escaped, or {@code (none)}. */
  static String id(String id) {
    return id == null ? "(none)" : "'" + Text.escape(id) + "'";
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
