package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.DurableFile;
import org.mlsdm.state.internal.io.FileOps;
import org.mlsdm.state.internal.io.HashingSink;
import org.mlsdm.state.internal.io.PathLocks;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.state.internal.schema.StateMaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store behind {@link SystemStates}: format choice, locking, retries, checksum verification,
 * migration and recovery over a {@link FileOps} seam. Tests build one over a failing or
 * crash-modelling {@code FileOps}; the library uses {@link #DEFAULT}.
 */
public final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

  /** The store behind {@code SystemStates}: real file operations and the UTC clock. */
  public static final StateStore DEFAULT = new StateStore(RealFileOps.INSTANCE, Clock.systemUTC());

  static final PathLocks LOCKS = new PathLocks();

  final FileOps ops;
  private final Clock clock;

  StateStore(FileOps ops, Clock clock) {
    this.ops = Objects.requireNonNull(ops, "ops");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- save

  /** Implements {@code SystemStates.save}, whose Javadoc is the contract. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public SystemStateRecord save(SystemStateRecord state, Path path, SaveOptions options) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    StateFormat.of(path);
    Path target = target(path);
    SystemStateRecord record = stamp(state, options);
    try (PathLocks.Held lock = LOCKS.exclusive(target)) {
      commitWhole(record, target, options);
      return record;
    } catch (IOException e) {
      throw new StateSaveException("Failed to save state to " + target + ": " + e, e);
    }
  }

  /**
   * A whole-file save under a held exclusive lock: the durable commit, then the reset of the
   * journal. Returns the new base's SHA-256. Once the new main file is renamed into place the old
   * journal's chain root is no longer the base's SHA-256, so a crash before the journal is deleted
   * leaves a stale journal that no load applies; deleting it is housekeeping, and its failure is
   * only logged.
   */
  String commitWhole(SystemStateRecord record, Path target, SaveOptions options)
      throws IOException {
    DurableFile file = new DurableFile(ops, target);
    StateCodec codec = StateFormat.of(target).codec();
    file.deleteStaleTemps();
    String[] digest = new String[1];
    attempt(
        file,
        options,
        () -> digest[0] = file.commit(out -> codec.write(record, out), options.createBackup()));
    Path journal = JournalFormat.journalPath(target);
    if (Files.exists(journal, LinkOption.NOFOLLOW_LINKS)) {
      try {
        ops.delete(journal);
        ops.forceDirectory(file.directory());
      } catch (IOException e) {
        LOG.warn(
            "Could not reset the journal {} after a whole-file save: {}", journal, e.toString());
      }
    }
    return digest[0];
  }

  SystemStateRecord stamp(SystemStateRecord state, SaveOptions options) {
    Instant now = clock.instant();
    Instant updated = now.isBefore(state.createdAt()) ? state.createdAt() : now;
    String id = options.stateId() != null ? options.stateId() : state.id();
    return new SystemStateRecord(
        state.version(), id, state.createdAt(), updated, state.memoryState(), state.qilm());
  }

  private interface Attempt {
    void run() throws IOException;
  }

  private void attempt(DurableFile file, SaveOptions options, Attempt attempt) {
    List<Exception> failures = new ArrayList<>();
    long backoff = options.retryBackoff().toMillis();
    for (int i = 1; i <= options.maxAttempts(); i++) {
      try {
        attempt.run();
        return;
      } catch (IOException | UncheckedIOException e) {
        failures.add(e);
        LOG.warn(
            "Save of {} failed (attempt {} of {}): {}",
            file.main(),
            i,
            options.maxAttempts(),
            e.toString());
        if (i < options.maxAttempts()) {
          sleep(backoff);
          backoff *= 2;
        }
      }
    }
    Exception last = failures.get(failures.size() - 1);
    StateSaveException ex =
        new StateSaveException(
            "Failed to save state to "
                + file.main()
                + " after "
                + failures.size()
                + " attempt(s): "
                + last,
            last);
    for (Exception e : failures.subList(0, failures.size() - 1)) {
      ex.addSuppressed(e);
    }
    throw ex;
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateSaveException("Interrupted while retrying a save", e);
    }
  }

  // ---------------------------------------------------------------- load

  /** Implements {@code SystemStates.load}, whose Javadoc is the contract. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public SystemStateRecord load(Path path, LoadOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    StateFormat format = StateFormat.of(path);
    Path target = target(path);
    try (PathLocks.Held lock = LOCKS.shared(target)) {
      return loadLocked(format, target, options, false).record();
    } catch (IOException e) {
      throw unreadable(target, e);
    }
  }

  /**
   * A base and its journal as a load sees them.
   *
   * @param record the base with every whole frame that chains applied
   * @param baseSha256 the base's SHA-256 (lowercase hex), or null when it was not needed
   * @param baseRows the base's QILM size
   * @param scan what the journal held
   */
  public record Loaded(
      SystemStateRecord record, String baseSha256, long baseRows, JournalFormat.Scan scan) {}

  /**
   * Reads the base and applies its journal; the caller holds a lock. A journal is only read, never
   * changed: a stale journal or a torn tail is logged and left for the next writer.
   */
  Loaded loadLocked(StateFormat format, Path target, LoadOptions options, boolean needSha)
      throws IOException {
    Path jp = JournalFormat.journalPath(target);
    boolean journal = Files.exists(jp, LinkOption.NOFOLLOW_LINKS);
    Read r = read(format, target, options.verifyChecksum(), journal || needSha);
    SystemStateRecord base = decode(r.map(), target, options);
    long baseRows = base.qilm().size();
    if (!journal) {
      return new Loaded(base, r.sha256(), baseRows, JournalFormat.scan(null, jp, r.sha256(), 0, 0));
    }
    JournalFormat.Scan scan;
    try (FileChannel ch =
        FileChannel.open(jp, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      scan = JournalFormat.scan(ch, jp, r.sha256(), base.memoryState().dimension(), baseRows);
    } catch (NoSuchFileException e) {
      scan = JournalFormat.scan(null, jp, r.sha256(), 0, 0);
    }
    if (scan.kind() == JournalFormat.Kind.STALE) {
      LOG.warn("Ignoring the stale journal {}: {}", jp, scan.problem());
    } else if (scan.problem() != null) {
      LOG.warn(
          "Journal {}: {}; {} byte(s) not loaded",
          jp,
          scan.problem(),
          scan.size() - scan.validLength());
    }
    return new Loaded(JournalApply.apply(base, scan.frames(), jp), r.sha256(), baseRows, scan);
  }

  /** Implements {@code Checkpointer.status}: a load that reports what the journal held. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public Loaded inspect(Path path, LoadOptions options) {
    Objects.requireNonNull(path, "path");
    StateFormat format = StateFormat.of(path);
    Path target = target(path);
    try (PathLocks.Held lock = LOCKS.shared(target)) {
      return loadLocked(format, target, options, false);
    } catch (IOException e) {
      throw unreadable(target, e);
    }
  }

  /** A base file's parsed map and, when asked for, its SHA-256. */
  private record Read(Map<String, Object> map, String sha256) {}

  /** Reads and checks one file's bytes; the caller holds a lock. */
  private Map<String, Object> read(StateFormat format, Path file, boolean verify)
      throws IOException {
    return read(format, file, verify, false).map();
  }

  private Read read(StateFormat format, Path file, boolean verify, boolean needSha)
      throws IOException {
    if (!Files.exists(file)) {
      throw new StateLoadException(
          StateLoadException.Reason.NOT_FOUND, "State file not found: " + file, null);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Path sum = file.resolveSibling(file.getFileName() + ".checksum");
      String expected = verify && Files.exists(sum) ? DurableFile.readChecksum(sum) : null;
      // One pass that hashes while it parses where the codec can; a mismatch still wins over the
      // parsed contents, as it does below.
      boolean hash = expected != null || needSha;
      StateCodec.Hashed parsed = format.codec().readHashing(ch, hash);
      if (parsed != null) {
        if (expected != null) {
          verify(file, expected, parsed.sha256());
        }
        return new Read(parsed.map(), hash ? parsed.sha256() : null);
      }
      ch.position(0);
      // Otherwise the checksum is computed on another core, from positional reads of the same
      // file, while this thread parses; it is awaited on every path, and a mismatch still wins
      // over whatever the parse returned or threw.
      Future<String> hashed = hash ? HashingSink.HASHERS.submit(() -> sha256(ch)) : null;
      Map<String, Object> map;
      try {
        map = parse(format, ch, file);
      } catch (IOException | RuntimeException e) {
        if (expected != null) {
          verify(file, expected, HashingSink.await(hashed));
        }
        throw e;
      }
      String actual = hashed == null ? null : HashingSink.await(hashed);
      if (expected != null) {
        verify(file, expected, actual);
      }
      return new Read(map, actual);
    } catch (NoSuchFileException e) {
      throw new StateLoadException(
          StateLoadException.Reason.NOT_FOUND, "State file not found: " + file, e);
    }
  }

  private static Map<String, Object> parse(StateFormat format, FileChannel ch, Path file)
      throws IOException {
    try {
      return format.codec().read(ch, file.toString());
    } catch (StateLoadException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED, "Malformed state file " + file + ": " + e, e);
    }
  }

  /** SHA-256 of the whole file by positional reads, which leave the channel's position alone. */
  private static String sha256(FileChannel ch) throws IOException {
    MessageDigest md = HashingSink.sha256();
    ByteBuffer buf = ByteBuffer.allocate(HashingSink.BUFFER_SIZE);
    long position = 0;
    for (int n = ch.read(buf, position); n >= 0; n = ch.read(buf, position)) {
      position += n;
      buf.flip();
      md.update(buf);
      buf.clear();
    }
    return HashingSink.hex(md.digest());
  }

  private static void verify(Path file, String expected, String actual) {
    if (!expected.equals(actual)) {
      throw new StateCorruptionException(file, expected, actual);
    }
  }

  private static StateLoadException unreadable(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new StateLoadException(
          StateLoadException.Reason.NOT_FOUND, "State file not found: " + file, e);
    }
    String why = e instanceof AccessDeniedException ? "access denied" : e.toString();
    return new StateLoadException(
        StateLoadException.Reason.UNREADABLE, "Cannot read state file " + file + ": " + why, e);
  }

  /** Migrates and validates a decoded map. */
  public static SystemStateRecord decode(Map<String, Object> map, Path file, LoadOptions options) {
    int version;
    try {
      version = StateMaps.version(map);
    } catch (StateValidationException e) {
      throw invalid(file, e);
    }
    int current = SystemStates.CURRENT_SCHEMA_VERSION;
    if (version > current) {
      throw new StateLoadException(
          StateLoadException.Reason.UNSUPPORTED_VERSION,
          file
              + " was written with schema version "
              + version
              + "; this library supports versions 0 to "
              + current,
          null);
    }
    Map<String, Object> m = map;
    boolean migrated = version < current;
    if (migrated) {
      if (!options.autoMigrate()) {
        throw new StateLoadException(
            StateLoadException.Reason.UNSUPPORTED_VERSION,
            file + " has schema version " + version + " and auto-migration is off",
            null);
      }
      try {
        m = options.migrations().migrate(m, version, current);
      } catch (IllegalArgumentException e) {
        throw new StateLoadException(
            StateLoadException.Reason.UNSUPPORTED_VERSION,
            "Cannot migrate " + file + ": " + e.getMessage(),
            e);
      } catch (RuntimeException e) {
        throw new StateLoadException(
            StateLoadException.Reason.INVALID,
            "Migration of " + file + " from version " + version + " failed: " + e,
            e);
      }
    }
    try {
      return StateMaps.toRecord(m, !migrated);
    } catch (StateValidationException e) {
      throw invalid(file, e);
    }
  }

  private static StateLoadException invalid(Path file, StateValidationException e) {
    return new StateLoadException(
        StateLoadException.Reason.INVALID, "Invalid state in " + file + ": " + e.getMessage(), e);
  }

  // ---------------------------------------------------------------- recover

  /** Implements {@code SystemStates.recover}, whose Javadoc is the contract. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public SystemStateRecord recover(Path path) {
    Objects.requireNonNull(path, "path");
    StateFormat format = StateFormat.of(path);
    Path target = target(path);
    DurableFile file = new DurableFile(ops, target);
    LoadOptions options = LoadOptions.defaults();
    try (PathLocks.Held lock = LOCKS.exclusive(target)) {
      StateLoadException mainFailure;
      try {
        SystemStateRecord r = loadLocked(format, target, options, false).record();
        file.deleteStaleTemps();
        return r;
      } catch (StateLoadException e) {
        mainFailure = e;
      }
      SystemStateRecord inFlight = recoverInterrupted(format, file, options);
      if (inFlight != null) {
        // The restored main file may be the base a journal chains to.
        return withJournal(format, target, inFlight);
      }
      Path backup = file.backup();
      if (!Files.exists(backup)) {
        throw new StateRecoveryException(
            "Cannot recover "
                + target
                + ": "
                + mainFailure.getMessage()
                + "; no backup at "
                + backup,
            mainFailure);
      }
      SystemStateRecord fromBackup;
      try {
        fromBackup = decode(read(format, backup, false), backup, options);
      } catch (StateLoadException e) {
        StateRecoveryException ex =
            new StateRecoveryException(
                "Cannot recover "
                    + target
                    + ": "
                    + mainFailure.getMessage()
                    + "; the backup failed too: "
                    + e.getMessage(),
                mainFailure);
        ex.addSuppressed(e);
        throw ex;
      }
      LOG.info("Restoring {} from its backup {}", target, backup);
      restoreFrom(file, backup);
      return withJournal(format, target, fromBackup);
    } catch (IOException e) {
      throw new StateRecoveryException("Cannot recover " + target + ": " + e, e);
    }
  }

  /**
   * Looks for the files an interrupted save left: a main file or a temp whose SHA-256 equals a
   * checksum file or checksum temp. Returns the newest such state after making it the main file, or
   * null.
   */
  private SystemStateRecord recoverInterrupted(
      StateFormat format, DurableFile file, LoadOptions options) throws IOException {
    List<String> sums = new ArrayList<>();
    addChecksum(sums, file.checksum());
    for (Path p : file.temps(DurableFile.Kind.SUM)) {
      addChecksum(sums, p);
    }
    for (Path p : file.temps(DurableFile.Kind.PREV_SUM)) {
      addChecksum(sums, p);
    }
    if (sums.isEmpty()) {
      return null;
    }
    List<Path> candidates = new ArrayList<>();
    if (DurableFile.exists(file.main())) {
      candidates.add(file.main());
    }
    List<Path> temps = new ArrayList<>(file.temps(DurableFile.Kind.MAIN));
    temps.addAll(file.temps(DurableFile.Kind.PREV_MAIN));
    temps.sort(Comparator.comparing(StateStore::modified).reversed());
    candidates.addAll(temps);
    for (Path c : candidates) {
      if (!sums.contains(DurableFile.sha256(c))) {
        continue;
      }
      SystemStateRecord r;
      try {
        r = decode(read(format, c, false), file.main(), options);
      } catch (StateLoadException e) {
        continue;
      }
      LOG.info("Recovering {} from the interrupted save's {}", file.main(), c);
      restoreFrom(file, c);
      return r;
    }
    return null;
  }

  private SystemStateRecord withJournal(StateFormat format, Path target, SystemStateRecord base)
      throws IOException {
    if (!Files.exists(JournalFormat.journalPath(target), LinkOption.NOFOLLOW_LINKS)) {
      return base;
    }
    try {
      return loadLocked(format, target, LoadOptions.defaults(), false).record();
    } catch (StateLoadException e) {
      LOG.warn("Recovered {} without its journal: {}", target, e.getMessage());
      return base;
    }
  }

  private static void addChecksum(List<String> sums, Path p) {
    try {
      if (Files.exists(p)) {
        sums.add(DurableFile.readChecksum(p));
      }
    } catch (IOException e) {
      LOG.debug("Unreadable checksum candidate {}: {}", p, e.toString());
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (IOException e) {
      return Long.MIN_VALUE;
    }
  }

  /** Makes {@code source}'s bytes the main file with a matching checksum; keeps the backup. */
  private void restoreFrom(DurableFile file, Path source) throws IOException {
    attempt(file, SaveOptions.defaults(), () -> file.commitCopyOf(source));
    file.deleteStaleTemps();
  }

  // ---------------------------------------------------------------- delete

  /** Implements {@code SystemStates.delete}, whose Javadoc is the contract. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public void delete(Path path, boolean deleteBackup) {
    Objects.requireNonNull(path, "path");
    StateFormat.of(path);
    Path target = target(path);
    DurableFile file = new DurableFile(ops, target);
    try (PathLocks.Held lock = LOCKS.exclusive(target)) {
      ops.delete(target);
      ops.delete(file.checksum());
      ops.delete(JournalFormat.journalPath(target));
      if (deleteBackup) {
        ops.delete(file.backup());
      }
      file.deleteStaleTemps();
      ops.forceDirectory(file.directory());
    } catch (IOException e) {
      throw new StateSaveException("Failed to delete state " + target + ": " + e, e);
    }
  }

  // ---------------------------------------------------------------- paths

  /**
   * The file the store works on: the path itself, or, when it is a symbolic link, the file it
   * resolves to (so the link keeps pointing at the state and the siblings live beside the target).
   */
  static Path target(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    if (!Files.isSymbolicLink(abs)) {
      return abs;
    }
    try {
      return abs.toRealPath();
    } catch (IOException e) {
      Path link = abs;
      try {
        Path to = Files.readSymbolicLink(link);
        return link.resolveSibling(to).normalize();
      } catch (IOException ignored) {
        return abs;
      }
    }
  }

  /** A mutable deep copy of a state map, so that migrations never change the caller's map. */
  public static Map<String, Object> copyMap(Map<String, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : map.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Map<?, ?> inner) {
        Map<String, Object> c = new LinkedHashMap<>();
        inner.forEach((k, val) -> c.put(String.valueOf(k), val));
        v = c;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }
}
