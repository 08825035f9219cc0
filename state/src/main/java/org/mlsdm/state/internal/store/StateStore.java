package org.mlsdm.state.internal.store;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.mlsdm.state.BackupCheck;
import org.mlsdm.state.ChecksumCheck;
import org.mlsdm.state.JournalCheck;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.RecoveryResult;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateFormat;
import org.mlsdm.state.StateInspection;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.BoundedChannel;
import org.mlsdm.state.internal.io.FileOps;
import org.mlsdm.state.internal.io.LinkPolicy;
import org.mlsdm.state.internal.io.LocalStorageProvider;
import org.mlsdm.state.internal.io.NotRegularFileException;
import org.mlsdm.state.internal.io.Sha256;
import org.mlsdm.state.internal.io.Workers;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.schema.Integrity;
import org.mlsdm.state.internal.schema.Schema;
import org.mlsdm.state.internal.schema.StateMaps;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.CorruptVersionException;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StoredVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core behind {@code SystemStates}: format choice, codecs, checksum verification, migration,
 * retries and recovery decisions, over a {@link StateStorage} that keeps the bytes, the locks, the
 * companion files and the temporary files. Local paths go to the {@code file} storage ({@link
 * LocalStorageProvider}; tests build one over a failing or crash-modelling {@link FileOps}); other
 * schemes to the providers {@link StorageProviders} finds.
 */
public final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

  /** The longest wait between two attempts, however many there are. */
  static final long MAX_BACKOFF_MILLIS = 2000;

  /** The store behind {@code SystemStates}: the real file system, the UTC clock, every provider. */
  public static final StateStore DEFAULT =
      new StateStore(
          new LocalStorageProvider(), StorageProviders.installed(), Clock.systemUTC(), Codecs::of);

  private final LocalStorageProvider local;
  private final StorageProviders providers;
  private final Clock clock;
  private final Function<StateFormat, StateCodec> codecs;

  StateStore(FileOps ops, Clock clock) {
    this(ops, clock, Codecs::of);
  }

  /** A store whose codecs a test can replace, e.g. by one that fails on a chosen file. */
  StateStore(FileOps ops, Clock clock, Function<StateFormat, StateCodec> codecs) {
    this(new LocalStorageProvider(ops, clock), StorageProviders.installed(), clock, codecs);
  }

  private StateStore(
      LocalStorageProvider local,
      StorageProviders providers,
      Clock clock,
      Function<StateFormat, StateCodec> codecs) {
    this.local = Objects.requireNonNull(local, "local");
    this.providers = Objects.requireNonNull(providers, "providers");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.codecs = Objects.requireNonNull(codecs, "codecs");
  }

  Clock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- locations

  /**
   * The format of a location: the explicit one, or by the name's extension; a local path is also
   * checked for a file name and for being a directory.
   */
  static StateFormat format(StateLocation location, Optional<StateFormat> explicit) {
    Optional<Path> path = location.path();
    if (path.isPresent()) {
      Path p = path.get();
      if (explicit.isEmpty()) {
        return StateFormat.of(p);
      }
      Path name = p.getFileName();
      if (name == null || name.toString().isEmpty()) {
        throw new IllegalArgumentException("State path has no file name: '" + p + "'");
      }
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException("State path is a directory: " + p);
      }
      return explicit.get();
    }
    return explicit.orElseGet(() -> StateFormat.ofName(location.name()));
  }

  StateStorage open(StateLocation location) throws IOException {
    Optional<Path> path = location.path();
    if (path.isPresent()) {
      return local.open(path.get());
    }
    return providers.forScheme(location.scheme()).open(location.uri());
  }

  /**
   * A storage's location as a {@code Path}, for the reports that take one; messages and metrics use
   * the description itself, which keeps a URI's {@code //}.
   */
  private static Path pathOf(String described) {
    return Path.of(described);
  }

  // ---------------------------------------------------------------- save

  /** Implements {@code SystemStates.save} for a local path. */
  public SystemStateRecord save(SystemStateRecord state, Path path, SaveOptions options) {
    return save(state, StateLocation.of(Objects.requireNonNull(path, "path")), options);
  }

  /** Implements {@code SystemStates.save}, whose Javadoc is the contract. */
  public SystemStateRecord save(
      SystemStateRecord state, StateLocation location, SaveOptions options) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    requireLoadableVersion(state);
    StateFormat format = format(location, Optional.empty());
    SystemStateRecord record = stamp(state, options);
    StateCodec codec = Codecs.of(format, options.layout());
    String where = location.toString();
    long start = System.nanoTime();
    try (StateStorage storage = open(location);
        StateStorage.WriteSession session = storage.write()) {
      where = storage.describe();
      warnIntegrity(record, where);
      Committed done = commitWhole(record, codec, storage, session, options);
      LOG.info("State saved to {} ({} bytes, {} attempt(s))", where, done.bytes(), done.attempts());
      MetricsListeners.save(
          where, done.bytes(), Duration.ofNanos(System.nanoTime() - start), done.attempts());
      return record;
    } catch (IOException e) {
      throw new StateSaveException("Failed to save state to " + where + ": " + e, e);
    }
  }

  /**
   * What a whole-file commit wrote.
   *
   * @param sha256 the new version's SHA-256, lowercase hex
   * @param bytes the bytes the codec wrote
   * @param attempts how many attempts it took
   * @param generation the generation published, or -1 where the storage numbers none
   */
  record Committed(String sha256, long bytes, int attempts, long generation) {}

  /**
   * A whole-file save in a held write session: the durable commit, then the reset of the journal.
   * Once the new version is current the old journal's chain root is no longer the base's SHA-256,
   * so a crash before the journal is removed leaves a stale journal that no load applies; removing
   * it is housekeeping, and its failure is only logged.
   */
  Committed commitWhole(
      SystemStateRecord record,
      StateCodec codec,
      StateStorage storage,
      StateStorage.WriteSession session,
      SaveOptions options)
      throws IOException {
    return commitWhole(record, codec, storage, session, options, OptionalLong.empty());
  }

  /**
   * As {@link #commitWhole(SystemStateRecord, StateCodec, StateStorage, StateStorage.WriteSession,
   * SaveOptions)}, publishing only while {@code expected} is the newest generation (object stores;
   * a journal's compaction must not hide another writer's checkpoint).
   */
  Committed commitWhole(
      SystemStateRecord record,
      StateCodec codec,
      StateStorage storage,
      StateStorage.WriteSession session,
      SaveOptions options,
      OptionalLong expected)
      throws IOException {
    String where = storage.describe();
    session.cleanUp();
    String[] digest = new String[1];
    long[] bytes = new long[1];
    long[] generation = {-1};
    int attempts =
        attempt(
            where,
            options,
            () -> {
              try (StateStorage.Write write = session.begin()) {
                Counting out = new Counting(write.out());
                codec.write(record, out);
                StateStorage.Published p = write.commit(options.createBackup(), expected);
                digest[0] = p.sha256();
                generation[0] = p.generation();
                bytes[0] = out.count;
              }
            });
    if (storage.supportsJournal()) {
      try (Journal j = storage.journal()) {
        if (j.size() > 0) {
          j.delete();
        }
      } catch (IOException e) {
        LOG.warn(
            "Could not reset the journal of {} after a whole-file save: {}", where, e.toString());
      }
    }
    return new Committed(digest[0], bytes[0], attempts, generation[0]);
  }

  /** A record of a newer schema would be written and then refused by every load: refuse it now. */
  private static void requireLoadableVersion(SystemStateRecord state) {
    if (state.version() > SystemStates.CURRENT_SCHEMA_VERSION) {
      throw new StateValidationException(
          "version",
          "version must be at most "
              + SystemStates.CURRENT_SCHEMA_VERSION
              + " (the newest this library loads), got "
              + state.version());
    }
  }

  /** Logs the integrity warnings at WARN, as the Python store does on save and load. */
  private static void warnIntegrity(SystemStateRecord record, String file) {
    if (LOG.isWarnEnabled()) {
      for (String w : Integrity.warnings(record)) {
        LOG.warn("State integrity warning for {}: {}", file, w);
      }
    }
  }

  /** Counts the bytes a codec writes, for the log and {@code StateMetrics}; closes nothing. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
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

  /**
   * Runs {@code attempt} up to {@link SaveOptions#maxAttempts()} times, waiting the backoff before
   * each retry, doubled each time up to {@link #MAX_BACKOFF_MILLIS} (or the initial backoff, when
   * the caller chose a longer one). Returns how many attempts ran.
   */
  private static int attempt(String where, SaveOptions options, Attempt attempt) {
    List<Exception> failures = new ArrayList<>();
    long backoff = options.retryBackoff().toMillis();
    long cap = Math.max(backoff, MAX_BACKOFF_MILLIS);
    for (int i = 1; i <= options.maxAttempts(); i++) {
      try {
        attempt.run();
        return i;
      } catch (ConcurrentUpdateException e) {
        // Another writer won; trying again cannot change that.
        throw new StateSaveException("Failed to save state to " + where + ": " + e, e);
      } catch (IOException | UncheckedIOException e) {
        failures.add(e);
        LOG.warn(
            "Save of {} failed (attempt {} of {}): {}",
            where,
            i,
            options.maxAttempts(),
            e.toString());
        if (i < options.maxAttempts()) {
          MetricsListeners.retry(where, i, e);
          sleep(backoff);
          backoff = Math.min(backoff * 2, cap);
        }
      }
    }
    Exception last = failures.get(failures.size() - 1);
    StateSaveException ex =
        new StateSaveException(
            "Failed to save state to "
                + where
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

  /** Implements {@code SystemStates.load} for a local path. */
  public SystemStateRecord load(Path path, LoadOptions options) {
    return load(StateLocation.of(Objects.requireNonNull(path, "path")), options);
  }

  /** Implements {@code SystemStates.load}, whose Javadoc is the contract. */
  public SystemStateRecord load(StateLocation location, LoadOptions options) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    StateFormat format = format(location, options.format());
    long start = System.nanoTime();
    return readOnly(
        location,
        (storage, view) -> {
          Loaded l = loadWithJournal(format, storage, view.current(), options, false);
          String file = storage.describe();
          LOG.info("State loaded from {} ({} bytes)", file, l.baseBytes());
          warnIntegrity(l.record(), file);
          MetricsListeners.load(
              file, l.baseBytes(), Duration.ofNanos(System.nanoTime() - start), l.migrated());
          return l.record();
        });
  }

  /**
   * A base and its journal as a load sees them.
   *
   * @param record the base with every whole frame that chains applied
   * @param baseSha256 the base's SHA-256 (lowercase hex), or null when it was not needed
   * @param baseRows the base's QILM size
   * @param scan what the journal held
   * @param baseBytes the base's size
   * @param migrated whether the base was migrated from an older schema version
   */
  public record Loaded(
      SystemStateRecord record,
      String baseSha256,
      long baseRows,
      JournalFormat.Scan scan,
      long baseBytes,
      boolean migrated) {}

  /**
   * Reads the base ({@code current}, from a read view or a write session) and applies its journal.
   * A journal is only read, never changed: a stale journal or a torn tail is logged and left for
   * the next writer.
   */
  Loaded loadWithJournal(
      StateFormat format,
      StateStorage storage,
      Optional<StoredVersion> current,
      LoadOptions options,
      boolean needSha)
      throws IOException {
    String file = storage.describe();
    StoredVersion v = current.orElseThrow(() -> notFound(file, null));
    Journal journal = storage.supportsJournal() ? storage.journal(v) : null;
    try {
      boolean hasJournal = journal != null && journal.size() > 0;
      String expected = options.verifyChecksum() ? v.recordedSha256().orElse(null) : null;
      Reading r = readVersion(format, v, file, expected != null || hasJournal || needSha);
      // A mismatch wins over whatever the parse returned or threw; the checksum does not vouch for
      // a stale file either, so it is refused too, only named as stale.
      if (expected != null && !expected.equals(r.sha256())) {
        throw mismatch(
            file,
            file,
            expected,
            r.sha256(),
            storage.digestMayLag() && stale(expected, r, file, options) != null);
      }
      if (r.failure() != null) {
        throw r.failure();
      }
      DecodedRecord decoded = decode(r.map(), file, options);
      SystemStateRecord base = decoded.record();
      long baseRows = base.qilm().size();
      Path jp = Path.of(storage.describe() + ".journal");
      if (!hasJournal) {
        return new Loaded(
            base,
            r.sha256(),
            baseRows,
            JournalFormat.scan(null, jp, r.sha256(), 0, 0),
            r.size(),
            decoded.migrated());
      }
      JournalFormat.Scan scan;
      try (SeekableByteChannel ch = journal.read()) {
        scan = JournalFormat.scan(ch, jp, r.sha256(), base.memoryState().dimension(), baseRows);
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
      return new Loaded(
          JournalApply.apply(base, scan.frames(), jp),
          r.sha256(),
          baseRows,
          scan,
          r.size(),
          decoded.migrated());
    } finally {
      if (journal != null) {
        journal.close();
      }
    }
  }

  /** Implements {@code Checkpointer.status}: a load that reports what the journal held. */
  public Loaded loadJournaled(Path path, LoadOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    StateLocation location = StateLocation.of(path);
    StateFormat format = format(location, options.format());
    return readOnly(
        location,
        (storage, view) -> loadWithJournal(format, storage, view.current(), options, false));
  }

  private interface Read<T> {
    T run(StateStorage storage, StateStorage.ReadView view) throws IOException;
  }

  /**
   * Runs a read through a read view, which writes nothing; once more through a new view when the
   * first was not {@linkplain StateStorage.ReadView#stable() stable}. The second pass is final.
   */
  private <T> T readOnly(StateLocation location, Read<T> read) {
    String where = location.toString();
    try (StateStorage storage = open(location)) {
      where = storage.describe();
      for (int pass = 1; ; pass++) {
        try (StateStorage.ReadView view = storage.read()) {
          T result = null;
          StateLoadException failure = null;
          try {
            result = read.run(storage, view);
          } catch (StateLoadException e) {
            failure = e;
          }
          if (pass > 1 || view.stable()) {
            if (failure != null) {
              throw failure;
            }
            return result;
          }
        }
      }
    } catch (IOException e) {
      throw unreadable(where, e);
    }
  }

  /**
   * What one read of a version found: the state map or why the bytes are not a state, the SHA-256
   * when asked for, and the size.
   */
  private record Reading(Decoded map, StateLoadException failure, String sha256, long size) {}

  /** Threads that read a version a second time to hash it (see {@link #readVersion}). */
  private static final ExecutorService SECOND_READERS =
      Workers.cachedDaemons("mlsdm-state-second-reader");

  private static String hashOf(StoredVersion v) throws IOException {
    try (SeekableByteChannel ch = v.openUnverified()) {
      return Sha256.of(ch);
    }
  }

  /** Waits for a task whose outcome no longer matters: the caller is already failing. */
  private static void awaitQuietly(Future<String> task) {
    try {
      Workers.await(task);
    } catch (IOException | RuntimeException e) {
      // The caller's own failure is the one reported.
    }
  }

  /**
   * Reads one version through one open channel, hashing it when asked: in the parse where the codec
   * can; otherwise, for a file, on another core from positional reads of the same channel while
   * this thread parses, and for another channel after the parse. Content errors are returned; I/O
   * errors are thrown, a vanished version as not found.
   */
  private Reading readVersion(StateFormat format, StoredVersion v, String file, boolean hash)
      throws IOException {
    // When this read hashes, the caller compares the digests: a storage's own check would only
    // turn a mismatch into a failed read without the evidence.
    try (SeekableByteChannel ch = hash ? v.openUnverified() : v.open()) {
      long size = ch.size();
      StateCodec codec = codecs.apply(format);
      try {
        StateCodec.Hashed parsed = codec.readHashing(ch, hash);
        if (parsed != null) {
          return new Reading(parsed.decoded(), null, parsed.sha256(), size);
        }
      } catch (StateLoadException e) {
        return new Reading(null, e, hash ? Sha256.of(ch) : null, size);
      }
      ch.position(0);
      // The checksum is computed on another core from an independent reader of the same bytes
      // while this thread parses; it is awaited on every path below.
      Future<String> hashed = null;
      if (hash && ch instanceof FileChannel fc) {
        hashed = Workers.shared().submit(() -> Sha256.of(fc));
      } else if (hash && ch instanceof BoundedChannel bounded) {
        SeekableByteChannel view = bounded.independentView();
        hashed = Workers.shared().submit(() -> Sha256.of(view));
      } else if (hash) {
        // Another storage's channel (an object store's ranged reads, where each jump of the NPZ
        // reader is a request): a second reader of the same version reads it from 0 to the end
        // beside the parse, instead of a second full read after it. Its thread waits on I/O, so it
        // is not one of the bounded hashing workers.
        hashed = SECOND_READERS.submit(() -> hashOf(v));
      }
      Decoded map = null;
      StateLoadException failure = null;
      try {
        map = parse(codec, ch, v.describe());
      } catch (StateLoadException e) {
        failure = e;
      } catch (IOException | RuntimeException | Error e) {
        if (hashed != null) {
          awaitQuietly(hashed);
        }
        throw e;
      }
      String sha256 = hashed != null ? Workers.await(hashed) : null;
      return new Reading(map, failure, sha256, size);
    } catch (NoSuchFileException e) {
      throw notFound(file, e);
    }
  }

  private static StateLoadException notFound(String file, Exception cause) {
    return new StateLoadException(
        StateLoadException.Reason.NOT_FOUND, "State file not found: " + file, cause);
  }

  private static Decoded parse(StateCodec codec, SeekableByteChannel ch, String source)
      throws IOException {
    try {
      return codec.read(ch, source);
    } catch (StateLoadException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED, "Malformed state file " + source + ": " + e, e);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // A backstop behind the readers' own limits: what the parse allocated is garbage once it
      // unwinds, and a checksum mismatch found meanwhile must still be what the caller sees.
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED,
          "State file " + source + " exhausted the JVM: " + e,
          e);
    }
  }

  /**
   * Logs and counts a checksum mismatch of {@code source}, a version of the state at {@code where}
   * (the same text for the current version), and returns the exception that reports it.
   */
  private static StateCorruptionException mismatch(
      String where, String source, String expected, String actual, boolean stale) {
    LOG.warn(
        "Checksum mismatch for {}: expected {}, got {}{}",
        source,
        expected,
        actual,
        stale ? " (the file loads and validates: stale, not damaged)" : "");
    MetricsListeners.checksumFailure(where, source, expected, actual);
    return new StateCorruptionException(source, expected, actual, stale);
  }

  /**
   * The record of a file whose digest differs from the recorded one {@code expected}, when it is
   * stale (it loads and validates, and the record is a well-formed digest, as {@code inspect}
   * requires); null when it is damaged.
   */
  private static DecodedRecord stale(String expected, Reading r, String file, LoadOptions options) {
    if (r.failure() != null || !Sha256.isDigest(expected)) {
      return null;
    }
    try {
      return decode(r.map(), file, options);
    } catch (StateLoadException e) {
      LOG.debug("{} does not load: {}", file, e.getMessage());
      return null;
    }
  }

  private static StateLoadException unreadable(String file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return notFound(file, e);
    }
    String why = e instanceof AccessDeniedException ? "access denied" : e.toString();
    return new StateLoadException(
        StateLoadException.Reason.UNREADABLE, "Cannot read state file " + file + ": " + why, e);
  }

  /**
   * A decoded record and whether a migration produced it.
   *
   * @param record the record
   * @param migrated whether the file was of an older schema version
   */
  public record DecodedRecord(SystemStateRecord record, boolean migrated) {}

  /**
   * The schema version a decoded file states: the current one when it was decoded typed.
   *
   * @throws StateValidationException if its raw form has no valid version
   */
  static int version(Decoded decoded) {
    return decoded.isRaw() ? StateMaps.version(decoded.rawMap()) : Schema.CURRENT_VERSION;
  }

  /** Builds the record of a decoded file, migrating its raw form first when it is older. */
  public static DecodedRecord decode(Decoded decoded, Path file, LoadOptions options) {
    return decode(decoded, file.toString(), options);
  }

  /** As {@link #decode(Decoded, Path, LoadOptions)}, naming the source by its description. */
  static DecodedRecord decode(Decoded decoded, String file, LoadOptions options) {
    if (!decoded.isRaw()) {
      try {
        return new DecodedRecord(decoded.record(), false);
      } catch (StateValidationException e) {
        throw invalid(file, e);
      }
    }
    Map<String, Object> map = decoded.rawMap();
    int version;
    try {
      version = StateMaps.version(map);
    } catch (StateValidationException e) {
      throw invalid(file, e);
    }
    int current = Schema.CURRENT_VERSION;
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
      LOG.info("Migrating state {} from version {} to {}", file, version, current);
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
      // A migration function may have put arrays it still holds: those are copied.
      return new DecodedRecord(
          StateMaps.toRecord(m, migrated ? StateMaps.Arrays.CALLER : StateMaps.Arrays.DECODED),
          migrated);
    } catch (StateValidationException e) {
      throw invalid(file, e);
    }
  }

  private static StateLoadException invalid(String file, StateValidationException e) {
    return new StateLoadException(
        StateLoadException.Reason.INVALID, "Invalid state in " + file + ": " + e.getMessage(), e);
  }

  // ---------------------------------------------------------------- inspect

  /** Implements {@code SystemStates.inspect} for a local path. */
  public StateInspection inspect(Path path, LoadOptions options) {
    return inspect(StateLocation.of(Objects.requireNonNull(path, "path")), options);
  }

  /** Implements {@code SystemStates.inspect}, whose Javadoc is the contract. */
  public StateInspection inspect(StateLocation location, LoadOptions options) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    StateFormat format = format(location, options.format());
    return readOnly(location, (storage, view) -> inspectOnce(format, storage, view, options));
  }

  private StateInspection inspectOnce(
      StateFormat format, StateStorage storage, StateStorage.ReadView view, LoadOptions options)
      throws IOException {
    String file = storage.describe();
    StoredVersion v = view.current().orElseThrow(() -> notFound(file, null));
    String expected = null;
    boolean sumUnreadable = false;
    try {
      expected = v.recordedSha256().orElse(null);
      sumUnreadable = expected != null && !Sha256.isDigest(expected);
    } catch (IOException e) {
      LOG.debug("Unreadable checksum of {}: {}", file, e.toString());
      sumUnreadable = true;
    }
    Reading r = readVersion(format, v, file, true);
    OptionalInt versionFound = OptionalInt.empty();
    DecodedRecord decoded = null;
    StateLoadException failure = r.failure();
    if (failure == null) {
      try {
        versionFound = OptionalInt.of(version(r.map()));
      } catch (StateValidationException e) {
        LOG.debug("No schema version in {}: {}", file, e.getMessage());
      }
      try {
        decoded = decode(r.map(), file, options);
      } catch (StateLoadException e) {
        failure = e;
      }
    }
    Optional<String> actual = Optional.of(r.sha256());
    ChecksumCheck checksum;
    if (sumUnreadable) {
      checksum = new ChecksumCheck(ChecksumCheck.Status.UNREADABLE, Optional.empty(), actual);
    } else if (expected == null) {
      checksum = new ChecksumCheck(ChecksumCheck.Status.MISSING, Optional.empty(), actual);
    } else {
      ChecksumCheck.Status status;
      if (expected.equals(r.sha256())) {
        status = ChecksumCheck.Status.OK;
      } else {
        status =
            decoded != null && storage.digestMayLag()
                ? ChecksumCheck.Status.STALE
                : ChecksumCheck.Status.MISMATCH;
      }
      checksum = new ChecksumCheck(status, Optional.of(expected), actual);
    }
    return new StateInspection(
        pathOf(file),
        format,
        r.size(),
        versionFound,
        decoded != null && decoded.migrated(),
        checksum,
        decoded == null ? List.of() : Integrity.warnings(decoded.record()),
        Optional.ofNullable(decoded).map(DecodedRecord::record),
        Optional.ofNullable(failure),
        checkBackup(format, view, options),
        checkJournal(storage, r.sha256(), decoded == null ? null : decoded.record()));
  }

  /**
   * Reads the journal beside a base as a load would, reporting instead of throwing what a load
   * would throw. {@code base} is null when the base does not load: the journal is then only sized.
   */
  private static JournalCheck checkJournal(
      StateStorage storage, String baseSha256, SystemStateRecord base) throws IOException {
    if (!storage.supportsJournal()) {
      return JournalCheck.ABSENT;
    }
    Path jp = Path.of(storage.describe() + ".journal");
    try (Journal journal = storage.journal()) {
      long size = journal.size();
      if (size == 0) {
        return JournalCheck.ABSENT;
      }
      if (base == null) {
        return new JournalCheck(
            JournalCheck.Status.UNCHECKED,
            size,
            0,
            0,
            Optional.of("the base does not load"),
            Optional.empty(),
            Optional.empty());
      }
      JournalFormat.Scan scan;
      SystemStateRecord applied;
      try (SeekableByteChannel ch = journal.read()) {
        scan =
            JournalFormat.scan(
                ch, jp, baseSha256, base.memoryState().dimension(), base.qilm().size());
        applied = JournalApply.apply(base, scan.frames(), jp);
      } catch (StateLoadException e) {
        return new JournalCheck(
            JournalCheck.Status.CORRUPT,
            size,
            0,
            0,
            Optional.of(e.getMessage()),
            Optional.empty(),
            Optional.of(e));
      }
      Optional<String> problem = Optional.ofNullable(scan.problem());
      return switch (scan.kind()) {
        case STALE ->
            new JournalCheck(
                JournalCheck.Status.STALE, size, 0, 0, problem, Optional.empty(), Optional.empty());
        // A torn header holds no frame: nothing applies and the whole file is the torn tail.
        case ABSENT ->
            new JournalCheck(
                JournalCheck.Status.TORN,
                size,
                0,
                size,
                problem,
                Optional.of(applied),
                Optional.empty());
        case CHAINS ->
            new JournalCheck(
                problem.isPresent() ? JournalCheck.Status.TORN : JournalCheck.Status.APPLIED,
                size,
                scan.frames().size(),
                scan.tornBytes(),
                problem,
                Optional.of(applied),
                Optional.empty());
      };
    }
  }

  private BackupCheck checkBackup(
      StateFormat format, StateStorage.ReadView view, LoadOptions options) throws IOException {
    Optional<StoredVersion> backup = view.backup();
    if (backup.isEmpty()) {
      return BackupCheck.ABSENT;
    }
    String file = backup.get().describe();
    try {
      Reading r = readVersion(format, backup.get(), file, false);
      if (r.failure() != null) {
        throw r.failure();
      }
      Instant updated = decode(r.map(), file, options).record().updatedAt();
      return new BackupCheck(true, Optional.of(updated), Optional.empty());
    } catch (StateLoadException e) {
      return new BackupCheck(true, Optional.empty(), Optional.of(e));
    } catch (IOException e) {
      return new BackupCheck(true, Optional.empty(), Optional.of(unreadable(file, e)));
    }
  }

  // ---------------------------------------------------------------- recover

  /** Implements {@code SystemStates.recoverReport} for a local path. */
  public RecoveryResult recover(Path path) {
    return recover(StateLocation.of(Objects.requireNonNull(path, "path")));
  }

  /** Implements {@code SystemStates.recoverReport}, whose Javadoc is the contract. */
  public RecoveryResult recover(StateLocation location) {
    Objects.requireNonNull(location, "location");
    StateFormat format = format(location, Optional.empty());
    LoadOptions options = LoadOptions.defaults();
    String where = location.toString();
    try (StateStorage storage = open(location);
        StateStorage.WriteSession session = storage.write()) {
      where = storage.describe();
      String target = where;
      StateLoadException mainFailure = notFound(target, null);
      StateLoadException backupFailure = null;
      boolean backupSeen = false;
      Candidate stale = null;
      for (StoredVersion c : session.candidates()) {
        if (stale != null
            && (c.kind() == StoredVersion.Kind.BACKUP
                || c.kind() == StoredVersion.Kind.GENERATION)) {
          // A stale main is newer than any backup: never rolled back without the user asking.
          break;
        }
        String file = c.describe();
        Candidate r;
        try {
          // A local backup records no checksum; an object store's older generations do, and one
          // whose data no longer matches its manifest is skipped for the next.
          String expected = recorded(c, file);
          if (c.kind() == StoredVersion.Kind.INTERRUPTED && expected == null) {
            continue;
          }
          r = candidate(format, c, file, expected, target, options, storage.digestMayLag());
        } catch (StateLoadException | CorruptVersionException | NotRegularFileException e) {
          StateLoadException failure =
              e instanceof StateLoadException sle ? sle : unreadable(file, (IOException) e);
          switch (c.kind()) {
            case CURRENT -> mainFailure = failure;
            case BACKUP, GENERATION -> {
              if (backupFailure != null) {
                failure.addSuppressed(backupFailure);
              }
              backupSeen = true;
              backupFailure = failure;
            }
            case INTERRUPTED -> LOG.debug("Skipping {}: {}", file, failure.getMessage());
          }
          continue;
        }
        if (c.kind() == StoredVersion.Kind.CURRENT) {
          if (r.stale()) {
            // An interrupted save's state, vouched for by a checksum, still comes first: the
            // main file may be the previous state that save was replacing.
            stale = r;
            continue;
          }
          session.cleanUp();
          return new RecoveryResult(
              withJournal(format, storage, session, r.record()),
              RecoveryResult.Source.MAIN,
              Optional.of(pathOf(file)),
              Optional.empty(),
              Optional.of(file),
              c.generation());
        }
        LOG.info("Recovering {} from {}", target, file);
        List<Optional<String>> kept = new ArrayList<>(1);
        attempt(where, SaveOptions.defaults(), () -> kept.add(session.restore(c)));
        MetricsListeners.recovery(target, file);
        RecoveryResult.Source source =
            c.kind() == StoredVersion.Kind.INTERRUPTED
                ? RecoveryResult.Source.INTERRUPTED_SAVE
                : RecoveryResult.Source.BACKUP;
        // The restored version may be the base a journal chains to.
        return new RecoveryResult(
            withJournal(format, storage, session, r.record()),
            source,
            Optional.of(pathOf(file)),
            kept.get(kept.size() - 1).map(StateStore::pathOf),
            Optional.of(file),
            c.generation());
      }
      if (stale != null) {
        LOG.warn(
            "Recover kept {} as it is: it loads and validates but does not match its checksum"
                + " (stale); accept it to load it",
            target);
        session.cleanUp();
        return new RecoveryResult(
            stale.record(),
            RecoveryResult.Source.STALE_MAIN,
            Optional.of(pathOf(target)),
            Optional.empty(),
            Optional.of(target),
            OptionalLong.empty());
      }
      if (!backupSeen) {
        throw new StateRecoveryException(
            "Cannot recover " + target + ": " + mainFailure.getMessage() + "; no backup",
            mainFailure);
      }
      StateRecoveryException ex =
          new StateRecoveryException(
              "Cannot recover "
                  + target
                  + ": "
                  + mainFailure.getMessage()
                  + "; the backup failed too: "
                  + backupFailure.getMessage(),
              mainFailure);
      ex.addSuppressed(backupFailure);
      throw ex;
    } catch (IOException e) {
      throw new StateRecoveryException("Cannot recover " + where + ": " + e, e);
    }
  }

  /**
   * {@code base}, the current version, with its journal applied when one chains to it; the base as
   * it is when there is no journal or applying it fails (logged).
   */
  private SystemStateRecord withJournal(
      StateFormat format,
      StateStorage storage,
      StateStorage.WriteSession session,
      SystemStateRecord base)
      throws IOException {
    if (!storage.supportsJournal()) {
      return base;
    }
    try (Journal j = storage.journal()) {
      if (j.size() == 0) {
        return base;
      }
    }
    try {
      return loadWithJournal(format, storage, session.current(), LoadOptions.defaults(), false)
          .record();
    } catch (StateLoadException | IOException e) {
      // The recovered base stands on its own; a journal that cannot be read is left for inspection.
      LOG.warn("Recovered {} without its journal: {}", storage.describe(), e.toString());
      return base;
    }
  }

  /**
   * The digest recorded for a recovery candidate. A checksum that is not a regular file (a FIFO, a
   * link) is not read: load refuses it, while recover judges the file without it rather than roll
   * back to the backup.
   */
  private static String recorded(StoredVersion c, String file) throws IOException {
    try {
      return c.recordedSha256().orElse(null);
    } catch (NotRegularFileException e) {
      LOG.warn("Ignoring the checksum of {}: {}", file, e.getMessage());
      return null;
    }
  }

  /**
   * A recovery candidate's state.
   *
   * @param record the state
   * @param stale whether it is the main file, valid but not matching its checksum
   */
  private record Candidate(SystemStateRecord record, boolean stale) {}

  /**
   * Reads and decodes one recovery candidate, isolating its failure so that the next candidate is
   * still tried. The current version may be stale (valid although its checksum differs); any other
   * candidate must match the digest vouching for it. Every failure is isolated: every {@code
   * Exception} and every {@code Error} a hostile file can provoke while it is parsed or decoded,
   * {@code OutOfMemoryError} and {@code StackOverflowError} included (what they allocated is
   * garbage once they unwind), becomes the candidate's {@link StateLoadException}. The other {@link
   * VirtualMachineError}s ({@code InternalError}, {@code UnknownError}) say the JVM itself is
   * broken and are rethrown; so is an {@code IOException} other than a refused non-regular file,
   * which says the storage could not be read (recover then changes nothing).
   */
  private Candidate candidate(
      StateFormat format,
      StoredVersion c,
      String file,
      String expected,
      String target,
      LoadOptions options,
      boolean mayBeStale)
      throws IOException {
    try {
      Reading read = readVersion(format, c, file, expected != null);
      // A version is decoded under the state's own name, as a load of it would be.
      String as = c.kind() == StoredVersion.Kind.BACKUP ? file : target;
      if (expected != null && !expected.equals(read.sha256())) {
        DecodedRecord valid =
            mayBeStale && c.kind() == StoredVersion.Kind.CURRENT
                ? stale(expected, read, as, options)
                : null;
        StateCorruptionException e = mismatch(target, file, expected, read.sha256(), valid != null);
        if (valid == null) {
          throw e;
        }
        return new Candidate(valid.record(), true);
      }
      if (read.failure() != null) {
        throw read.failure();
      }
      return new Candidate(decode(read.map(), as, options).record(), false);
    } catch (StateLoadException | IOException e) {
      throw e;
    } catch (VirtualMachineError e) {
      if (!(e instanceof OutOfMemoryError) && !(e instanceof StackOverflowError)) {
        throw e;
      }
      throw failed(file, e);
    } catch (RuntimeException | Error e) {
      throw failed(file, e);
    }
  }

  private static StateLoadException failed(String file, Throwable e) {
    LOG.warn("Recovery candidate {} failed: {}", file, e.toString());
    return new StateLoadException(
        StateLoadException.Reason.MALFORMED, "Cannot load " + file + ": " + e, e);
  }

  // ---------------------------------------------------------------- accept

  /** Implements {@code SystemStates.accept}, whose Javadoc is the contract. */
  public SystemStateRecord accept(Path path) {
    StateLocation location = StateLocation.of(Objects.requireNonNull(path, "path"));
    StateFormat format = format(location, Optional.empty());
    String where = location.toString();
    try (StateStorage storage = open(location);
        StateStorage.WriteSession session = storage.write()) {
      where = storage.describe();
      String file = where;
      StoredVersion v = session.current().orElseThrow(() -> notFound(file, null));
      Reading r = readVersion(format, v, file, true);
      if (r.failure() != null) {
        throw r.failure();
      }
      decode(r.map(), file, LoadOptions.defaults());
      String recorded;
      try {
        recorded = v.recordedSha256().orElse(null);
      } catch (IOException e) {
        // An unreadable checksum is what accepting replaces.
        recorded = null;
      }
      if (!r.sha256().equals(recorded)) {
        // The digest of exactly the bytes validated above: if the file changes meanwhile, the
        // checksum does not vouch for the new bytes and the load below says so.
        attempt(where, SaveOptions.defaults(), () -> session.recordChecksum(r.sha256()));
        LOG.warn(
            "Accepted {} as it is: its checksum now records {} (it said {})",
            file,
            r.sha256(),
            recorded == null ? "nothing readable" : recorded);
      }
      return loadWithJournal(format, storage, session.current(), LoadOptions.defaults(), false)
          .record();
    } catch (IOException e) {
      throw new StateSaveException("Failed to accept " + where + ": " + e, e);
    }
  }

  // ---------------------------------------------------------------- delete

  /** Implements {@code SystemStates.delete} for a local path. */
  public void delete(Path path, boolean deleteBackup) {
    delete(StateLocation.of(Objects.requireNonNull(path, "path")), deleteBackup);
  }

  /** Implements {@code SystemStates.delete}, whose Javadoc is the contract. */
  public void delete(StateLocation location, boolean deleteBackup) {
    Objects.requireNonNull(location, "location");
    format(location, Optional.empty());
    String where = location.toString();
    try (StateStorage storage = open(location);
        StateStorage.WriteSession session = storage.write()) {
      where = storage.describe();
      session.delete(deleteBackup);
      if (storage.supportsJournal()) {
        try (Journal j = storage.journal()) {
          j.delete();
        }
      }
    } catch (IOException e) {
      throw new StateSaveException("Failed to delete state " + where + ": " + e, e);
    }
  }

  /** The file the store works on: see {@link LinkPolicy#stateFile}. */
  static Path target(Path path) {
    return LinkPolicy.stateFile(path);
  }

  // ---------------------------------------------------------------- maps

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
