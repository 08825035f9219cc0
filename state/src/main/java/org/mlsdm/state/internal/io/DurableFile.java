package org.mlsdm.state.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
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
 * commit is durable so that a failed step can be undone). Each name is random and created with
 * {@code O_CREAT|O_EXCL} without following links, owner-only (0600).
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
    PREV_BAK("pbak");

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
    try (Pending pending = begin()) {
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
    return new Pending(temps, ch);
  }

  /** A new main file being written: steps 1 to 9 of one save, begun by {@link #begin}. */
  public final class Pending implements Closeable {
    private final List<Path> temps;
    private final FileChannel channel;
    private final HashingSink sink;
    private boolean channelClosed;
    private boolean keepPreserved;
    private boolean done;

    private Pending(List<Path> temps, FileChannel channel) {
      this.temps = temps;
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
      Path pMain = hadMain ? linkTemp(Kind.PREV_MAIN, main, temps) : null;
      Path pSum = exists(checksum) ? linkTemp(Kind.PREV_SUM, checksum, temps) : null;
      boolean rotate = rotateBackup && hadMain;
      Path pBak = rotate && exists(backup) ? linkTemp(Kind.PREV_BAK, backup, temps) : null;
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

  /** A new temp name for an existing file: a hard link, or a copy where links are unsupported. */
  private Path linkTemp(Kind kind, Path existing, List<Path> temps) throws IOException {
    Path t = createTemp(kind, temps);
    try {
      ops.link(t, existing);
    } catch (UnsupportedOperationException e) {
      writeFile(t, out -> copy(existing, out));
    }
    return t;
  }

  private void copy(Path source, OutputStream out) throws IOException {
    try (FileChannel in = ops.openRead(source)) {
      ByteBuffer buf = ByteBuffer.allocate(HashingSink.BUFFER_SIZE);
      while (in.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
  }

  /** Writes the bytes of an existing file as a new commit (recovery); returns the digest. */
  public String commitCopyOf(Path source) throws IOException {
    return commit(out -> copy(source, out), false);
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
    try {
      ops.link(kept, main);
    } catch (UnsupportedOperationException e) {
      writeFile(kept, out -> copy(main, out));
    }
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
          LOG.debug("Deleting stale temporary file {}", p);
          ops.delete(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("Could not delete stale temporary files of {}: {}", main, e.toString());
    }
  }

  /** Lowercase hex SHA-256 of a file's bytes. */
  public static String sha256(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      return Sha256.of(ch);
    }
  }

  /**
   * Whether {@link #readChecksum} found a digest, rather than the abbreviated text of something
   * else.
   */
  public static boolean isDigest(String checksum) {
    return Sha256.isDigest(checksum);
  }

  /**
   * Reads a checksum file: 64 hex digits, surrounding whitespace ignored, any case. Anything else
   * (too long, not hex) is returned abbreviated so that it can never match a digest.
   */
  public String readChecksum(Path p) throws IOException {
    byte[] raw;
    try (SeekableByteChannel ch = ops.openRead(p)) {
      ByteBuffer buf = ByteBuffer.allocate(257);
      int n = 0;
      while (n >= 0 && buf.hasRemaining()) {
        n = ch.read(buf);
      }
      raw = new byte[buf.position()];
      buf.flip().get(raw);
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
    if (raw.length > 256 || !Sha256.isDigest(text)) {
      String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
      return "<not a SHA-256 digest: '" + shown + "'>";
    }
    return text;
  }
}
