package org.mlsdm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlsdm.state.s3.Generation;
import org.mlsdm.state.s3.S3StateStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code generations}: lists the generations of a state on S3. */
@Command(
    name = "generations",
    description = {
      "List the generations of an s3:// state, newest first: number, id (data object), time,"
          + " size and SHA-256.",
      "With --verify, each generation's data is read and checked against its manifest; a"
          + " mismatch makes the exit code 5."
    })
final class GenerationsCommand implements Callable<Integer> {
  @Mixin Console console;
  @Mixin Options.Location target;
  @ParentCommand StateTool tool;

  @Option(
      names = "--verify",
      description = "Read each generation's data and compare it with its manifest.")
  boolean verify;

  @Override
  public Integer call() throws IOException {
    URI uri = target.uri();
    try (Remote remote = Remote.detached()) {
      remote.configure(tool.endpointUrl, tool.retain());
      S3StateStorage storage = remote.storage(uri);
      List<Generation> all = storage.generations();
      PrintWriter out = console.out();
      if (all.isEmpty()) {
        throw new CliException(
            ExitCode.NOT_FOUND, "No generations at " + Text.escape(uri.toString()));
      }
      out.printf(
          "%-10s  %-30s  %10s  %-64s  %s%n", "generation", "updated_at", "size", "sha256", "id");
      boolean bad = false;
      for (Generation g : all) {
        String status = "";
        if (g.deleted()) {
          status = "  (deletion marker)";
        } else if (verify) {
          var mismatch = Remote.mismatch(storage, g);
          bad |= mismatch.isPresent();
          status = mismatch.map(m -> "  CORRUPT: " + m).orElse("  ok");
        }
        out.printf(
            "%-10d  %-30s  %10d  %-64s  %s%s%n",
            g.generation(),
            g.createdAt(),
            g.size(),
            g.deleted() ? "-" : g.sha256(),
            Text.escape(g.deleted() ? "-" : g.dataKey()),
            status);
      }
      return bad ? ExitCode.CORRUPT.code() : ExitCode.OK.code();
    }
  }
}
