package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateFormat;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StoredVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends checkpoints to a state's journal and folds the journal into the base: the engine behind
 * {@code org.mlsdm.state.Checkpointer}, whose Javadoc is the contract.
 *
 * <p><b>Group commit.</b> A checkpoint is queued under a short lock, then its thread takes the
 * commit lock; the first thread to get it drains the whole queue, appends every frame in one write
 * and makes them durable with one fsync, so threads that checkpoint while an fsync runs share the
 * next one. Each batch holds the storage's write session (the exclusion of whole-file saves) and
 * first checks that the base file is still the one the chain starts at (same file key) and that the
 * journal has the size this writer left it at; otherwise another writer intervened and the batch
 * fails.
 *
 * <p><b>Failures.</b> A failed append or fsync is retried ({@link SaveOptions#maxAttempts()}): the
 * channel is closed, the journal cut back to its last durable size through a fresh channel, and the
 * whole batch appended and fsynced again, so no fsync is trusted after it failed. A batch that
 * finally fails fails all its checkpoints; later ones that extend its rows fail too, and the next
 * one starts from the last durable row.
 *
 * <p><b>Compaction, and what a crash at each step leaves.</b> When the journal reaches the
 * threshold (its size at least {@code threshold} × the base's size; default 1, which keeps the
 * amortized cost of checkpoints linear in the data written), the writer loads base + journal and
 * commits the result as a whole-file save through the storage's write session (locally {@link
 * org.mlsdm.state.internal.io.DurableFile}: new main and checksum temps fsynced, backup linked,
 * checksum then main renamed, directory fsynced), then deletes the journal ({@link Journal#delete},
 * locally a delete and a directory fsync):
 *
 * <pre>
 * crash                                       what a load sees
 * before the checksum rename                  old base + journal, which chains: the same state
 * between the checksum and the main rename    old main vs new checksum: load reports corruption,
 *                                             recover takes the new main temp (the folded state)
 * after the main rename, before the delete    new base; the journal's chain root is the old base's
 *                                             SHA-256, so it is stale and never applied: the new
 *                                             base already holds every frame
 * after the delete                            new base, no journal
 * </pre>
 *
 * A power loss before the directory fsync may undo any subset of the renames; each subset is one of
 * the rows above (the durable-file protocol guarantees that). Compaction after a batch runs on the
 * committing thread after the batch's checkpoints are acknowledged; a compaction that fails is
 * logged and retried after the next batch, as the journal still holds every checkpoint.
 *
 * <p><b>Object stores.</b> The journal belongs to a generation ({@link Journal#generation()}): each
 * sync publishes the next generation only while the one it extends is the newest, and compactions
 * and rewrites publish with that generation expected, so a writer that lost a race gets a {@code
 * ConcurrentUpdateException} instead of hiding another writer's checkpoint. After each whole-file
 * commit the writer moves to the journal of the generation it published. The file-identity check of
 * the base is local only; there the conditional publish does its work.
 */
public final class JournalWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
  private static final DateTimeFormatter STALE_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private final StateStore store;
  private final StateStorage storage;
  // The state file, for local storage, whose base is checked by file identity before each batch;
  // null on object stores, where the conditional publish of each checkpoint is that check.
  private final Path localFile;
  private final String target;
  private final StateFormat format;
  private final StateCodec codec;
  private final double threshold;
  private final SaveOptions options;
  // Replaced (under the commit lock) when the base moves to a new generation on an object store.
  private Journal io;

  private final Object queueLock = new Object();
  private final List<Pending> queue = new ArrayList<>();
  private long submittedRows;
  private boolean closed;

  private final ReentrantLock commitLock = new ReentrantLock();
  // The durable chain, guarded by commitLock.
  private Object baseKey;
  private long baseSize;
  private String baseSha;
  private byte[] chain;
  private long seq;
  private long rows;
  private long journalSize;
  private long checkpoints;
  private long compactions;

  private static final class Pending {
    final JournalFormat.Delta delta;
    boolean done;
    RuntimeException failure;

    Pending(JournalFormat.Delta delta) {
      this.delta = delta;
    }
  }

  /**
   * A writer and the state it opened at.
   *
   * @param writer the writer
   * @param state base + journal as loaded, or the state created
   */
  public record Opened(JournalWriter writer, SystemStateRecord state) {}

  private JournalWriter(
      StateStore store,
      StateStorage storage,
      Path localFile,
      StateFormat format,
      double threshold,
      SaveOptions options)
      throws IOException {
    this.store = store;
    this.storage = storage;
    this.localFile = localFile;
    this.target = storage.describe();
    this.format = format;
    this.codec = Codecs.of(format, options.layout());
    this.threshold = threshold;
    this.options = options;
    this.io = storage.journal();
  }

  /**
   * Opens a writer on the default store.
   *
   * @param path the state file
   * @param initial null to load base + journal; otherwise a state saved whole first
   * @param threshold the compaction threshold, journal bytes per base byte, &gt; 0
   * @param options the retry settings, and backup for compactions
   * @return the writer and the state it starts from
   */
  public static Opened open(
      Path path, SystemStateRecord initial, double threshold, SaveOptions options) {
    return open(StateStore.DEFAULT, path, initial, threshold, options);
  }

  /**
   * Opens a writer on the default store at any location whose storage keeps a journal.
   *
   * @param location the state
   * @param initial null to load base + journal; otherwise a state saved whole first
   * @param threshold the compaction threshold, journal bytes per base byte, &gt; 0
   * @param options the retry settings, and backup for compactions
   * @return the writer and the state it starts from
   */
  public static Opened open(
      StateLocation location, SystemStateRecord initial, double threshold, SaveOptions options) {
    return open(StateStore.DEFAULT, location, initial, threshold, options);
  }

  static Opened open(
      StateStore store,
      Path path,
      SystemStateRecord initial,
      double threshold,
      SaveOptions options) {
    Objects.requireNonNull(path, "path");
    return open(store, StateLocation.of(path), initial, threshold, options);
  }

  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  static Opened open(
      StateStore store,
      StateLocation location,
      SystemStateRecord initial,
      double threshold,
      SaveOptions options) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("threshold must be > 0 and finite, got " + threshold);
    }
    StateFormat format = StateStore.format(location, Optional.empty());
    StateStorage storage;
    try {
      storage = store.open(location);
    } catch (IOException e) {
      throw new StateSaveException("Cannot open the journal of " + location + ": " + e, e);
    }
    if (!storage.supportsJournal()) {
      closeQuietly(storage);
      throw new UnsupportedOperationException(
          "The storage of " + storage.describe() + " keeps no journal");
    }
    JournalWriter w = null;
    try (StateStorage.WriteSession session = storage.write()) {
      Path localFile = location.path().map(p -> Path.of(storage.describe())).orElse(null);
      w = new JournalWriter(store, storage, localFile, format, threshold, options);
      SystemStateRecord state;
      if (initial != null) {
        state = store.stamp(initial, options);
        w.committedWhole(
            store.commitWhole(state, w.codec, storage, session, options, OptionalLong.empty()),
            session);
      } else {
        Optional<StoredVersion> current = session.current();
        StateStore.Loaded l =
            store.loadWithJournal(format, storage, current, LoadOptions.defaults(), true);
        state = l.record();
        w.baseSha = l.baseSha256();
        w.baseSize = l.baseBytes();
        if (current.isPresent() && current.get().generation().isPresent()) {
          w.io.close();
          w.io = storage.journal(current.get());
        }
        w.adoptJournal(l.scan());
        w.noteBase();
      }
      w.rows = state.qilm().size();
      w.submittedRows = w.rows;
      return new Opened(w, state);
    } catch (IOException e) {
      w = closeOnFailure(w, storage);
      throw new StateSaveException(
          "Cannot open the journal of " + storage.describe() + ": " + e, e);
    } catch (RuntimeException e) {
      w = closeOnFailure(w, storage);
      throw e;
    }
  }

  /** Releases what a failed open took; returns null. */
  private static JournalWriter closeOnFailure(JournalWriter w, StateStorage storage) {
    if (w != null) {
      w.closeQuietly();
    }
    closeQuietly(storage);
    return null;
  }

  private static void closeQuietly(StateStorage storage) {
    try {
      storage.close();
    } catch (IOException ignored) {
      // Nothing was written through it; the failure that got here is the one to report.
    }
  }

  /** Makes the journal on disk what a load applied: sets a stale one aside, cuts a torn tail. */
  private void adoptJournal(JournalFormat.Scan scan) throws IOException {
    switch (scan.kind()) {
      case STALE -> {
        setAside(scan.problem());
        journalSize = 0;
        chain = HexBytes.of(baseSha);
        seq = 0;
      }
      case ABSENT -> {
        if (scan.size() > 0) {
          io.delete();
        }
        journalSize = 0;
        chain = HexBytes.of(baseSha);
        seq = 0;
      }
      case CHAINS -> {
        if (scan.tornBytes() > 0) {
          LOG.warn(
              "Cutting {} byte(s) of torn tail from {}: {}",
              scan.tornBytes(),
              storage.describe() + ".journal",
              scan.problem());
          io.truncate(scan.validLength());
          io.close();
        }
        journalSize = scan.validLength();
        chain = scan.chainEnd();
        seq = scan.frames().size();
      }
    }
  }

  private void setAside(String why) throws IOException {
    String journal = storage.describe() + ".journal";
    io.close();
    try {
      String aside = io.setAside(".stale-" + STALE_TIME.format(store.clock().instant()));
      LOG.warn("Set the stale journal {} aside as {}: {}", journal, aside, why);
    } catch (UnsupportedOperationException e) {
      // A storage that cannot keep it aside loses nothing acknowledged: a stale journal's frames
      // never applied to the current base.
      LOG.warn("Deleting the stale journal {}: {}", journal, why);
      io.delete();
    }
  }

  /**
   * Starts the chain over at a base this writer just committed whole. On an object store the
   * journal moves to the new generation, which must still be the newest: otherwise another writer
   * published after it and this writer's checkpoints would extend a base that is no longer current.
   */
  private void committedWhole(StateStore.Committed c, StateStorage.WriteSession session)
      throws IOException {
    baseSha = c.sha256();
    baseSize = c.bytes();
    chain = HexBytes.of(baseSha);
    seq = 0;
    journalSize = 0;
    if (c.generation() >= 0) {
      Optional<StoredVersion> now = session.current();
      if (now.isEmpty() || now.get().generation().orElse(-1) != c.generation()) {
        throw new ConcurrentUpdateException(
            target
                + ": another writer published after generation "
                + c.generation()
                + " that this checkpointer wrote; open it again");
      }
      io.close();
      io = storage.journal(now.get());
    }
    noteBase();
  }

  private void noteBase() throws IOException {
    if (localFile == null) {
      return;
    }
    BasicFileAttributes a =
        Files.readAttributes(localFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    baseKey = a.fileKey() != null ? a.fileKey() : a.lastModifiedTime();
    baseSize = a.size();
  }

  private boolean sameBase() throws IOException {
    if (localFile == null) {
      return true;
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(localFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Object key = a.fileKey() != null ? a.fileKey() : a.lastModifiedTime();
      return key.equals(baseKey) && a.size() == baseSize;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- checkpoints

  /**
   * Queues the delta {@code source} builds from the row count so far and returns once it is
   * durable.
   *
   * @param source builds the delta; called under the queue lock with the rows submitted so far,
   *     returns null when there is nothing to checkpoint
   * @return false when the source had nothing to checkpoint
   */
  public boolean checkpoint(LongFunction<JournalFormat.Delta> source) {
    Pending p;
    synchronized (queueLock) {
      if (closed) {
        throw new IllegalStateException("checkpointer of " + target + " is closed");
      }
      JournalFormat.Delta d = source.apply(submittedRows);
      if (d == null) {
        return false;
      }
      if (d.rowsBefore() != submittedRows) {
        throw new IllegalArgumentException(
            "delta extends " + d.rowsBefore() + " rows, the checkpointer has " + submittedRows);
      }
      submittedRows += d.rows().length;
      p = new Pending(d);
      queue.add(p);
    }
    boolean compact = false;
    commitLock.lock();
    try {
      if (!p.done) {
        commitQueued();
        compact = p.failure == null && wantsCompaction();
      }
    } finally {
      commitLock.unlock();
    }
    if (p.failure != null) {
      throw p.failure;
    }
    if (compact) {
      commitLock.lock();
      try {
        if (wantsCompaction()) {
          compactLocked();
        }
      } catch (RuntimeException e) {
        LOG.warn("Compaction of {} failed; the journal keeps every checkpoint: {}", target, e);
      } finally {
        commitLock.unlock();
      }
    }
    return true;
  }

  /** The threshold, or the storage's own limit; the caller holds the commit lock. */
  private boolean wantsCompaction() {
    if (journalSize >= threshold * baseSize) {
      return true;
    }
    try {
      return journalSize > 0 && io.full();
    } catch (IOException e) {
      return false;
    }
  }

  /** Drains the queue and commits it as one batch; the caller holds the commit lock. */
  @SuppressWarnings("try")
  private void commitQueued() {
    List<Pending> batch;
    synchronized (queueLock) {
      batch = new ArrayList<>(queue);
      queue.clear();
    }
    List<Pending> live = new ArrayList<>();
    long r = rows;
    for (Pending p : batch) {
      if (p.delta.rowsBefore() != r) {
        p.done = true;
        p.failure =
            new StateSaveException(
                "Checkpoint of " + target + " not written: an earlier checkpoint it extends failed",
                null);
        continue;
      }
      r += p.delta.rows().length;
      live.add(p);
    }
    if (live.isEmpty()) {
      return;
    }
    RuntimeException failure = null;
    try (StateStorage.WriteSession session = storage.write()) {
      append(live);
    } catch (IOException e) {
      failure = new StateSaveException("Failed to checkpoint " + target + ": " + e, e);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Pending p : live) {
      p.done = true;
      p.failure = failure;
    }
    if (failure != null) {
      failQueued(failure);
    }
  }

  /**
   * Fails every checkpoint still queued (each extends rows that are not durable) and restarts the
   * row count at the durable rows, so the next checkpoint extends what is on disk.
   */
  private void failQueued(RuntimeException cause) {
    synchronized (queueLock) {
      for (Pending p : queue) {
        p.done = true;
        p.failure =
            new StateSaveException(
                "Checkpoint of " + target + " not written: an earlier checkpoint it extends failed",
                cause);
      }
      queue.clear();
      submittedRows = rows;
    }
  }

  private void append(List<Pending> batch) throws IOException {
    if (!sameBase()) {
      throw new StateSaveException(
          "Cannot checkpoint "
              + target
              + ": the base file was replaced by another writer since this checkpointer opened it",
          null);
    }
    long onDisk = io.size();
    if (onDisk != journalSize) {
      if (journalSize == 0 && onDisk > 0) {
        // The remnant of a journal whose reset failed after a whole-file save or a compaction.
        setAside("left over after a reset of the journal");
      } else {
        throw new StateSaveException(
            "Cannot checkpoint "
                + target
                + ": the journal has "
                + onDisk
                + " bytes, this checkpointer left "
                + journalSize
                + " (another writer?)",
            null);
      }
    }
    int total = journalSize == 0 ? JournalFormat.HEADER_SIZE : 0;
    for (Pending p : batch) {
      total = Math.addExact(total, JournalFormat.frameSize(p.delta));
    }
    ByteBuffer buf = ByteBuffer.allocate(total);
    if (journalSize == 0) {
      buf.put(JournalFormat.header(baseSha));
    }
    byte[] c = chain;
    long s = seq;
    long r = rows;
    for (Pending p : batch) {
      c = JournalFormat.writeFrame(buf, p.delta, ++s, c);
      r += p.delta.rows().length;
    }
    buf.flip();
    List<IOException> failures = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try {
        io.append(buf.duplicate());
        io.sync();
        break;
      } catch (ConcurrentUpdateException e) {
        // Another writer extended the same base first: nothing of this batch was published, and
        // trying again cannot change that.
        closeQuietly();
        throw e;
      } catch (IOException e) {
        failures.add(e);
        LOG.warn("Checkpoint of {} failed (attempt {}): {}", target, attempt, e.toString());
        closeQuietly();
        try {
          // Cut back through a fresh channel whatever the failed attempt left (even when the
          // journal is as long as before: its bytes since the last good sync are not trusted).
          if (journalSize > 0 || io.size() > 0) {
            io.truncate(journalSize);
          }
          closeQuietly();
        } catch (IOException t) {
          e.addSuppressed(t);
          closeQuietly();
        }
        if (attempt >= options.maxAttempts()) {
          IOException last = failures.get(failures.size() - 1);
          for (IOException earlier : failures.subList(0, failures.size() - 1)) {
            last.addSuppressed(earlier);
          }
          throw last;
        }
      }
    }
    chain = c;
    seq = s;
    rows = r;
    journalSize += total;
    checkpoints += batch.size();
  }

  private void closeQuietly() {
    try {
      io.close();
    } catch (IOException ignored) {
      // The channel is dropped either way; the next step reopens the journal.
    }
  }

  // ---------------------------------------------------------------- compaction

  /** Folds the journal into the base now, whatever its size. */
  public void compact() {
    commitLock.lock();
    try {
      compactLocked();
    } finally {
      commitLock.unlock();
    }
  }

  /**
   * Folds the journal into the base through a whole-file durable save; the caller holds the commit
   * lock. See the class Javadoc for what a crash at each step leaves.
   */
  @SuppressWarnings("try")
  private void compactLocked() {
    try (StateStorage.WriteSession session = storage.write()) {
      if (!sameBase() || io.size() != journalSize) {
        throw new StateSaveException(
            "Cannot compact " + target + ": the base or the journal was changed by another writer",
            null);
      }
      Optional<StoredVersion> current = session.current();
      OptionalLong generation = io.generation();
      if (generation.isPresent()
          && (current.isEmpty()
              || current.get().generation().orElse(-1) != generation.getAsLong())) {
        throw new StateSaveException(
            "Cannot compact " + target + ": another writer published after this checkpointer",
            null);
      }
      StateStore.Loaded l =
          store.loadWithJournal(format, storage, current, LoadOptions.defaults(), false);
      if (l.scan().validLength() != journalSize || l.record().qilm().size() != rows) {
        throw new StateSaveException(
            "Cannot compact " + target + ": the journal does not hold what this writer wrote",
            null);
      }
      io.close();
      committedWhole(
          store.commitWhole(l.record(), codec, storage, session, options, generation), session);
      compactions++;
    } catch (IOException e) {
      throw new StateSaveException("Failed to compact " + target + ": " + e, e);
    }
  }

  /**
   * Replaces the state with a whole-file save (which resets the journal); later checkpoints extend
   * {@code state}.
   *
   * @param state the new state
   * @return the record as written
   */
  @SuppressWarnings("try")
  public SystemStateRecord rewrite(SystemStateRecord state) {
    Objects.requireNonNull(state, "state");
    commitLock.lock();
    try {
      commitQueued();
      try (StateStorage.WriteSession session = storage.write()) {
        OptionalLong generation = io.generation();
        io.close();
        SystemStateRecord stamped = store.stamp(state, options);
        committedWhole(
            store.commitWhole(stamped, codec, storage, session, options, generation), session);
        rows = stamped.qilm().size();
        failQueued(new StateSaveException("the state was rewritten whole", null));
        return stamped;
      } catch (IOException e) {
        throw new StateSaveException("Failed to save state to " + target + ": " + e, e);
      }
    } finally {
      commitLock.unlock();
    }
  }

  // ---------------------------------------------------------------- status

  /**
   * Returns the QILM rows as of the last durable checkpoint.
   *
   * @return the row count
   */
  public long rows() {
    commitLock.lock();
    try {
      return rows;
    } finally {
      commitLock.unlock();
    }
  }

  /**
   * Returns figures for tests and reports: journal bytes, base bytes, frames, checkpoints,
   * compactions.
   *
   * @return five counters, in that order
   */
  public long[] counters() {
    commitLock.lock();
    try {
      return new long[] {journalSize, baseSize, seq, checkpoints, compactions};
    } finally {
      commitLock.unlock();
    }
  }

  /** Closes the journal channel; later checkpoints throw. Waits for a running batch. */
  @Override
  public void close() {
    synchronized (queueLock) {
      closed = true;
    }
    commitLock.lock();
    try {
      commitQueued();
      io.close();
      storage.close();
    } catch (IOException e) {
      LOG.warn("Closing the journal of {}: {}", target, e.toString());
    } finally {
      commitLock.unlock();
    }
  }

  /** Hex to bytes for chain roots. */
  static final class HexBytes {
    private HexBytes() {}

    static byte[] of(String hex) {
      return java.util.HexFormat.of().parseHex(hex);
    }
  }
}
