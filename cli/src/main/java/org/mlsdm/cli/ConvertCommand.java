package org.mlsdm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code convert}: JSON ↔ NPZ, verified on both sides. */
@Command(
    name = "convert",
    description = {
      "Convert a state file between JSON and NPZ, verified on both sides.",
      "The formats follow the file names' extensions.",
      "IN is loaded with its checksum verified and migrated to the current schema version; OUT is"
          + " written atomically with its checksum, then read back and compared with IN: the id,"
          + " created_at, parameters, levels and QILM must be identical (updated_at is the time of"
          + " writing).",
      "An existing OUT is left alone unless --force is given; then it is kept as OUT.backup."
    })
final class ConvertCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "IN",
      description = "The state file to read (a .json or .npz file name).")
  Path in;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      description = "The state file to write (a .json or .npz file name).")
  Path out;

  @Option(names = "--force", description = "Overwrite an existing OUT (kept as OUT.backup).")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter stdout = console.out();
    Progress progress = console.progress();
    if (sameFile()) {
      throw new CliException(ExitCode.USAGE, "IN and OUT are the same file: " + in);
    }
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !force) {
      throw new CliException(
          ExitCode.EXISTS,
          out
              + " already exists; use --force to overwrite it (it is kept as "
              + SystemStates.backupPath(out).getFileName()
              + ")");
    }
    StateFiles.requireStateFileName(out);
    SystemStateRecord source = StateFiles.load(in, progress);
    long inSize = Progress.sizeOrZero(in);
    SystemStateRecord written =
        progress.during(
            "writing " + out + " from " + in, inSize, () -> SystemStates.save(source, out));
    SystemStateRecord reread = StateFiles.load(out, progress);
    if (!reread.equals(written) || !sameContent(source, reread)) {
      throw new CliException(
          ExitCode.FAILURE,
          "verification failed: " + out + " does not read back as " + in + " holds");
    }
    stdout.printf(
        "converted %s (%s, %s) to %s (%s, %s)%n",
        in,
        StateFiles.format(in),
        Progress.bytes(inSize),
        out,
        StateFiles.format(out),
        Progress.bytes(Progress.sizeOrZero(out)));
    stdout.printf(
        "verified: both files load with matching checksums and hold the same state"
            + " (dimension %d, %d QILM rows)%n",
        reread.memoryState().dimension(), reread.qilm().size());
    return ExitCode.OK.code();
  }

  private boolean sameFile() {
    try {
      return Files.exists(out)
          ? Files.isSameFile(in, out)
          : in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize());
    } catch (IOException e) {
      return false;
    }
  }

  /** Equal apart from updated_at, which a save sets to the time of writing. */
  static boolean sameContent(SystemStateRecord a, SystemStateRecord b) {
    return a.version() == b.version()
        && Objects.equals(a.id(), b.id())
        && a.createdAt().equals(b.createdAt())
        && a.memoryState().equals(b.memoryState())
        && a.qilm().equals(b.qilm());
  }
}
