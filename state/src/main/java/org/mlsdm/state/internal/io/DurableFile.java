package org.mlsdm.state.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable-file protocol: how a state file, its checksum and its backup are replaced so that no
 * crash, power loss or I/O error can lose an acknowledged save or expose a partial file.
 *
 * <h2>Files</h2>
 *
 * For {@code dir/NAME} the store keeps {@code NAME} (the main file), {@code NAME.checksum}
 * (lowercase hex SHA-256 of the main file, 64 characters), {@code NAME.backup} (the previous main
 * file, byte for byte) and {@code NAME.lock} (see {@link PathLocks}). While a save runs it also
 * creates temporary names {@code .NAME.KIND-XXXXXXXXXXXXXXXX.tmp} in the same directory: {@code
 * main} and {@code sum} (the new contents), {@code bak} (the new backup), and {@code pmain}, {@code
 * psum}, {@code pbak} (extra hard links to the previous main, checksum and backup, kept until the
 * commit is durable so that a failed step can be undone), and {@code probe} (see below). Each name
 * is random and created with {@code O_CREAT|O_EXCL} without following links, owner-only (0600).
 *
 * <h2>One save, step by step</h2>
 *
 * <pre>
 * step                                          a crash after this step leaves / recover gives
 * 1  write .main tmp (serialize+hash in one      old files intact; the temp is garbage
 *    pass), fsync it, close                      → old state (load works as is)
 * 2  write .sum tmp with the digest, fsync       same
 * 3  link pmain→NAME, psum→NAME.checksum,         same; all extra names point at old contents
 *    pbak→NAME.backup; link bak→NAME (the new
 *    backup is the old main itself: no copy
 *    that a crash could tear)
 * 4  fsync the directory                         every temp name is now durable
 * 5  rename bak → NAME.backup                    old main + old checksum: load works → old state
 * 6  rename .sum tmp → NAME.checksum             old main + new checksum: load reports corruption;
 *                                                recover finds the .main tmp whose SHA-256 equals
 *                                                the checksum → in-flight state
 * 7  rename .main tmp → NAME                     new main + new checksum → new state
 * 8  fsync the directory                         the save is durable: only now does save return
 * 9  delete pmain, psum, pbak                    leftovers are removed by the next save or recover
 * </pre>
 *
 * On a power loss before step 8 any subset of the renames 5–7 may be lost, never torn (rename is
 * atomic and every file's data was fsynced in steps 1–2 before any rename). Every such subset is
 * one of the rows above, or "new main + old checksum", which recover resolves through the {@code
 * .sum} temp whose content equals the main file's SHA-256 (the in-flight state). A main file is
 * only ever accepted when some checksum file or checksum temp vouches for its exact bytes, so a
 * torn or foreign file is never taken for a state; the backup is the last resort.
 *
 * <h2>Failures</h2>
 *
 * An I/O error in steps 1–4 deletes this attempt's temps and changes nothing else. An error in
 * steps 5–8 renames the preserved links back over whatever was already replaced (or deletes a
 * main/checksum/backup that did not exist before), fsyncs the directory, and deletes the temps: the
 * previous main, checksum and backup are byte-identical to before. If even that rollback fails (a
 * persistent fault), the preserved links stay on disk, where {@code recover} finds them. The caller
 * retries with fresh temp names, so no file is ever fsynced again after its fsync failed.
 *
 * <h2>File systems without hard links</h2>
 *
 * FAT/exFAT, SMB/CIFS and many FUSE mounts refuse {@code link(2)} (FUSE exFAT with EPERM). When a
 * link in step 3 fails with anything but "exists", "no such file" or "access denied", a probe (two
 * {@code .NAME.probe-*.tmp} files this process creates and links, then deletes) tells the file
 * system's refusal from a real error: if the probe's link works too the error is real (Linux's
 * {@code fs.protected_hardlinks} refuses links to other users' files with the same EPERM) and the
 * save fails as before; if not, every link of this save becomes a copy written through the same
 * path as step 1 (a new 0600 temp, fsynced before step 4). The crash guarantees above hold
 * unchanged, since each copy is complete and fsynced before any rename makes it visible: a crash
 * can leave a garbage temp, never a torn backup. What changes: the backup is an owner-only copy
 * instead of the previous file itself (its mode is not kept), and each overwrite reads and writes
 * the previous main file (once for {@code pmain}, once for {@code bak}) and the previous checksum
 * and backup once more, so a save costs about three times the I/O of the state.
 *
 * <h2>Hostile files</h2>
 *
 * Every file read here goes through {@link RegularFiles} (a regular file only, never through a
 * link, bounded in time and size); a non-regular file at a companion name is treated as absent when
 * a save preserves the previous files, and a save refuses to replace a non-regular main file
 * (recovery replaces it). Checksum files may also be in {@code sha256sum}'s format ({@link
 * ChecksumText}); a save writes the bare digest.
 */
public final class DurableFile {
  private static final Logger LOG = LoggerFactory.getLogger(DurableFile.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The kinds of temporary names, by their tag in the file name. */
  public enum Kind {
    MAIN("main"),
    SUM("sum"),
    BAK("bak"),
    PREV_MAIN("pmain"),
    PREV_SUM("psum"),
    PREV_BAK("pbak"),
    /** A probe of whether the directory supports hard links (see {@link #commit}). */
    PROBE("probe");

    final String tag;

    Kind(String tag) {
      this.tag = tag;
    }
  }

  /** Bytes to write into a new file. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final FileOps ops;
  private final Workers workers;
  private final Path main;
  private final Path dir;
  private final String name;
  private final Pattern tempPattern;

  /** Whether hard links work in {@link #dir}: null until a link has failed and a probe said. */
  private Boolean linksSupported;

  /** The protocol for the state file {@code path}, doing its I/O through {@code ops}. */
  public DurableFile(FileOps ops, Path path) {
    this(ops, path, Workers.shared());
  }

  /**
   * The protocol for the state file {@code path}, doing its I/O through {@code ops} and hashing on
   * {@code workers}.
   */
  public DurableFile(FileOps ops, Path path, Workers workers) {
    this.ops = ops;
    this.workers = workers;
    this.main = path.toAbsolutePath().normalize();
    this.dir = main.getParent();
    this.name = main.getFileName().toString();
    this.tempPattern = Companions.tempPattern(name);
  }

  /** The main file, absolute and normalized. */
  public Path main() {
    return main;
  }

  /** The checksum companion, {@code <name>.checksum}. */
  public Path checksum() {
    return Companions.checksum(main);
  }

  /** The backup companion, {@code <name>.backup}. */
  public Path backup() {
    return Companions.backup(main);
  }

  /** The directory holding the main file and its companions. */
  public Path directory() {
    return dir;
  }

  /**
   * Runs steps 1–9 once: replaces the main file with {@code content} and the checksum with its
   * digest, rotating the old main into the backup when {@code rotateBackup} and a main exists.
   *
   * @return the lowercase hex SHA-256 of the new main file
   * @throws IOException after undoing what this attempt did, as far as the file system allows
   */
  public String commit(Content content, boolean rotateBackup) throws IOException {
    return commit(content, rotateBackup, false);
  }

  /**
   * Steps 1–9; a main file that is not a regular file (a FIFO, a socket, a device) is refused, or,
   * when {@code replaceNonRegular} (recovery), replaced without being read or linked.
   */
  private String commit(Content content, boolean rotateBackup, boolean replaceNonRegular)
      throws IOException {
    try (Pending pending = begin(replaceNonRegular)) {
      content.writeTo(pending.out());
      return pending.commit(rotateBackup);
    }
  }

  /**
   * Begins step 1: creates the {@code main} temp, whose stream hashes what it writes. A crash or an
   * abandoned write leaves only the temp, which the next save or recovery deletes.
   *
   * @return the write in progress; {@link Pending#commit} runs the remaining steps, {@link
   *     Pending#close} without a commit deletes the temp
   */
  public Pending begin() throws IOException {
    return begin(false);
  }

  private Pending begin(boolean replaceNonRegular) throws IOException {
    List<Path> temps = new ArrayList<>();
    Path tMain = createTemp(Kind.MAIN, temps);
    FileChannel ch;
    try {
      ch = ops.createNew(tMain);
    } catch (IOException | RuntimeException e) {
      // Whatever sits at the name now (a planted link, a half-created file) is not kept.
      deleteTemps(temps, false);
      throw e;
    }
    return new Pending(temps, ch, replaceNonRegular);
  }

  /** A new main file being written: steps 1 to 9 of one save, begun by {@link #begin}. */
  public final class Pending implements Closeable {
    private final List<Path> temps;
    private final FileChannel channel;
    private final HashingSink sink;
    private final boolean replaceNonRegular;
    private boolean channelClosed;
    private boolean keepPreserved;
    private boolean done;

    private Pending(List<Path> temps, FileChannel channel, boolean replaceNonRegular) {
      this.temps = temps;
      this.replaceNonRegular = replaceNonRegular;
      this.channel = channel;
      this.sink = new HashingSink(ops, channel, workers);
    }

    /** Where the new main file's bytes go; not to be closed. */
    public OutputStream out() {
      return sink;
    }

    /**
     * Finishes step 1 and runs steps 2–9.
     *
     * @return the lowercase hex SHA-256 of the new main file
     * @throws IOException after undoing what this attempt did, as far as the file system allows
     */
    public String commit(boolean rotateBackup) throws IOException {
      if (done) {
        throw new IllegalStateException("already committed or closed");
      }
      done = true;
      try {
        CompletableFuture<String> hashed = sink.finish();
        ops.force(channel);
        String digest = hashed.join();
        closeChannel();
        return publish(digest, rotateBackup);
      } finally {
        closeQuietly();
      }
    }

    private void closeChannel() throws IOException {
      if (!channelClosed) {
        channelClosed = true;
        ops.close(channel);
      }
    }

    private void closeQuietly() {
      try {
        closeChannel();
      } catch (IOException e) {
        LOG.warn("Could not close temporary file of {}: {}", main, e.toString());
      }
      deleteTemps(temps, keepPreserved);
    }

    /** Deletes this attempt's temps unless it was committed (which already did). */
    @Override
    public void close() {
      if (!done) {
        done = true;
        closeQuietly();
      }
    }

    private String publish(String digest, boolean rotateBackup) throws IOException {
      Path tMain = temps.get(0);
      Path tSum = createTemp(Kind.SUM, temps);
      writeFile(tSum, out -> out.write(digest.getBytes(StandardCharsets.US_ASCII)));

      Path checksum = checksum();
      Path backup = backup();
      boolean hadMain = exists(main);
      if (hadMain && !RegularFiles.isRegular(main)) {
        if (!replaceNonRegular) {
          throw new NotRegularFileException(
              main.toString(), "not a regular file; a save does not replace it");
        }
        hadMain = false;
      }
      Path pMain = hadMain ? linkTemp(Kind.PREV_MAIN, main, temps) : null;
      // A link or other non-regular file at a companion name is never read: it is treated as
      // absent, so the rename below replaces it and a rollback removes what replaced it.
      Path pSum =
          RegularFiles.isRegular(checksum) ? linkTemp(Kind.PREV_SUM, checksum, temps) : null;
      boolean rotate = rotateBackup && hadMain;
      Path pBak =
          rotate && RegularFiles.isRegular(backup) ? linkTemp(Kind.PREV_BAK, backup, temps) : null;
      Path tBak = rotate ? linkTemp(Kind.BAK, main, temps) : null;
      ops.forceDirectory(dir);

      boolean bakDone = false;
      boolean sumDone = false;
      boolean mainDone = false;
      try {
        if (rotate) {
          ops.rename(tBak, backup);
          bakDone = true;
        }
        ops.rename(tSum, checksum);
        sumDone = true;
        ops.rename(tMain, main);
        mainDone = true;
        ops.forceDirectory(dir);
      } catch (IOException e) {
        try {
          if (mainDone) {
            restore(main, pMain);
          }
          if (sumDone) {
            restore(checksum, pSum);
          }
          if (bakDone) {
            restore(backup, pBak);
          }
        } catch (IOException rollback) {
          keepPreserved = true;
          e.addSuppressed(rollback);
          LOG.warn("Could not undo a failed save of {}; recover() will resolve what is left", main);
        }
        if (mainDone || sumDone || bakDone) {
          try {
            ops.forceDirectory(dir);
          } catch (IOException sync) {
            e.addSuppressed(sync);
          }
        }
        throw e;
      }
      return digest;
    }
  }

  private void restore(Path target, Path preserved) throws IOException {
    if (preserved != null) {
      ops.rename(preserved, target);
    } else {
      ops.delete(target);
    }
  }

  private void deleteTemps(List<Path> temps, boolean keepPreserved) {
    for (Path t : temps) {
      if (keepPreserved && isPreserved(t)) {
        continue;
      }
      try {
        ops.delete(t);
      } catch (IOException e) {
        LOG.warn("Could not delete temporary file {}: {}", t, e.toString());
      }
    }
  }

  private boolean isPreserved(Path temp) {
    String n = temp.getFileName().toString();
    return n.startsWith("." + name + ".p");
  }

  private Path createTemp(Kind kind, List<Path> temps) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    Path p = Companions.temp(main, kind.tag, HexFormat.of().formatHex(r));
    temps.add(p);
    return p;
  }

  /** Writes a new file with {@code content}, fsyncs it and returns its SHA-256. */
  private String writeFile(Path path, Content content) throws IOException {
    FileChannel ch = ops.createNew(path);
    try {
      HashingSink sink = new HashingSink(ops, ch, workers);
      content.writeTo(sink);
      CompletableFuture<String> digest = sink.finish();
      ops.force(ch);
      return digest.join();
    } finally {
      ops.close(ch);
    }
  }

  /**
   * A new temp name for an existing regular file: a hard link, or, where the directory does not
   * support hard links, an fsynced copy.
   */
  private Path linkTemp(Kind kind, Path existing, List<Path> temps) throws IOException {
    Path t = createTemp(kind, temps);
    linkOrCopy(t, existing);
    return t;
  }

  /**
   * Creates {@code link} as a hard link to {@code existing}, or as an fsynced copy of it where the
   * directory does not support hard links.
   */
  private void linkOrCopy(Path link, Path existing) throws IOException {
    if (!Boolean.FALSE.equals(linksSupported)) {
      try {
        ops.link(link, existing);
        return;
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (!mayMeanUnsupported(e) || linksWork()) {
          throw e;
        }
        LOG.info("{} does not support hard links; backups are fsynced copies", dir);
      }
    }
    writeFile(link, out -> copy(existing, out));
  }

  /**
   * Whether a failed link may be the file system's refusal of links as such (EPERM from FUSE exFAT,
   * EOPNOTSUPP, a provider without links) rather than a name clash, a missing file or a denied
   * permission.
   */
  private static boolean mayMeanUnsupported(Exception e) {
    return e instanceof UnsupportedOperationException
        || (e instanceof FileSystemException
            && !(e instanceof FileAlreadyExistsException)
            && !(e instanceof NoSuchFileException)
            && !(e instanceof AccessDeniedException));
  }

  /**
   * Probes, once per instance, whether a hard link between two files this process just created in
   * the directory works: if it does, a failed link was a real error (Linux refuses links to files
   * of other users with EPERM under {@code fs.protected_hardlinks}); if not, links are unsupported.
   */
  private boolean linksWork() throws IOException {
    if (linksSupported == null) {
      List<Path> probes = new ArrayList<>();
      try {
        Path a = createTemp(Kind.PROBE, probes);
        ops.close(ops.createNew(a));
        Path b = createTemp(Kind.PROBE, probes);
        try {
          ops.link(b, a);
          linksSupported = true;
        } catch (UnsupportedOperationException | FileSystemException e) {
          if (!mayMeanUnsupported(e)) {
            throw e;
          }
          linksSupported = false;
        }
      } finally {
        deleteTemps(probes, false);
      }
    }
    return linksSupported;
  }

  private void copy(Path source, OutputStream out) throws IOException {
    // Through the seam, whose default opens only a regular file and never through a link; no
    // further than the size it had when opened.
    try (FileChannel ch = ops.openRead(source);
        SeekableByteChannel in = new BoundedChannel(ch, ch.size())) {
      ByteBuffer buf = ByteBuffer.allocate(HashingSink.BUFFER_SIZE);
      while (in.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
  }

  /** Writes the bytes of an existing file as a new commit (recovery); returns the digest. */
  public String commitCopyOf(Path source) throws IOException {
    return commit(out -> copy(source, out), false, true);
  }

  /**
   * Replaces only the checksum file with {@code digest}, leaving the main file as it is: accepting
   * a main file another program wrote. Steps: write a {@code sum} temp with the digest and fsync
   * it; rename it over {@code NAME.checksum}; fsync the directory. A crash before the rename leaves
   * the old checksum and a temp that the next save or recovery deletes (or that recovery takes as
   * vouching for the main file, which is what was being accepted); after it, the new checksum. A
   * failure before the rename deletes the temp and leaves the old checksum; a failed directory
   * fsync after it leaves the new one, which a crash may still undo, so the caller retries.
   *
   * @param digest the lowercase hex SHA-256 to record
   */
  public void commitChecksum(String digest) throws IOException {
    List<Path> temps = new ArrayList<>();
    try {
      Path tSum = createTemp(Kind.SUM, temps);
      writeFile(tSum, out -> out.write(digest.getBytes(StandardCharsets.US_ASCII)));
      ops.rename(tSum, checksum());
      ops.forceDirectory(dir);
    } finally {
      deleteTemps(temps, false);
    }
  }

  /**
   * Keeps the main file under a new name, {@code NAME.damaged-<yyyyMMdd'T'HHmmss'Z'>} (with {@code
   * -2}, {@code -3} … when taken), before recovery replaces it: a hard link (a copy where links are
   * unsupported), made durable by an fsync of the directory. A crash before the fsync leaves the
   * main file as it was, possibly without the new name; nothing else changes.
   *
   * @param now the time to name it by
   * @return the new name's path
   */
  public Path keepMainAside(Instant now) throws IOException {
    Path kept = Companions.damaged(main, now, 1);
    for (int k = 2; exists(kept); k++) {
      kept = Companions.damaged(main, now, k);
    }
    linkOrCopy(kept, main);
    ops.forceDirectory(dir);
    return kept;
  }

  /** Whether {@code p} exists, without following a final symbolic link. */
  public static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Temporary names of this state file left by interrupted saves, of one kind. */
  public List<Path> temps(Kind kind) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : ops.list(dir, Companions.tempGlob(name))) {
      Matcher m = tempPattern.matcher(p.getFileName().toString());
      if (m.matches() && m.group(1).equals(kind.tag)) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Deletes every temporary name of this state file, best effort: only under the exclusive lock,
   * where no save is in flight, and only once they are no longer needed (a save starting afresh or
   * a recovery that has settled the main file).
   */
  public void deleteStaleTemps() {
    try {
      for (Kind k : Kind.values()) {
        for (Path p : temps(k)) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            // The store never makes directories; one at a temp name is not its to remove.
            LOG.warn("Skipping {}: a directory at a temporary file's name", p);
            continue;
          }
          LOG.debug("Deleting stale temporary file {}", p);
          try {
            ops.delete(p);
          } catch (IOException e) {
            LOG.warn("Could not delete stale temporary file {}: {}", p, e.toString());
          }
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not list stale temporary files of {}: {}", main, e.toString());
    }
  }

  /**
   * Lowercase hex SHA-256 of a regular file's bytes, up to the size it had when opened; a link or
   * any other kind of file is refused ({@link RegularFiles#openRead}).
   */
  public static String sha256(Path p) throws IOException {
    try (RegularFiles.Opened file = RegularFiles.openRead(p, false)) {
      return Sha256.of(file.bounded());
    }
  }

  /** What {@link #readChecksum} returns for a file that states no digest for the state file. */
  public static final String NOT_A_DIGEST = "<not a SHA-256 digest>";

  /** Whether {@link #readChecksum} found a digest, rather than {@link #NOT_A_DIGEST}. */
  public static boolean isDigest(String checksum) {
    return Sha256.isDigest(checksum);
  }

  /**
   * Reads a checksum file in any form {@link ChecksumText} accepts, never through a symbolic link.
   * Anything else is returned as {@link #NOT_A_DIGEST}, which matches no digest; the file's text is
   * not echoed, since it may be another file's contents.
   *
   * @param p the checksum file (or a checksum temp)
   * @param stateName the name of the state file it is for
   * @return the lowercase hex digest, or {@link #NOT_A_DIGEST}
   * @throws NotRegularFileException if {@code p} is not a regular file
   * @throws IOException if it cannot be read
   */
  public String readChecksum(Path p, String stateName) throws IOException {
    byte[] raw;
    // Through the seam, whose default opens only a regular file and never through a link.
    try (FileChannel ch = ops.openRead(p);
        RegularFiles.Opened file = new RegularFiles.Opened(ch, ch.size())) {
      raw = RegularFiles.readPrefix(file, ChecksumText.MAX_BYTES + 1);
    }
    String digest = ChecksumText.parse(raw, stateName);
    return digest != null ? digest : NOT_A_DIGEST;
  }
}
