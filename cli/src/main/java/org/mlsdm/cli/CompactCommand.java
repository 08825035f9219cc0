package org.mlsdm.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.JournalStatus;
import org.mlsdm.state.StateLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code compact}: folds FILE.journal into FILE. */
@Command(
    name = "compact",
    description = {
      "Fold FILE.journal (the incremental checkpoints of simulate or a Checkpointer) into FILE.",
      "FILE is rewritten through the durable whole-file save (the previous FILE kept as"
          + " FILE.backup) and the journal starts over, so FILE alone holds the newest checkpoint,"
          + " e.g. for the Python system. A torn journal tail is cut, a stale journal set aside.",
      "For an s3:// FILE: the delta objects the newest generation names are folded into a new"
          + " base object, published as the next generation."
    })
final class CompactCommand implements Callable<Integer>, Remote.Direct {
  @Mixin Console console;

  @Mixin Options.StateFile target;

  @Override
  public Integer call() {
    Path file = target.file;
    PrintWriter out = console.out();
    Optional<StateLocation> remote = Remote.location(file);
    if (remote.isPresent()) {
      try (Checkpointer checkpointer = Checkpointer.open(remote.get())) {
        long bytes = checkpointer.journalBytes();
        checkpointer.compact();
        out.printf(
            "compacted %s: %s of delta objects folded into a new base generation%n",
            Text.path(file), Progress.bytes(bytes));
      }
      out.flush();
      return ExitCode.OK.code();
    }
    JournalStatus before = Checkpointer.compact(file);
    if (before.present() && before.chains()) {
      out.printf(
          "compacted %s: %d frame(s), %s of journal folded in%n",
          Text.path(file), before.frames(), Progress.bytes(before.bytes()));
    } else {
      out.printf(
          "compacted %s: no journal to fold in (%s rewritten)%n", Text.path(file), Text.path(file));
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
