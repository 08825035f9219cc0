package org.mlsdm.memory;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * A synaptic memory and a QILM fed together, with snapshots and persistence through {@link
 * SystemStates}: the Java counterpart of the Python {@code MemoryManager}.
 *
 * <p>Every event goes to both components: {@link #processEvent(float[], double)} updates the {@link
 * MultiLevelSynapticMemory} and entangles the event, widened to double, in the {@link Qilm}. Every
 * state change is all-or-nothing: a call that throws leaves the manager as it was.
 *
 * <p>A manager carries the metadata of its state: an optional id (written to snapshots) and the
 * instant its state began, which stays the same across snapshots and is replaced only by {@link
 * #restore(SystemStateRecord)}, which adopts the restored state's creation time and id.
 *
 * <p>Thread-safe: every method holds the manager's lock, so a snapshot or a save never sees half an
 * event. {@link #save(Path)} and {@link #load(Path)} hold it during their I/O.
 */
public final class MemoryManager {
  private final int dimension;
  private MultiLevelSynapticMemory memory;
  private Qilm qilm;
  private String id;
  private Instant createdAt;
  // Set when the state stops being "the checkpointed state plus appended rows" (a restore), so the
  // next checkpoint rewrites the whole file instead of appending a delta.
  private boolean rewriteNext;

  /**
   * Creates an empty manager with {@link MemoryParameters#DEFAULTS}, as the Python {@code
   * MemoryManager}.
   *
   * @param dimension the event length, &gt; 0
   * @throws IllegalArgumentException if {@code dimension} is not positive
   */
  public MemoryManager(int dimension) {
    this(dimension, MemoryParameters.DEFAULTS);
  }

  /**
   * Creates an empty manager whose state begins now.
   *
   * @param dimension the event length, &gt; 0
   * @param parameters the synaptic memory's decay rates, thresholds and gatings
   * @throws IllegalArgumentException if {@code dimension} is not positive
   * @throws NullPointerException if {@code parameters} is null
   */
  public MemoryManager(int dimension, MemoryParameters parameters) {
    this.memory = new MultiLevelSynapticMemory(dimension, parameters);
    this.dimension = dimension;
    this.qilm = new Qilm();
    this.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Feeds one event to both components: the synaptic memory update, then the QILM entry.
   *
   * @param event the event, {@code dimension} finite values
   * @param phase the event's QILM phase, finite
   * @throws IllegalArgumentException if the event has the wrong length, a non-finite value or would
   *     overflow the synaptic memory, or if the phase is not finite; nothing changes then
   * @throws NullPointerException if {@code event} is null
   */
  public synchronized void processEvent(float[] event, double phase) {
    memory.checkEvent(event);
    if (!Double.isFinite(phase)) {
      throw new IllegalArgumentException("phase must be finite, got " + phase);
    }
    // The checks above leave the memory update as the only step that can still fail, and it
    // changes nothing when it does; the QILM entry after it cannot fail.
    memory.update(event);
    qilm.append(MultiLevelSynapticMemory.widen(event), phase);
  }

  /**
   * Feeds one event to both components, entangling it with a labelled phase, as the Python {@code
   * MemoryManager} does with its rhythm's {@code "wake"} and {@code "sleep"}.
   *
   * @param event the event, {@code dimension} finite values
   * @param phase the event's QILM phase label, any string without U+0000
   * @throws IllegalArgumentException if the event has the wrong length, a non-finite value or would
   *     overflow the synaptic memory, or if the label holds U+0000; nothing changes then
   * @throws NullPointerException if {@code event} or {@code phase} is null
   */
  public synchronized void processEvent(float[] event, String phase) {
    memory.checkEvent(event);
    Qilm.checkLabel(phase);
    memory.update(event);
    qilm.append(MultiLevelSynapticMemory.widen(event), phase);
  }

  /**
   * Captures the whole state: schema version {@link SystemStates#CURRENT_SCHEMA_VERSION}, this
   * manager's id and creation time, and the update time now (never before the creation time, even
   * if the wall clock went back).
   *
   * @return a new record
   */
  public synchronized SystemStateRecord snapshot() {
    Instant now = Instant.now();
    Instant updatedAt = now.isBefore(createdAt) ? createdAt : now;
    return new SystemStateRecord(
        SystemStates.CURRENT_SCHEMA_VERSION,
        id,
        createdAt,
        updatedAt,
        memory.toRecord(),
        qilm.toRecord());
  }

  /**
   * Replaces the whole state with a record's: the synaptic memory's parameters and levels, the
   * QILM, the id and the creation time. All-or-nothing.
   *
   * @param state the state to adopt
   * @throws IllegalArgumentException if the record's dimension differs from this manager's, or a
   *     level value is beyond the float32 range; nothing changes then
   * @throws NullPointerException if {@code state} is null
   */
  public synchronized void restore(SystemStateRecord state) {
    Objects.requireNonNull(state, "state");
    MemoryStateRecord memoryState = state.memoryState();
    if (memoryState.dimension() != dimension) {
      throw new IllegalArgumentException(
          "dimension mismatch: this manager has dimension="
              + dimension
              + ", the state has dimension="
              + memoryState.dimension());
    }
    MultiLevelSynapticMemory restoredMemory = MultiLevelSynapticMemory.fromRecord(memoryState);
    Qilm restoredQilm = Qilm.fromRecord(state.qilm());
    memory = restoredMemory;
    qilm = restoredQilm;
    id = state.id();
    createdAt = state.createdAt();
    rewriteNext = true;
  }

  /**
   * Restores the state a checkpointer opened at ({@link Checkpointer#state()}), so that the next
   * {@link #checkpoint(Checkpointer)} appends a delta instead of rewriting the file.
   *
   * @param checkpointer a checkpointer just opened on this manager's file
   * @throws IllegalArgumentException as {@link #restore(SystemStateRecord)}
   * @throws NullPointerException if {@code checkpointer} is null
   */
  public synchronized void resumeFrom(Checkpointer checkpointer) {
    restore(checkpointer.state());
    rewriteNext = false;
  }

  /**
   * Checkpoints incrementally: appends the QILM rows added since the checkpointer's last
   * checkpoint, the three levels, the id and the update time as one journal frame, without copying
   * the QILM. The checkpointer must hold this manager's state: created from its {@link
   * #snapshot()}, or opened on its file and adopted with {@link #resumeFrom(Checkpointer)}. After a
   * {@link #restore(SystemStateRecord)} the next checkpoint rewrites the whole file instead (a
   * restored state is not the old one plus rows). Events may be processed while the checkpoint's
   * fsync runs: the manager's lock is held only while the delta is taken, and concurrent
   * checkpoints of one checkpointer share an fsync.
   *
   * @param checkpointer the state file's checkpointer
   * @throws org.mlsdm.state.StateSaveException if the append fails; the journal then holds the
   *     previous checkpoint, and a later checkpoint includes these rows
   * @throws IllegalStateException if the checkpointer holds more rows than this manager
   * @throws NullPointerException if {@code checkpointer} is null
   */
  public void checkpoint(Checkpointer checkpointer) {
    Objects.requireNonNull(checkpointer, "checkpointer");
    SystemStateRecord whole;
    synchronized (this) {
      whole = rewriteNext ? snapshot() : null;
    }
    if (whole != null) {
      checkpointer.rewrite(whole);
      synchronized (this) {
        rewriteNext = false;
      }
      return;
    }
    checkpointer.checkpoint(this::deltaFrom);
  }

  private synchronized StateDelta deltaFrom(long rows) {
    if (rows > qilm.size()) {
      throw new IllegalStateException(
          "the checkpointer holds " + rows + " QILM rows, this manager " + qilm.size());
    }
    Instant now = Instant.now();
    Instant updatedAt = now.isBefore(createdAt) ? createdAt : now;
    double[][] levels = memory.widenedLevels();
    int from = (int) rows;
    return new StateDelta(
        rows,
        id,
        updatedAt,
        levels[0],
        levels[1],
        levels[2],
        qilm.rowsFrom(from),
        qilm.phasesFrom(from),
        qilm.labelsFrom(from));
  }

  /**
   * Saves a {@link #snapshot()} with {@link SystemStates#save(SystemStateRecord, Path)}, which
   * writes atomically. The manager itself does not change.
   *
   * @param path the file, {@code .json} or {@code .npz}
   * @return the record as written
   * @throws org.mlsdm.state.StateSaveException if the save fails; the previous file is intact
   * @throws IllegalArgumentException if the path's format is unsupported
   * @throws NullPointerException if {@code path} is null
   */
  public synchronized SystemStateRecord save(Path path) {
    Objects.requireNonNull(path, "path");
    return SystemStates.save(snapshot(), path);
  }

  /**
   * Loads a state with {@link SystemStates#load(Path)} and {@link #restore(SystemStateRecord)
   * restores} it. All-or-nothing: if the load or the restore fails, the manager is unchanged.
   *
   * @param path the file, {@code .json} or {@code .npz}
   * @return the record as loaded
   * @throws org.mlsdm.state.StateLoadException if the file is missing, corrupt or invalid
   * @throws IllegalArgumentException if the path's format is unsupported, or the state's dimension
   *     differs from this manager's
   * @throws NullPointerException if {@code path} is null
   */
  public synchronized SystemStateRecord load(Path path) {
    Objects.requireNonNull(path, "path");
    SystemStateRecord loaded = SystemStates.load(path);
    restore(loaded);
    return loaded;
  }

  /**
   * Returns the event length.
   *
   * @return the dimension, &gt; 0
   */
  public int dimension() {
    return dimension;
  }

  /**
   * Returns the synaptic memory's parameters.
   *
   * @return the decay rates, thresholds and gatings in use
   */
  public synchronized MemoryParameters parameters() {
    return memory.parameters();
  }

  /**
   * Returns an independent copy of the synaptic memory; changing it does not change the manager.
   *
   * @return a new memory with the current parameters and levels
   */
  public synchronized MultiLevelSynapticMemory memory() {
    return memory.copy();
  }

  /**
   * Returns an independent copy of the QILM; changing it does not change the manager.
   *
   * @return a new QILM with the current vectors and phases
   */
  public synchronized Qilm qilm() {
    return qilm.copy();
  }

  /**
   * Returns the id written to snapshots.
   *
   * @return the id, or null when none
   */
  public synchronized String id() {
    return id;
  }

  /**
   * Sets the id written to later snapshots and saves.
   *
   * @param newId the id, or null for none
   * @throws IllegalArgumentException if {@code newId} is empty or blank
   */
  public synchronized void setId(String newId) {
    if (newId != null && newId.isBlank()) {
      throw new IllegalArgumentException("id must not be empty or blank, got '" + newId + "'");
    }
    id = newId;
  }

  /**
   * Returns when this manager's state began: its construction, or the creation time of the last
   * restored state.
   *
   * @return the creation time, at microsecond precision
   */
  public synchronized Instant createdAt() {
    return createdAt;
  }
}
