package org.mlsdm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateLayout;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code convert}: JSON ↔ NPZ, and into the Python system's layouts ({@link StateLayout}), verified
 * on both sides.
 */
@Command(
    name = "convert",
    description = {
      "Convert a state file between JSON and NPZ, or into a layout the Python system reads,"
          + " verified on both sides.",
      "The formats follow the file names' extensions; --layout picks the layout OUT is written in.",
      "IN is loaded with its checksum verified and migrated to the current schema version. OUT is"
          + " first written to a private directory beside it, read back and compared with IN: the"
          + " id, created_at, parameters, levels and QILM must be identical (updated_at is the"
          + " time of writing). Only then is OUT written, atomically with its checksum, and read"
          + " back once more. A failed check leaves OUT as it was.",
      "The PYTHON_MEMORY_MANAGER layout has no id, no timestamps and no schema version: the check"
          + " compares what it holds (dimension, parameters, levels, QILM rows and phases), and a"
          + " line says what was dropped.",
      "An existing OUT is left alone unless --force is given; then it is kept as OUT.backup."
    })
final class ConvertCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "IN",
      converter = Options.StateFileName.class,
      description = "The state file to read (a .json or .npz file name).")
  Path in;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      converter = Options.StateFileName.class,
      description = "The state file to write (a .json or .npz file name).")
  Path out;

  @Option(
      names = "--layout",
      paramLabel = "LAYOUT",
      defaultValue = "NATIVE",
      description = {
        "The layout of OUT: ${COMPLETION-CANDIDATES} (any case; default ${DEFAULT-VALUE}).",
        "NATIVE: this library's own. PYTHON_STATE_STORE: what the Python state store's"
            + " load_system_state reads (an NPZ with one pickled `state` entry; a JSON file is the"
            + " same as NATIVE). PYTHON_MEMORY_MANAGER: what the Python MemoryManager reads"
            + " (format_version, state_L1…; no id, no timestamps)."
      })
  StateLayout layout = StateLayout.NATIVE;

  @Mixin Options.Force force;

  /**
   * What the check sees of a file read back; the identity, except in a test that makes the check
   * fail to show that nothing is committed then.
   */
  UnaryOperator<SystemStateRecord> readBack = UnaryOperator.identity();

  @Override
  public Integer call() {
    PrintWriter stdout = console.out();
    Progress progress = console.progress();
    if (sameFile()) {
      throw new CliException(ExitCode.USAGE, "IN and OUT are the same file: " + Text.path(in));
    }
    StateFiles.refuseExisting(out, force.force);
    SystemStateRecord source = StateFiles.load(in, progress);
    long inSize = Progress.sizeOrZero(in);
    StateFiles.createParentDirectories(out);
    staged(source, progress, inSize);
    SystemStateRecord written =
        progress.during(
            "writing " + Text.path(out) + " from " + Text.path(in),
            inSize,
            () -> save(source, out));
    SystemStateRecord reread = readBack.apply(StateFiles.load(out, progress));
    if (!readsBackAs(source, written, reread)) {
      // The staged copy passed, so this is a file changed under us or a nondeterministic encoder.
      throw new CliException(
          ExitCode.FAILURE,
          "verification failed: "
              + Text.path(out)
              + " does not read back as "
              + Text.path(in)
              + " holds; the previous "
              + Text.path(out.getFileName())
              + ", if any, is kept as "
              + Text.path(SystemStates.backupPath(out).getFileName()));
    }
    stdout.printf(
        "converted %s (%s, %s) to %s (%s%s, %s)%n",
        Text.path(in),
        StateFiles.format(in),
        Progress.bytes(inSize),
        Text.path(out),
        StateFiles.format(out),
        layout == StateLayout.NATIVE ? "" : ", " + layout + " layout",
        Progress.bytes(Progress.sizeOrZero(out)));
    if (layout == StateLayout.PYTHON_MEMORY_MANAGER) {
      stdout.println(dropped(source));
    }
    stdout.printf(
        "verified: both files load with matching checksums and hold the same %s"
            + " (dimension %d, %d QILM rows)%n",
        layout == StateLayout.PYTHON_MEMORY_MANAGER
            ? "parameters, levels and QILM rows and phases"
            : "state",
        reread.memoryState().dimension(),
        reread.qilm().size());
    return ExitCode.OK.code();
  }

  /**
   * Saves in the chosen layout. A layout's refusal of the contents (the pickled layouts cannot
   * carry a lone surrogate in a string) is named with the layout, since the same state converts to
   * NATIVE.
   */
  private SystemStateRecord save(SystemStateRecord source, Path target) {
    try {
      return SystemStates.save(source, target, SaveOptions.defaults().withLayout(layout));
    } catch (StateValidationException e) {
      throw new CliException(
          ExitCode.FAILURE,
          "the "
              + layout
              + " layout cannot hold the state of "
              + Text.path(in)
              + " ("
              + Text.message(e)
              + "); "
              + Text.path(out)
              + " was not written",
          e);
    }
  }

  /**
   * Whether {@code reread}, OUT as loaded, holds what the layout can hold of {@code source}. The
   * MemoryManager layout has no id, timestamps or schema version, so a load gives it none, the time
   * of loading and a migration: only the memory state and the QILM can be compared.
   */
  private boolean readsBackAs(
      SystemStateRecord source, SystemStateRecord written, SystemStateRecord reread) {
    if (layout == StateLayout.PYTHON_MEMORY_MANAGER) {
      return reread.memoryState().equals(source.memoryState())
          && reread.qilm().equals(source.qilm());
    }
    return reread.equals(written) && sameContent(source, reread);
  }

  /** The line that says what the MemoryManager layout could not take of {@code source}. */
  private String dropped(SystemStateRecord source) {
    String id = source.id() == null ? "" : "the id \"" + source.id() + "\", ";
    return "dropped: "
        + id
        + "created_at "
        + source.createdAt()
        + " and updated_at "
        + source.updatedAt()
        + " (the "
        + layout
        + " layout has no id and no timestamps; a load gives no id and the time of loading)";
  }

  /**
   * Encodes {@code source} into a private directory beside OUT and checks that it reads back as
   * {@code source}, before OUT is touched: a failed check leaves OUT (and its backup) as they were.
   */
  private void staged(SystemStateRecord source, Progress progress, long size) {
    Path parent = out.toAbsolutePath().getParent();
    Path dir;
    try {
      dir = Files.createTempDirectory(parent, "." + out.getFileName() + ".convert-");
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE, "cannot write beside " + Text.path(out) + ": " + e, e);
    }
    try {
      Path copy = dir.resolve(out.getFileName());
      SystemStateRecord written =
          progress.during(
              "checking the encoding of " + Text.path(out), size, () -> save(source, copy));
      SystemStateRecord reread = readBack.apply(StateFiles.load(copy, progress));
      if (!readsBackAs(source, written, reread)) {
        throw new CliException(
            ExitCode.FAILURE,
            "verification failed: the "
                + StateFiles.format(out)
                + " encoding does not read back as "
                + Text.path(in)
                + " holds; "
                + Text.path(out)
                + " was not written");
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover hidden directory is harmless; the conversion's result stands.
    }
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
