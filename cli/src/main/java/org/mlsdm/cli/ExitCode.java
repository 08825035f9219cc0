package org.mlsdm.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateLoadException;

/**
 * The tool's exit codes. Scripts rely on them, so a code never changes meaning; the table is in
 * every command's {@code --help} and in {@code cli/README.md}.
 */
enum ExitCode {
  OK(0, "success; verify: the file is sound; diff: the states match"),
  FAILURE(1, "unexpected failure (a write failed, an internal error)"),
  USAGE(2, "invalid command line: unknown option, bad value, unsupported file name"),
  NOT_FOUND(3, "the state file does not exist"),
  UNREADABLE(4, "the state file exists but cannot be read (permissions, I/O error)"),
  CORRUPT(5, "the file does not match its .checksum file, or a journal frame is damaged"),
  MALFORMED(6, "the file is not a well-formed JSON or NPZ state file"),
  INVALID(7, "the file is well formed but breaks a schema invariant"),
  UNSUPPORTED_VERSION(
      8, "the file's schema version is newer than this tool, or cannot be migrated"),
  UNRECOVERABLE(9, "recover: neither the file nor its backup loads"),
  DIFFERENT(10, "diff: the states differ"),
  EXISTS(11, "the output file exists and --force was not given"),
  WARNINGS(12, "verify --strict: integrity warnings, or no checksum file"),
  STALE(
      13,
      "the file loads and validates but does not match its .checksum file (stale: rewritten"
          + " without it, e.g. by the Python system); 'accept' takes it"),
  INTERRUPTED(130, "simulate: stopped by Ctrl-C (SIGINT) after saving a final checkpoint");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  int code() {
    return code;
  }

  /**
   * The exit code for a load failure: one code per {@link StateLoadException.Reason}, except that a
   * stale file's checksum mismatch ({@link StateCorruptionException#stale()}) is {@link #STALE}.
   */
  static ExitCode of(StateLoadException e) {
    return switch (e.reason()) {
      case NOT_FOUND -> NOT_FOUND;
      case UNREADABLE -> UNREADABLE;
      case CORRUPT -> e instanceof StateCorruptionException c && c.stale() ? STALE : CORRUPT;
      case MALFORMED -> MALFORMED;
      case INVALID -> INVALID;
      case UNSUPPORTED_VERSION -> UNSUPPORTED_VERSION;
    };
  }

  /** The table for picocli's "Exit Codes:" usage section, code → meaning. */
  static Map<String, String> usageTable() {
    Map<String, String> table = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      table.put(String.format("%3d", c.code), c.meaning);
    }
    return table;
  }
}
