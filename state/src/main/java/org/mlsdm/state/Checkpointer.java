package org.mlsdm.state;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongFunction;
import org.mlsdm.state.internal.store.JournalFormat;
import org.mlsdm.state.internal.store.JournalWriter;
import org.mlsdm.state.internal.store.StateStore;

/**
 * Incremental checkpoints: each checkpoint appends what changed since the last one to a journal
 * beside the state file, so it costs the change, not the state.
 *
 * <p><b>Files.</b> For {@code dir/state.npz} the base is {@code state.npz}, a normal state file
 * (with its {@code .checksum} and {@code .backup}) that the Python system and every older reader
 * read as the state at the last compaction or whole-file save. The journal is {@code
 * state.npz.journal}: a header naming the base's SHA-256, then one frame per checkpoint, each
 * CRC32C-checked and chained to the one before (the byte layout is documented on the internal
 * {@code JournalFormat}). {@link SystemStates#load(Path)} returns the base with every whole frame
 * that chains applied, so every reader of this library sees the newest checkpoint.
 *
 * <p><b>Guarantees.</b> A checkpoint appends one frame and fsyncs it once before it returns; when
 * several threads checkpoint through one checkpointer, the frames queued while an fsync runs share
 * the next one (group commit). A checkpoint never builds or copies the whole record. A load applies
 * the verified base and every whole frame that chains to it; a torn or corrupt last frame (a crash
 * mid-append) is logged, reported by {@link #status(Path)} and {@link SystemStates#inspect(Path)}
 * and never applied, and a load never changes the journal: the next writer cuts the tail under the
 * state's lock. A corrupt frame followed by others is a {@link StateLoadException}. A journal whose
 * chain does not start at the current base (the base was replaced by a whole-file {@link
 * SystemStates#save}, which also deletes the journal as part of its commit, by a restore, or by
 * another tool) is never applied; the next writer renames it {@code NAME.journal.stale-<UTC time>}
 * and logs a warning.
 *
 * <p><b>Compaction.</b> When the journal reaches {@code threshold} times the base's size (default
 * 1.0: the journal as large as the base, which keeps the amortized cost of checkpointing linear in
 * what is written), the checkpoint that crossed it folds the journal into a new base through the
 * durable whole-file save after its own frame is durable, and the journal starts over. A crash at
 * any step leaves a state that loads as the last acknowledged checkpoint: until the new base is
 * renamed into place the old base and journal are intact; after it, the journal's chain root is the
 * old base's SHA-256, so the old journal is ignored and the new base holds every frame.
 *
 * <p><b>Use.</b> One checkpointer per state file at a time (across processes: a checkpoint fails if
 * it finds that another writer replaced the base or appended to the journal). {@link
 * org.mlsdm.memory.MemoryManager#checkpoint(Checkpointer)} computes the delta of a manager. All
 * methods are thread-safe.
 */
public final class Checkpointer implements AutoCloseable {
  /** The default compaction threshold: journal bytes per base byte. */
  public static final double DEFAULT_THRESHOLD = 1.0;

  private final JournalWriter writer;
  private final SystemStateRecord opened;

  private Checkpointer(JournalWriter.Opened o) {
    this.writer = o.writer();
    this.opened = o.state();
  }

  /**
   * Saves {@code initial} as a whole file (resetting any journal) and opens a checkpointer on it,
   * with the default threshold.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @param initial the state to start from
   * @return the checkpointer
   * @throws StateSaveException if the save fails
   * @throws IllegalArgumentException for an unsupported extension
   * @throws NullPointerException if an argument is null
   */
  public static Checkpointer create(Path path, SystemStateRecord initial) {
    return create(path, initial, DEFAULT_THRESHOLD);
  }

  /**
   * Saves {@code initial} as a whole file (resetting any journal) and opens a checkpointer on it.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @param initial the state to start from
   * @param threshold compact when the journal reaches this many bytes per base byte, &gt; 0
   * @return the checkpointer
   * @throws StateSaveException if the save fails
   * @throws IllegalArgumentException for an unsupported extension or a bad threshold
   * @throws NullPointerException if an argument is null
   */
  public static Checkpointer create(Path path, SystemStateRecord initial, double threshold) {
    Objects.requireNonNull(initial, "initial");
    return new Checkpointer(JournalWriter.open(path, initial, threshold, SaveOptions.defaults()));
  }

  /**
   * Opens a checkpointer on an existing state: loads base + journal, sets a stale journal aside and
   * cuts a torn tail; {@link #state()} returns what was loaded.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the checkpointer
   * @throws StateLoadException if the state cannot be loaded
   * @throws StateSaveException if the journal cannot be repaired
   * @throws IllegalArgumentException for an unsupported extension
   * @throws NullPointerException if {@code path} is null
   */
  public static Checkpointer open(Path path) {
    return open(path, DEFAULT_THRESHOLD);
  }

  /**
   * Opens a checkpointer on an existing state with a compaction threshold.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @param threshold compact when the journal reaches this many bytes per base byte, &gt; 0
   * @return the checkpointer
   * @throws StateLoadException if the state cannot be loaded
   * @throws StateSaveException if the journal cannot be repaired
   * @throws IllegalArgumentException for an unsupported extension or a bad threshold
   * @throws NullPointerException if {@code path} is null
   */
  public static Checkpointer open(Path path, double threshold) {
    return new Checkpointer(JournalWriter.open(path, null, threshold, SaveOptions.defaults()));
  }

  /**
   * Saves {@code initial} whole at any location whose storage keeps a journal (a local file, or
   * {@code s3://} with the S3 module) and opens a checkpointer on it, with the default threshold.
   * On an object store each checkpoint publishes a generation whose manifest names the base object
   * and the delta objects since it (see the S3 module's documentation).
   *
   * @param location a state whose name ends in {@code .json} or {@code .npz}
   * @param initial the state to start from
   * @return the checkpointer
   * @throws StateSaveException if the save fails
   * @throws IllegalArgumentException for an unsupported extension
   * @throws UnsupportedOperationException if the location's storage keeps no journal
   * @throws NullPointerException if an argument is null
   */
  public static Checkpointer create(StateLocation location, SystemStateRecord initial) {
    return create(location, initial, DEFAULT_THRESHOLD);
  }

  /**
   * Saves {@code initial} whole at {@code location} and opens a checkpointer on it.
   *
   * @param location a state whose name ends in {@code .json} or {@code .npz}
   * @param initial the state to start from
   * @param threshold compact when the journal reaches this many bytes per base byte, &gt; 0
   * @return the checkpointer
   * @throws StateSaveException if the save fails
   * @throws IllegalArgumentException for an unsupported extension or a bad threshold
   * @throws UnsupportedOperationException if the location's storage keeps no journal
   * @throws NullPointerException if an argument is null
   */
  public static Checkpointer create(
      StateLocation location, SystemStateRecord initial, double threshold) {
    Objects.requireNonNull(initial, "initial");
    return new Checkpointer(
        JournalWriter.open(location, initial, threshold, SaveOptions.defaults()));
  }

  /**
   * Opens a checkpointer on an existing state at any location whose storage keeps a journal, with
   * the default threshold; {@link #state()} returns base + journal as loaded.
   *
   * @param location a state whose name ends in {@code .json} or {@code .npz}
   * @return the checkpointer
   * @throws StateLoadException if the state cannot be loaded
   * @throws StateSaveException if the journal cannot be repaired
   * @throws IllegalArgumentException for an unsupported extension
   * @throws UnsupportedOperationException if the location's storage keeps no journal
   * @throws NullPointerException if {@code location} is null
   */
  public static Checkpointer open(StateLocation location) {
    return open(location, DEFAULT_THRESHOLD);
  }

  /**
   * Opens a checkpointer on an existing state at {@code location} with a compaction threshold.
   *
   * @param location a state whose name ends in {@code .json} or {@code .npz}
   * @param threshold compact when the journal reaches this many bytes per base byte, &gt; 0
   * @return the checkpointer
   * @throws StateLoadException if the state cannot be loaded
   * @throws StateSaveException if the journal cannot be repaired
   * @throws IllegalArgumentException for an unsupported extension or a bad threshold
   * @throws UnsupportedOperationException if the location's storage keeps no journal
   * @throws NullPointerException if {@code location} is null
   */
  public static Checkpointer open(StateLocation location, double threshold) {
    return new Checkpointer(JournalWriter.open(location, null, threshold, SaveOptions.defaults()));
  }

  /**
   * Returns the state this checkpointer opened at: the one loaded by {@link #open(Path)} or saved
   * by {@link #create(Path, SystemStateRecord)}.
   *
   * @return the state at open
   */
  public SystemStateRecord state() {
    return opened;
  }

  /**
   * Appends a delta as one frame and returns when it is durable.
   *
   * @param delta the change; its {@code fromRow} must equal {@link #rows()} plus the rows of
   *     checkpoints still in flight
   * @throws IllegalArgumentException if {@code fromRow} does not extend the checkpointed rows, or
   *     the levels' length is not the state's dimension
   * @throws StateSaveException if the append failed after its retries, or another writer changed
   *     the state; the checkpoint is then not in the journal
   * @throws IllegalStateException if the checkpointer is closed
   * @throws NullPointerException if {@code delta} is null
   */
  public void checkpoint(StateDelta delta) {
    Objects.requireNonNull(delta, "delta");
    writer.checkpoint(rows -> delta.frame());
  }

  /**
   * Builds a delta from the number of rows checkpointed so far (including checkpoints in flight)
   * and appends it; the building and the queueing are atomic with respect to other checkpoints of
   * this checkpointer, so concurrent callers never leave a gap.
   *
   * @param source returns the delta from the given row, or null when there is nothing to save
   * @return false when {@code source} returned null
   * @throws StateSaveException if the append failed after its retries
   * @throws IllegalStateException if the checkpointer is closed
   * @throws NullPointerException if {@code source} is null
   */
  public boolean checkpoint(LongFunction<StateDelta> source) {
    Objects.requireNonNull(source, "source");
    return writer.checkpoint(
        rows -> {
          StateDelta d = source.apply(rows);
          return d == null ? null : d.frame();
        });
  }

  /**
   * Replaces the whole state with a whole-file save, resetting the journal; later deltas extend
   * {@code state}. For a state that cannot be expressed as rows appended (a restore).
   *
   * @param state the new state
   * @return the record as written
   * @throws StateSaveException if the save fails
   * @throws NullPointerException if {@code state} is null
   */
  public SystemStateRecord rewrite(SystemStateRecord state) {
    return writer.rewrite(state);
  }

  /**
   * Folds the journal into the base now, through the durable whole-file save.
   *
   * @throws StateSaveException if the save fails; the journal then still holds every checkpoint
   */
  public void compact() {
    writer.compact();
  }

  /**
   * Returns the QILM size as of the last durable checkpoint.
   *
   * @return the row count
   */
  public long rows() {
    return writer.rows();
  }

  /**
   * Returns the journal's size in bytes now (0 right after a compaction).
   *
   * @return the journal's size as this checkpointer left it
   */
  public long journalBytes() {
    return writer.counters()[0];
  }

  /**
   * Returns how many compactions this checkpointer ran.
   *
   * @return the count
   */
  public long compactions() {
    return writer.counters()[4];
  }

  /** Finishes checkpoints in flight and closes the journal; later checkpoints throw. */
  @Override
  public void close() {
    writer.close();
  }

  /**
   * Folds a state's journal into its base (what {@code mlsdm-state compact} runs).
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the status of the journal before the compaction
   * @throws StateLoadException if the state cannot be loaded
   * @throws StateSaveException if the save fails
   * @throws NullPointerException if {@code path} is null
   */
  public static JournalStatus compact(Path path) {
    JournalStatus before = status(path);
    try (Checkpointer cp = open(path)) {
      cp.compact();
    }
    return before;
  }

  /**
   * Loads a state and reports what its journal held; the journal is not changed.
   *
   * @param path a {@code .json} or {@code .npz} file
   * @return the journal's status
   * @throws StateLoadException if the state cannot be loaded
   * @throws NullPointerException if {@code path} is null
   */
  public static JournalStatus status(Path path) {
    StateStore.Loaded l = StateStore.DEFAULT.loadJournaled(path, LoadOptions.defaults());
    JournalFormat.Scan s = l.scan();
    boolean present = s.size() > 0 || s.kind() != JournalFormat.Kind.ABSENT;
    return new JournalStatus(
        present,
        s.size(),
        s.frames().size(),
        s.kind() == JournalFormat.Kind.CHAINS,
        s.kind() == JournalFormat.Kind.CHAINS ? s.tornBytes() : 0,
        s.problem());
  }
}
