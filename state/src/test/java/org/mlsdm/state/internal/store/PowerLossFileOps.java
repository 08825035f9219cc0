package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mlsdm.state.internal.io.FileOps;

/**
 * A {@link FileOps} that performs every operation on the real file system and, beside it, models
 * what a power loss after that operation could leave on stable storage (the page cache model).
 *
 * <h2>The model</h2>
 *
 * <ul>
 *   <li><b>File data.</b> Each file (inode) has its durable content (as of the last {@code force})
 *       and its current content, which share a <em>stable</em> prefix: files are written
 *       append-only and cut only by {@code truncate}, so the stable prefix is the durable length or
 *       the shortest length a truncate left since the last {@code force}. {@code force} makes the
 *       whole current content durable. After a crash each file with unsynced changes is,
 *       independently, <em>lost</em> (its durable content: every change since the last force
 *       undone, a truncate included), <em>torn</em> (the stable prefix plus the first half of the
 *       bytes written after it: a truncate kept, the appends after it half), <em>zeroed</em>
 *       (current length, the bytes after the stable prefix read back as zeros, as after a metadata
 *       journal commit without the data) or <em>kept</em>; a file truncated since its last force
 *       may also be <em>untruncated</em>: its content just before the first such truncate, every
 *       byte written before it having reached the disk and the cut not (a truncate changes the
 *       inode's size, which is not durable before an fsync).
 *   <li><b>Directory entries.</b> The directory has a durable name → inode map and a list of
 *       pending entry operations (create, link, rename, delete) since the last {@code
 *       forceDirectory}, which makes them all durable. After a crash any subset of the pending
 *       operations survives, applied in their original order to the durable map (an operation is
 *       never torn: rename and link are atomic). This is weaker than any journaling file system,
 *       which keeps a prefix; it is what POSIX promises without a directory fsync.
 * </ul>
 *
 * After every operation the current model is captured as a {@link Snapshot}; {@link
 * Snapshot#crashImages} enumerates the disks a power loss at that instant could leave.
 */
final class PowerLossFileOps implements FileOps {
  /** Fate combinations per directory image beyond which they are sampled. */
  static final int FATE_LIMIT = 64;

  private final FileOps real;
  private final Path dir;
  private final List<Inode> inodes = new ArrayList<>();
  private final IdentityHashMap<FileChannel, Inode> open = new IdentityHashMap<>();
  private Map<String, Integer> durable = new HashMap<>();
  private final Map<String, Integer> current = new HashMap<>();
  private final List<DirOp> pending = new ArrayList<>();
  private final List<Snapshot> snapshots = new ArrayList<>();

  /** A directory entry operation that a power loss may undo, whole. */
  sealed interface DirOp permits Put, Remove, Rename {}

  /** Create or link: {@code name} now refers to inode {@code inode}. */
  record Put(String name, int inode) implements DirOp {}

  /** Delete. */
  record Remove(String name) implements DirOp {}

  /** Rename: {@code target} now refers to {@code inode}, {@code source} is gone, atomically. */
  record Rename(String source, String target, int inode) implements DirOp {}

  private static final class Inode {
    final List<byte[]> chunks = new ArrayList<>();
    long length;
    byte[] durable = new byte[0];
    long stableLength;
    byte[] beforeTruncate;

    byte[] content() {
      return join(chunks, length);
    }
  }

  private static byte[] join(List<byte[]> chunks, long upTo) {
    byte[] out = new byte[Math.toIntExact(upTo)];
    int at = 0;
    for (byte[] c : chunks) {
      if (at >= upTo) {
        break;
      }
      int n = (int) Math.min(c.length, upTo - at);
      System.arraycopy(c, 0, out, at, n);
      at += n;
    }
    return out;
  }

  /**
   * An immutable view of one inode at one instant: its current content, its durable content, the
   * stable prefix they share, and its content before the first truncate since the last force (null
   * when there was none).
   */
  record FileState(
      List<byte[]> chunks, long length, byte[] durable, long stableLength, byte[] beforeTruncate) {
    boolean volatileBytes() {
      return length > stableLength || durable.length > stableLength || beforeTruncate != null;
    }

    /** The fates a crash may give this file: {@code UNTRUNCATED} only after a truncate. */
    List<Fate> fates() {
      return beforeTruncate == null
          ? List.of(Fate.LOST, Fate.TORN, Fate.ZEROED, Fate.KEPT)
          : List.of(Fate.values());
    }

    byte[] bytes(long upTo, boolean zeroTail) {
      byte[] out = join(chunks, upTo);
      if (zeroTail && upTo > stableLength) {
        Arrays.fill(out, (int) stableLength, out.length, (byte) 0);
      }
      return out;
    }
  }

  /** What a crash leaves of one volatile file. */
  enum Fate {
    LOST,
    TORN,
    ZEROED,
    KEPT,
    UNTRUNCATED
  }

  /** The model after operation {@code op} (1-based; 0 is before the first). */
  record Snapshot(
      int op,
      String kind,
      Map<String, Integer> durable,
      List<DirOp> pending,
      Map<Integer, FileState> files) {

    /**
     * Calls {@code sink} with each distinct directory image a crash now could leave (file name →
     * bytes), at most {@code limit} subsets of pending operations (all of them when there are few
     * enough, else the two extremes plus seeded random subsets), each with every fate of every
     * volatile file it shows (at most {@link #FATE_LIMIT} combinations, else sampled likewise).
     *
     * @return how many images were produced
     */
    int crashImages(int limit, long seed, Consumer<Map<String, byte[]>> sink) {
      int n = pending.size();
      List<Long> masks = new ArrayList<>();
      if (n < 63 && (1L << n) <= limit) {
        for (long m = 0; m < (1L << n); m++) {
          masks.add(m);
        }
      } else {
        Random r = new Random(seed);
        masks.add(0L);
        masks.add(n >= 63 ? -1L : (1L << n) - 1);
        while (masks.size() < limit) {
          masks.add(r.nextLong());
        }
      }
      int count = 0;
      for (long mask : masks) {
        Map<String, Integer> names = new TreeMap<>(durable);
        for (int i = 0; i < n; i++) {
          if ((mask & (1L << i)) != 0) {
            apply(names, pending.get(i));
          }
        }
        List<Integer> volatileInodes = new ArrayList<>();
        names.values().stream()
            .distinct()
            .filter(id -> files.get(id).volatileBytes())
            .forEach(volatileInodes::add);
        // Every combination of fates is a number whose digit for a file is in base fates().size().
        double all = 1;
        for (int id : volatileInodes) {
          all *= files.get(id).fates().size();
        }
        boolean sampled = all > FATE_LIMIT;
        int combos = sampled ? FATE_LIMIT : (int) all;
        Random fateRandom = new Random(seed ^ mask);
        for (int c = 0; c < combos; c++) {
          Map<Integer, Fate> fates = new HashMap<>();
          int rest = c;
          for (int id : volatileInodes) {
            List<Fate> choices = files.get(id).fates();
            // Sampled: every file lost, every file kept, then seeded random fates.
            Fate f =
                !sampled
                    ? choices.get(rest % choices.size())
                    : c == 0
                        ? Fate.LOST
                        : c == 1 ? Fate.KEPT : choices.get(fateRandom.nextInt(choices.size()));
            fates.put(id, f);
            rest /= choices.size();
          }
          Map<String, byte[]> image = new LinkedHashMap<>();
          names.forEach((name, id) -> image.put(name, content(files.get(id), fates.get(id))));
          sink.accept(image);
          count++;
        }
      }
      return count;
    }

    private static void apply(Map<String, Integer> names, DirOp op) {
      if (op instanceof Put p) {
        names.put(p.name(), p.inode());
      } else if (op instanceof Remove r) {
        names.remove(r.name());
      } else if (op instanceof Rename rn) {
        names.remove(rn.source());
        names.put(rn.target(), rn.inode());
      }
    }

    private static byte[] content(FileState f, Fate fate) {
      if (fate == null) {
        return f.bytes(f.length(), false);
      }
      return switch (fate) {
        case LOST -> f.durable().clone();
        case TORN -> f.bytes(f.stableLength() + (f.length() - f.stableLength()) / 2, false);
        case ZEROED -> f.bytes(f.length(), true);
        case KEPT -> f.bytes(f.length(), false);
        case UNTRUNCATED -> f.beforeTruncate().clone();
      };
    }
  }

  /**
   * Models {@code dir}, whose files must all be durable already (a fresh directory, or one a crash
   * image was just written to and fsynced).
   */
  PowerLossFileOps(FileOps real, Path dir) {
    this.real = real;
    this.dir = dir.toAbsolutePath().normalize();
    try (var s = Files.list(this.dir)) {
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".lock")) {
          Inode in = newInode();
          byte[] b = Files.readAllBytes(p);
          in.chunks.add(b);
          in.length = b.length;
          in.durable = b;
          in.stableLength = b.length;
          current.put(p.getFileName().toString(), inodes.size() - 1);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    durable = new HashMap<>(current);
    snapshot("start");
  }

  synchronized List<Snapshot> snapshots() {
    return List.copyOf(snapshots);
  }

  /** The number of operations performed so far. */
  synchronized int operations() {
    return snapshots.size() - 1;
  }

  private Inode newInode() {
    Inode in = new Inode();
    inodes.add(in);
    return in;
  }

  private String name(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    if (!dir.equals(abs.getParent())) {
      throw new IllegalStateException("The model covers " + dir + " only, not " + p);
    }
    return abs.getFileName().toString();
  }

  private void snapshot(String kind) {
    Map<Integer, FileState> files = new HashMap<>();
    for (int i = 0; i < inodes.size(); i++) {
      Inode in = inodes.get(i);
      files.put(
          i,
          new FileState(
              List.copyOf(in.chunks), in.length, in.durable, in.stableLength, in.beforeTruncate));
    }
    snapshots.add(
        new Snapshot(snapshots.size(), kind, Map.copyOf(durable), List.copyOf(pending), files));
  }

  private Inode inode(String name) {
    Integer id = current.get(name);
    if (id == null) {
      throw new IllegalStateException("The model has no file " + name);
    }
    return inodes.get(id);
  }

  @Override
  public synchronized FileChannel createNew(Path path) throws IOException {
    FileChannel ch = real.createNew(path);
    String n = name(path);
    newInode();
    int id = inodes.size() - 1;
    open.put(ch, inodes.get(id));
    current.put(n, id);
    pending.add(new Put(n, id));
    snapshot("create");
    return ch;
  }

  @Override
  public synchronized void write(FileChannel channel, ByteBuffer buffer) throws IOException {
    Inode in = open.get(channel);
    if (in == null || channel.position() != in.length) {
      throw new IllegalStateException("The model covers appends to files created through it only");
    }
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    real.write(channel, buffer);
    in.chunks.add(b);
    in.length += b.length;
    snapshot("write");
  }

  @Override
  public synchronized void force(FileChannel channel) throws IOException {
    real.force(channel);
    Inode in = open.get(channel);
    in.durable = in.content();
    in.stableLength = in.length;
    in.beforeTruncate = null;
    snapshot("force");
  }

  /** Opens a file the model holds (a journal reopened to append); its content is as modelled. */
  @Override
  public synchronized FileChannel openWrite(Path path) throws IOException {
    Inode in = inode(name(path));
    FileChannel ch = real.openWrite(path);
    open.put(ch, in);
    snapshot("openWrite");
    return ch;
  }

  @Override
  public synchronized void truncate(FileChannel channel, long size) throws IOException {
    Inode in = open.get(channel);
    if (in == null || size < 0 || size > in.length) {
      throw new IllegalStateException("The model covers cuts of files opened through it only");
    }
    real.truncate(channel, size);
    if (in.beforeTruncate == null) {
      in.beforeTruncate = in.content();
    }
    byte[] kept = join(in.chunks, size);
    in.chunks.clear();
    in.chunks.add(kept);
    in.length = size;
    in.stableLength = Math.min(in.stableLength, size);
    snapshot("truncate");
  }

  @Override
  public synchronized void close(FileChannel channel) throws IOException {
    open.remove(channel);
    real.close(channel);
    snapshot("close");
  }

  @Override
  public synchronized void link(Path link, Path existing) throws IOException {
    real.link(link, existing);
    String n = name(link);
    String e = name(existing);
    inode(e);
    int id = current.get(e);
    current.put(n, id);
    pending.add(new Put(n, id));
    snapshot("link");
  }

  @Override
  public synchronized void rename(Path source, Path target) throws IOException {
    real.rename(source, target);
    String s = name(source);
    String t = name(target);
    int id = current.remove(s);
    current.put(t, id);
    pending.add(new Rename(s, t, id));
    snapshot("rename");
  }

  @Override
  public synchronized void delete(Path path) throws IOException {
    real.delete(path);
    String n = name(path);
    if (current.remove(n) != null) {
      pending.add(new Remove(n));
    }
    snapshot("delete");
  }

  @Override
  public synchronized void forceDirectory(Path d) throws IOException {
    real.forceDirectory(d);
    durable = new HashMap<>(current);
    pending.clear();
    snapshot("forceDirectory");
  }
}
