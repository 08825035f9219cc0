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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Future;
import org.mlsdm.state.BackupCheck;
import org.mlsdm.state.ChecksumCheck;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.RecoveryResult;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateFormat;
import org.mlsdm.state.StateInspection;
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

  private static final PathLocks LOCKS = new PathLocks();

  private final FileOps ops;
  private final Clock clock;

  StateStore(FileOps ops, Clock clock) {
    this.ops = Objects.requireNonNull(ops, "ops");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- save

  /** Implements {@code SystemStates.save}, whose Javadoc is the contract. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public SystemStateRecord save(SystemStateRecord state, Path path, SaveOptions options) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    StateFormat format = StateFormat.of(path);
    Path target = target(path);
    SystemStateRecord record = stamp(state, options);
    DurableFile file = new DurableFile(ops, target);
    StateCodec codec = Codecs.of(format);
    try (PathLocks.Held lock = LOCKS.exclusive(target)) {
      file.deleteStaleTemps();
      attempt(
          file,
          options,
          () -> file.commit(out -> codec.write(record, out), options.createBackup()));
      return record;
    } catch (IOException e) {
      throw new StateSaveException("Failed to save state to " + target + ": " + e, e);
    }
  }

  private SystemStateRecord stamp(SystemStateRecord state, SaveOptions options) {
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
  public SystemStateRecord load(Path path, LoadOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    StateFormat format = format(path, options);
    Path target = target(path);
    Map<String, Object> map =
        readOnly(target, () -> read(format, target, options.verifyChecksum()));
    return decode(map, target, options).record();
  }

  private interface Read<T> {
    T run() throws IOException;
  }

  /**
   * Runs a read that writes nothing, not even the lock file: under the shared lock when the lock
   * file exists; otherwise under the in-JVM lock alone, and once more under the shared lock if the
   * lock file appeared meanwhile (another process began a save, whose files the read may have seen
   * half replaced). A second unlocked pass is final: the lock file exists but cannot be opened.
   */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  private static <T> T readOnly(Path target, Read<T> read) {
    for (int pass = 1; ; pass++) {
      try (PathLocks.Held lock = LOCKS.shared(target)) {
        T result = null;
        StateLoadException failure = null;
        try {
          result = read.run();
        } catch (StateLoadException e) {
          failure = e;
        }
        if (lock.interProcess() || pass > 1 || !DurableFile.exists(PathLocks.lockFile(target))) {
          if (failure != null) {
            throw failure;
          }
          return result;
        }
      } catch (IOException e) {
        throw unreadable(target, e);
      }
    }
  }

  /** Reads and checks one file's bytes, the checksum verified when asked and present. */
  private static Map<String, Object> read(StateFormat format, Path file, boolean verify)
      throws IOException {
    Path sum = file.resolveSibling(file.getFileName() + ".checksum");
    String expected = verify && Files.exists(sum) ? DurableFile.readChecksum(sum) : null;
    Reading r = readFile(format, file, expected != null);
    // A mismatch wins over whatever the parse returned or threw.
    if (expected != null) {
      verify(file, expected, r.sha256());
    }
    if (r.failure() != null) {
      throw r.failure();
    }
    return r.map();
  }

  /**
   * What one read of a file found: the state map or why the bytes are not a state, the SHA-256 when
   * asked for, and the size.
   */
  private record Reading(
      Map<String, Object> map, StateLoadException failure, String sha256, long size) {}

  /**
   * Reads one file through one open channel, hashing it when asked: in the parse where the codec
   * can, otherwise on another core from positional reads of the same channel while this thread
   * parses. Content errors are returned; I/O errors and a missing file are thrown.
   */
  private static Reading readFile(StateFormat format, Path file, boolean hash) throws IOException {
    if (!Files.exists(file)) {
      throw notFound(file, null);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      StateCodec codec = Codecs.of(format);
      try {
        StateCodec.Hashed parsed = codec.readHashing(ch, hash);
        if (parsed != null) {
          return new Reading(parsed.map(), null, parsed.sha256(), size);
        }
      } catch (StateLoadException e) {
        return new Reading(null, e, hash ? sha256(ch) : null, size);
      }
      ch.position(0);
      Future<String> hashed = hash ? HashingSink.HASHERS.submit(() -> sha256(ch)) : null;
      Map<String, Object> map = null;
      StateLoadException failure = null;
      try {
        map = parse(codec, ch, file);
      } catch (StateLoadException e) {
        failure = e;
      } catch (IOException | RuntimeException e) {
        if (hashed != null) {
          HashingSink.await(hashed);
        }
        throw e;
      }
      return new Reading(map, failure, hashed == null ? null : HashingSink.await(hashed), size);
    } catch (NoSuchFileException e) {
      throw notFound(file, e);
    }
  }

  private static StateLoadException notFound(Path file, Exception cause) {
    return new StateLoadException(
        StateLoadException.Reason.NOT_FOUND, "State file not found: " + file, cause);
  }

  private static Map<String, Object> parse(StateCodec codec, FileChannel ch, Path file)
      throws IOException {
    try {
      return codec.read(ch, file.toString());
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
      return notFound(file, e);
    }
    String why = e instanceof AccessDeniedException ? "access denied" : e.toString();
    return new StateLoadException(
        StateLoadException.Reason.UNREADABLE, "Cannot read state file " + file + ": " + why, e);
  }

  /** A decoded record and whether a migration produced it. */
  public record Decoded(SystemStateRecord record, boolean migrated) {}

  /** Migrates and validates a decoded map. */
  public static Decoded decode(Map<String, Object> map, Path file, LoadOptions options) {
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
      return new Decoded(StateMaps.toRecord(m, !migrated), migrated);
    } catch (StateValidationException e) {
      throw invalid(file, e);
    }
  }

  private static StateLoadException invalid(Path file, StateValidationException e) {
    return new StateLoadException(
        StateLoadException.Reason.INVALID, "Invalid state in " + file + ": " + e.getMessage(), e);
  }

  // ---------------------------------------------------------------- inspect

  /** Implements {@code SystemStates.inspect}, whose Javadoc is the contract. */
  public StateInspection inspect(Path path, LoadOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    StateFormat format = format(path, options);
    Path target = target(path);
    return readOnly(target, () -> inspectOnce(format, target, options));
  }

  private static StateInspection inspectOnce(StateFormat format, Path file, LoadOptions options)
      throws IOException {
    Path sum = file.resolveSibling(file.getFileName() + ".checksum");
    String expected = null;
    boolean sumUnreadable = false;
    if (DurableFile.exists(sum)) {
      try {
        expected = DurableFile.readChecksum(sum);
        sumUnreadable = !DurableFile.isDigest(expected);
      } catch (IOException e) {
        LOG.debug("Unreadable checksum file {}: {}", sum, e.toString());
        sumUnreadable = true;
      }
    }
    Reading r = readFile(format, file, true);
    Optional<String> actual = Optional.of(r.sha256());
    ChecksumCheck checksum;
    if (sumUnreadable) {
      checksum = new ChecksumCheck(ChecksumCheck.Status.UNREADABLE, Optional.empty(), actual);
    } else if (expected == null) {
      checksum = new ChecksumCheck(ChecksumCheck.Status.MISSING, Optional.empty(), actual);
    } else {
      ChecksumCheck.Status status =
          expected.equals(r.sha256()) ? ChecksumCheck.Status.OK : ChecksumCheck.Status.MISMATCH;
      checksum = new ChecksumCheck(status, Optional.of(expected), actual);
    }
    OptionalInt versionFound = OptionalInt.empty();
    Decoded decoded = null;
    StateLoadException failure = r.failure();
    if (failure == null) {
      try {
        versionFound = OptionalInt.of(StateMaps.version(r.map()));
      } catch (StateValidationException e) {
        LOG.debug("No schema version in {}: {}", file, e.getMessage());
      }
      try {
        decoded = decode(r.map(), file, options);
      } catch (StateLoadException e) {
        failure = e;
      }
    }
    return new StateInspection(
        file,
        format,
        r.size(),
        versionFound,
        decoded != null && decoded.migrated(),
        checksum,
        decoded == null ? List.of() : SystemStates.validateIntegrity(decoded.record()),
        Optional.ofNullable(decoded).map(Decoded::record),
        Optional.ofNullable(failure),
        checkBackup(format, file.resolveSibling(file.getFileName() + ".backup"), options));
  }

  private static BackupCheck checkBackup(StateFormat format, Path backup, LoadOptions options) {
    if (!DurableFile.exists(backup)) {
      return BackupCheck.ABSENT;
    }
    try {
      Reading r = readFile(format, backup, false);
      if (r.failure() != null) {
        throw r.failure();
      }
      Instant updated = decode(r.map(), backup, options).record().updatedAt();
      return new BackupCheck(true, Optional.of(updated), Optional.empty());
    } catch (StateLoadException e) {
      return new BackupCheck(true, Optional.empty(), Optional.of(e));
    } catch (IOException e) {
      return new BackupCheck(true, Optional.empty(), Optional.of(unreadable(backup, e)));
    }
  }

  // ---------------------------------------------------------------- recover

  /** Implements {@code SystemStates.recoverReport}, whose Javadoc is the contract. */
  // The lock guards the whole try block and is never named in it, which javac's "try" lint flags.
  @SuppressWarnings("try")
  public RecoveryResult recover(Path path) {
    Objects.requireNonNull(path, "path");
    StateFormat format = StateFormat.of(path);
    Path target = target(path);
    DurableFile file = new DurableFile(ops, target);
    LoadOptions options = LoadOptions.defaults();
    try (PathLocks.Held lock = LOCKS.exclusive(target)) {
      StateLoadException mainFailure;
      try {
        SystemStateRecord r = decode(read(format, target, true), target, options).record();
        file.deleteStaleTemps();
        return new RecoveryResult(
            r, RecoveryResult.Source.MAIN, Optional.of(target), Optional.empty());
      } catch (StateLoadException e) {
        mainFailure = e;
      }
      RecoveryResult inFlight = recoverInterrupted(format, file, options);
      if (inFlight != null) {
        return inFlight;
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
        fromBackup = decode(read(format, backup, false), backup, options).record();
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
      Optional<Path> kept = restoreFrom(file, backup);
      return new RecoveryResult(
          fromBackup, RecoveryResult.Source.BACKUP, Optional.of(backup), kept);
    } catch (IOException e) {
      throw new StateRecoveryException("Cannot recover " + target + ": " + e, e);
    }
  }

  /**
   * Looks for the files an interrupted save left: a main file or a temp whose SHA-256 equals a
   * checksum file or checksum temp. Returns the newest such state after making it the main file, or
   * null.
   */
  private RecoveryResult recoverInterrupted(
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
        r = decode(read(format, c, false), file.main(), options).record();
      } catch (StateLoadException e) {
        continue;
      }
      LOG.info("Recovering {} from the interrupted save's {}", file.main(), c);
      Optional<Path> kept = restoreFrom(file, c);
      return new RecoveryResult(r, RecoveryResult.Source.INTERRUPTED_SAVE, Optional.of(c), kept);
    }
    return null;
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

  /**
   * Makes {@code source}'s bytes the main file with a matching checksum; keeps the backup, and the
   * main file it replaces (unless that is the source itself) as {@code NAME.damaged-<time>}.
   *
   * @return where the replaced main file was kept
   */
  private Optional<Path> restoreFrom(DurableFile file, Path source) throws IOException {
    Optional<Path> kept =
        !source.equals(file.main()) && DurableFile.exists(file.main())
            ? Optional.of(file.keepMainAside(clock.instant()))
            : Optional.empty();
    attempt(file, SaveOptions.defaults(), () -> file.commitCopyOf(source));
    file.deleteStaleTemps();
    return kept;
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
   * The format to read a path in: the explicit one, after the path checks {@link StateFormat#of}
   * makes; otherwise by extension.
   */
  private static StateFormat format(Path path, LoadOptions options) {
    Optional<StateFormat> explicit = options.format();
    if (explicit.isEmpty()) {
      return StateFormat.of(path);
    }
    Path name = path.getFileName();
    if (name == null || name.toString().isEmpty()) {
      throw new IllegalArgumentException("State path has no file name: '" + path + "'");
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("State path is a directory: " + path);
    }
    return explicit.get();
  }

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
