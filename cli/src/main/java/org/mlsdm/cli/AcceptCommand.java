package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code accept}: takes a stale file on request ({@link SystemStates#accept}), the one step that
 * makes a file another program rewrote loadable without rolling it back.
 */
@Command(
    name = "accept",
    description = {
      "Accept FILE as it is: record its SHA-256 in FILE.checksum.",
      "For a stale FILE: one that loads and validates but does not match FILE.checksum, because"
          + " another program rewrote it without updating the checksum (the Python system's NPZ"
          + " save never does). FILE must load and validate; otherwise nothing is written. Only"
          + " FILE.checksum is replaced, atomically; FILE, FILE.backup and FILE.journal are not"
          + " touched. A FILE that already matches is left alone; one without a checksum file"
          + " gets one. The command then verifies that FILE loads.",
      "Exits 0 when FILE is accepted; a FILE that does not load exits with its reason's code (3"
          + " missing, 4 unreadable, 6 malformed, 7 invalid, 8 unsupported version)."
    })
final class AcceptCommand implements Callable<Integer> {
  @Mixin Console console;
  @Mixin Options.StateFile target;

  @Override
  public Integer call() {
    Path file = target.file;
    PrintWriter out = console.out();
    Progress progress = console.progress();
    Health before = Health.inspect(file, progress);
    if (before.state() == null) {
      StateLoadException e = before.failure();
      throw new CliException(
          ExitCode.of(e), "not accepting " + Text.path(file) + ": " + Text.message(e), e);
    }
    SystemStateRecord accepted =
        progress.during(
            "accepting " + Text.path(file), before.size(), () -> SystemStates.accept(file));
    String name = Text.path(SystemStates.checksumPath(file).getFileName());
    switch (before.checksum()) {
      case OK -> out.printf("%s already matches %s; nothing changed%n", Text.path(file), name);
      case MISSING ->
          out.printf("accepted %s: wrote %s (%s)%n", Text.path(file), name, before.actual());
      case UNREADABLE ->
          out.printf(
              "accepted %s: replaced the unreadable %s (%s)%n",
              Text.path(file), name, before.actual());
      case STALE, MISMATCH ->
          out.printf(
              "accepted %s: %s now records %s (it recorded %s)%n",
              Text.path(file), name, before.actual(), before.expected());
    }
    out.printf(
        "%s: version %d, id %s, updated_at %s, dimension %d, %d QILM rows%n",
        Text.path(file),
        accepted.version(),
        Report.id(accepted.id()),
        accepted.updatedAt(),
        accepted.memoryState().dimension(),
        accepted.qilm().size());
    StateFiles.load(file, progress);
    out.printf("verified: %s loads and matches %s%n", Text.path(file), name);
    out.flush();
    return ExitCode.OK.code();
  }
}
