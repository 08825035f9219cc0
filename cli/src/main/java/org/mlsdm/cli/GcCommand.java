package org.mlsdm.cli;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Callable;
import org.mlsdm.state.s3.GcReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code gc}: cleans up after crashed writers of a state on S3 and prunes old generations. */
@Command(
    name = "gc",
    description = {
      "Clean up an s3:// state: abort multipart uploads and delete data objects that crashed"
          + " writers left (older than the grace period), and prune generations beyond the"
          + " retention (--retain N)."
    })
final class GcCommand implements Callable<Integer> {
  @Mixin Console console;
  @Mixin Options.Location target;
  @ParentCommand StateTool tool;

  @Override
  public Integer call() throws IOException {
    URI uri = target.uri();
    try (Remote remote = Remote.detached()) {
      remote.configure(tool.endpointUrl, tool.retain());
      GcReport r = remote.storage(uri).gc();
      console
          .out()
          .printf(
              "gc %s: %d upload(s) aborted, %d orphaned data object(s) deleted,"
                  + " %d generation(s) pruned%n",
              Text.escape(uri.toString()),
              r.abortedUploads(),
              r.deletedDataObjects(),
              r.prunedGenerations());
      return ExitCode.OK.code();
    }
  }
}
