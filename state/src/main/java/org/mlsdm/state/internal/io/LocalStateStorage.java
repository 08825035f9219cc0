package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StoredVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local directory as a {@link StateStorage}: the durable-file protocol of {@link DurableFile}
 * (whose Javadoc details every step and what a crash at each leaves behind), the locks of {@link
 * PathLocks}, and the companion files named by {@link Companions}.
 *
 * <p>What each operation guarantees under a crash or power loss at any instant:
 *
 * <ul>
 *   <li>{@link #read()} and the versions it lists: nothing is created, changed or deleted (not even
 *       the lock file). The view holds the shared lock when the lock file exists; otherwise {@link
 *       ReadView#stable()} answers false once a writer has created it, and the core reads again.
 *   <li>{@link #write()}: creates {@code NAME.lock} (owner-only, never deleted) and holds the
 *       exclusive lock until closed; a crash releases it with the process.
 *   <li>{@link WriteSession#begin()} → {@link Write#commit}: steps 1–9 of {@link DurableFile}; a
 *       crash before step 8 leaves the previous state or the in-flight one, which recovery finds; a
 *       commit that returned is durable. {@link Write#close()} without a commit deletes the temp.
 *   <li>{@link WriteSession#restore}: first keeps the replaced main file as {@code
 *       NAME.damaged-<time>} (a hard link, durable before anything is replaced), then commits a
 *       copy of the source as a save does; a crash leaves the previous files plus possibly that
 *       link.
 *   <li>{@link WriteSession#recordChecksum}: {@link DurableFile#commitChecksum}; the main file is
 *       not touched, and a crash leaves the old checksum or the new one.
 *   <li>{@link WriteSession#delete}: deletes the main file, its checksum and optionally the backup,
 *       then fsyncs the directory; a crash may leave any subset deleted, and a checksum without its
 *       main file loads as not found.
 *   <li>{@link #journal()}: see {@link LocalJournal}.
 * </ul>
 */
public final class LocalStateStorage implements StateStorage {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStateStorage.class);

  private final FileOps ops;
  private final PathLocks locks;
  private final Clock clock;
  private final Path main;
  private final DurableFile file;
  private final Path link;

  /**
   * The storage of the state file {@code target}, already resolved ({@link #resolve}).
   *
   * @param ops the file-system seam
   * @param locks the lock table shared by every storage of this JVM
   * @param clock names kept damaged files
   * @param target the state file, absolute
   */
  public LocalStateStorage(FileOps ops, PathLocks locks, Clock clock, Path target) {
    this(ops, locks, clock, target, target);
  }

  /**
   * The storage of the state file {@code target}, named by {@code path}: when that is a link the
   * {@link LinkPolicy} followed, {@link WriteSession#delete} removes the link too rather than leave
   * it dangling.
   *
   * @param ops the file-system seam
   * @param locks the lock table shared by every storage of this JVM
   * @param clock names kept damaged files
   * @param target the state file, absolute ({@link #resolve})
   * @param path the state path as given
   */
  public LocalStateStorage(FileOps ops, PathLocks locks, Clock clock, Path target, Path path) {
    this.link = path.toAbsolutePath().normalize();
    this.ops = Objects.requireNonNull(ops, "ops");
    this.locks = Objects.requireNonNull(locks, "locks");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.file = new DurableFile(ops, target);
    this.main = file.main();
  }

  /** The file a state path names: see {@link LinkPolicy#stateFile}. */
  public static Path resolve(Path path) {
    return LinkPolicy.stateFile(path);
  }

  /** The state file, absolute. */
  public Path main() {
    return main;
  }

  @Override
  public boolean digestMayLag() {
    // The Python system's NPZ save rewrites NAME without touching NAME.checksum.
    return true;
  }

  @Override
  public String describe() {
    return main.toString();
  }

  @Override
  public String name() {
    return main.getFileName().toString();
  }

  @Override
  public void close() {
    // Nothing is held between operations.
  }

  @Override
  public ReadView read() throws IOException {
    PathLocks.Held lock = locks.shared(main);
    return new ReadView() {
      @Override
      public Optional<StoredVersion> current() throws IOException {
        return version(StoredVersion.Kind.CURRENT, main, true);
      }

      @Override
      public Optional<StoredVersion> backup() throws IOException {
        return version(StoredVersion.Kind.BACKUP, file.backup(), false);
      }

      @Override
      public boolean stable() {
        return lock.interProcess() || !DurableFile.exists(Companions.lock(main));
      }

      @Override
      public void close() {
        lock.close();
      }
    };
  }

  private Optional<StoredVersion> version(StoredVersion.Kind kind, Path p, boolean checksummed)
      throws IOException {
    if (!DurableFile.exists(p)) {
      return Optional.empty();
    }
    long size = Files.size(p);
    return Optional.of(new FileVersion(kind, p, size, checksummed ? file.checksum() : null));
  }

  @Override
  public WriteSession write() throws IOException {
    return new Session(locks.exclusive(main));
  }

  @Override
  public Journal journal() {
    return new LocalJournal(ops, Companions.journal(main));
  }

  /** A version stored as a file; its recorded digest is read from a checksum file when asked. */
  private final class FileVersion implements StoredVersion {
    private final Kind kind;
    private final Path path;
    private final long size;
    private final Path checksum;
    private final String vouched;

    FileVersion(Kind kind, Path path, long size, Path checksum) {
      this(kind, path, size, checksum, null);
    }

    FileVersion(Kind kind, Path path, long size, Path checksum, String vouched) {
      this.kind = kind;
      this.path = path;
      this.size = size;
      this.checksum = checksum;
      this.vouched = vouched;
    }

    @Override
    public Kind kind() {
      return kind;
    }

    @Override
    public String describe() {
      return path.toString();
    }

    @Override
    public OptionalLong generation() {
      return OptionalLong.empty();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public Optional<String> recordedSha256() throws IOException {
      if (vouched != null) {
        return Optional.of(vouched);
      }
      if (checksum == null || !DurableFile.exists(checksum)) {
        return Optional.empty();
      }
      return Optional.of(file.readChecksum(checksum, name()));
    }

    @Override
    public SeekableByteChannel open() throws IOException {
      // Only a regular file, never through a link (the seam's default), and read no further than
      // the size it had when opened.
      FileChannel ch = ops.openRead(path);
      return new BoundedChannel(ch, ch.size());
    }
  }

  /** The writers' session: the exclusive lock, held until closed. */
  private final class Session implements WriteSession {
    private final PathLocks.Held lock;
    private Path kept;

    Session(PathLocks.Held lock) {
      this.lock = lock;
    }

    @Override
    public Write begin() throws IOException {
      DurableFile.Pending pending = file.begin();
      return new Write() {
        @Override
        public OutputStream out() {
          return pending.out();
        }

        @Override
        public Published commit(boolean keepBackup, OptionalLong expectedGeneration)
            throws IOException {
          return new Published(-1, pending.commit(keepBackup));
        }

        @Override
        public void close() {
          pending.close();
        }
      };
    }

    /**
     * The current main file; then every main file or temp whose SHA-256 a checksum file or checksum
     * temp vouches for, newest first (files are hashed here, once, only when recovery gets this
     * far); then the backup.
     */
    @Override
    public List<StoredVersion> candidates() throws IOException {
      List<StoredVersion> out = new ArrayList<>();
      version(StoredVersion.Kind.CURRENT, main, true).ifPresent(out::add);
      out.addAll(interrupted());
      version(StoredVersion.Kind.BACKUP, file.backup(), false).ifPresent(out::add);
      return out;
    }

    @Override
    public Optional<StoredVersion> current() throws IOException {
      return version(StoredVersion.Kind.CURRENT, main, true);
    }

    private List<StoredVersion> interrupted() throws IOException {
      List<String> sums = new ArrayList<>();
      addChecksum(sums, file.checksum());
      for (Path p : file.temps(DurableFile.Kind.SUM)) {
        addChecksum(sums, p);
      }
      for (Path p : file.temps(DurableFile.Kind.PREV_SUM)) {
        addChecksum(sums, p);
      }
      List<StoredVersion> out = new ArrayList<>();
      if (sums.isEmpty()) {
        return out;
      }
      List<Path> files = new ArrayList<>();
      if (DurableFile.exists(main)) {
        files.add(main);
      }
      List<Path> temps = new ArrayList<>(file.temps(DurableFile.Kind.MAIN));
      temps.addAll(file.temps(DurableFile.Kind.PREV_MAIN));
      temps.sort(Comparator.comparing(LocalStateStorage::modified).reversed());
      files.addAll(temps);
      for (Path c : files) {
        String sha;
        long size;
        // A FIFO, a directory or a link (to /dev/zero, say) is refused before it is opened, and a
        // regular file is hashed no further than its size: the exclusive lock is never held for
        // ever. Such a candidate is skipped.
        try (FileChannel ch = ops.openRead(c);
            SeekableByteChannel bounded = new BoundedChannel(ch, ch.size())) {
          size = bounded.size();
          sha = Sha256.of(bounded);
        } catch (NotRegularFileException e) {
          LOG.warn("Skipping recovery candidate {}: {}", c, e.toString());
          continue;
        }
        if (sums.contains(sha)) {
          out.add(new FileVersion(StoredVersion.Kind.INTERRUPTED, c, size, null, sha));
        }
      }
      return out;
    }

    private void addChecksum(List<String> sums, Path p) {
      try {
        if (DurableFile.exists(p)) {
          sums.add(file.readChecksum(p, name()));
        }
      } catch (IOException e) {
        LOG.warn("Skipping checksum candidate {}: {}", p, e.toString());
      }
    }

    @Override
    public Optional<String> restore(StoredVersion source) throws IOException {
      Path from = ((FileVersion) source).path;
      // Only a regular file is kept aside: a FIFO or device at the state path is just replaced.
      if (kept == null && !from.equals(main) && RegularFiles.isRegular(main)) {
        kept = file.keepMainAside(clock.instant());
      }
      file.commitCopyOf(from);
      file.deleteStaleTemps();
      return Optional.ofNullable(kept).map(Path::toString);
    }

    @Override
    public void recordChecksum(String sha256) throws IOException {
      file.commitChecksum(sha256);
    }

    @Override
    public void cleanUp() {
      file.deleteStaleTemps();
    }

    @Override
    public void delete(boolean includeBackup) throws IOException {
      ops.delete(main);
      ops.delete(file.checksum());
      if (includeBackup) {
        ops.delete(file.backup());
      }
      file.deleteStaleTemps();
      ops.forceDirectory(file.directory());
      if (!link.equals(main)) {
        // The state path was a link the policy followed: it goes too, rather than dangle (a save
        // through a dangling link is refused).
        ops.delete(link);
        ops.forceDirectory(link.getParent());
      }
    }

    @Override
    public void close() {
      lock.close();
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (IOException e) {
      return Long.MIN_VALUE;
    }
  }
}
