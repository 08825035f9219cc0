package org.mlsdm.state.internal.io;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place the names of a state file's companions are spelled. For {@code dir/NAME}:
 *
 * <pre>
 * NAME.checksum                      lowercase hex SHA-256 of NAME
 * NAME.backup                        the previous NAME, byte for byte
 * NAME.lock                          the inter-process lock (writers create it; never deleted)
 * NAME.journal                       the append-only journal of incremental checkpoints
 * NAME.damaged-yyyyMMddTHHmmssZ[-k]  a main file that recovery replaced, kept
 * .NAME.KIND-XXXXXXXXXXXXXXXX.tmp    a save's temporary files (KIND: main, sum, bak, pmain, psum,
 *                                    pbak; 16 random hex digits)
 * </pre>
 */
public final class Companions {
  private static final DateTimeFormatter DAMAGED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Companions() {}

  /** {@code NAME.checksum} beside {@code main}. */
  public static Path checksum(Path main) {
    return sibling(main, ".checksum");
  }

  /** {@code NAME.backup} beside {@code main}. */
  public static Path backup(Path main) {
    return sibling(main, ".backup");
  }

  /** {@code NAME.lock} beside {@code main}. */
  public static Path lock(Path main) {
    return sibling(main, ".lock");
  }

  /** {@code NAME.journal} beside {@code main}. */
  public static Path journal(Path main) {
    return sibling(main, ".journal");
  }

  /**
   * {@code NAME.damaged-<yyyyMMdd'T'HHmmss'Z'>} beside {@code main}, with {@code -k} appended for
   * the k-th name of one second ({@code k} &gt;= 2).
   */
  public static Path damaged(Path main, Instant at, int k) {
    String stamp = DAMAGED_TIME.format(at.truncatedTo(ChronoUnit.SECONDS));
    return sibling(main, ".damaged-" + stamp + (k >= 2 ? "-" + k : ""));
  }

  /** The temporary file {@code .NAME.KIND-HEX.tmp} beside {@code main}. */
  static Path temp(Path main, String kind, String hex) {
    return main.resolveSibling("." + main.getFileName() + "." + kind + "-" + hex + ".tmp");
  }

  /** Matches the temporary names of the state file {@code name}; group 1 is the kind. */
  static Pattern tempPattern(String name) {
    return Pattern.compile(
        "\\." + Pattern.quote(name) + "\\.(main|sum|bak|pmain|psum|pbak|probe)-[0-9a-f]{16}\\.tmp");
  }

  /** A directory glob that finds at least every temporary name of the state file {@code name}. */
  static String tempGlob(String name) {
    return "." + name.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1") + ".*.tmp";
  }

  private static Path sibling(Path main, String suffix) {
    Path name = main.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("State path has no file name: '" + main + "'");
    }
    return main.resolveSibling(name + suffix);
  }
}
