package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mlsdm.state.internal.io.FileOps;

/**
 * A {@link FileOps} that records every operation and fails the ones a test schedules: the k-th
 * operation once (a transient fault), or the k-th and every later operation of the same kind
 * (renames: onto the same target) for good (a persistent fault such as a full disk or a failing
 * device). Reads ({@link Op#OPEN_READ}, {@link Op#LIST}) are numbered on their own, so that the
 * write steps keep their numbers: {@link #failReadOnce} and {@link #failReadFrom} fail the k-th
 * read once or it and every later read.
 */
final class FaultyFileOps implements FileOps {
  enum Op {
    CREATE,
    WRITE,
    FORCE,
    CLOSE,
    LINK,
    RENAME,
    DELETE,
    FORCE_DIR,
    OPEN_READ,
    LIST
  }

  /** One operation as performed (or attempted). */
  record Call(Op op, Path path, boolean failed) {}

  private final FileOps real;
  private final List<Call> calls = new ArrayList<>();
  private int failAt = -1;
  private boolean persistent;
  private Call persistentKey;
  private String message = "injected I/O error";
  private int reads;
  private int failReadAt = -1;
  private boolean readsPersistent;

  FaultyFileOps(FileOps real) {
    this.real = real;
  }

  /** Fails the k-th operation (1-based) once. */
  FaultyFileOps failOnce(int k) {
    this.failAt = k;
    this.persistent = false;
    return this;
  }

  /** Fails the k-th operation, and every later one of its kind, for good. */
  FaultyFileOps failFrom(int k) {
    this.failAt = k;
    this.persistent = true;
    return this;
  }

  /** Fails the k-th read (1-based) once. */
  FaultyFileOps failReadOnce(int k) {
    this.failReadAt = k;
    this.readsPersistent = false;
    return this;
  }

  /** Fails the k-th read and every later read, for good. */
  FaultyFileOps failReadFrom(int k) {
    this.failReadAt = k;
    this.readsPersistent = true;
    return this;
  }

  /** How many reads were performed or attempted. */
  synchronized int reads() {
    return reads;
  }

  FaultyFileOps withMessage(String m) {
    this.message = m;
    return this;
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized Call failedCall() {
    return calls.stream().filter(Call::failed).findFirst().orElse(null);
  }

  private synchronized void step(Op op, Path path) throws IOException {
    int k = calls.size() + 1;
    boolean fail = k == failAt;
    if (!fail && persistentKey != null) {
      fail =
          persistentKey.op() == op
              && (op != Op.RENAME || Objects.equals(persistentKey.path(), path));
    }
    calls.add(new Call(op, path, fail));
    if (fail) {
      if (persistent && persistentKey == null) {
        persistentKey = new Call(op, path, true);
      }
      throw new IOException(message + " (" + op + " " + path + ", operation " + k + ")");
    }
  }

  private synchronized void read(Op op, Path path) throws IOException {
    int k = ++reads;
    boolean fail = failReadAt > 0 && (k == failReadAt || (readsPersistent && k > failReadAt));
    // Reads are not in calls(): the write steps keep their numbers.
    if (fail) {
      throw new IOException(message + " (" + op + " " + path + ", read " + k + ")");
    }
  }

  /** Not numbered: opening a journal to append to it, passed to the real file system. */
  @Override
  public FileChannel openWrite(Path path) throws IOException {
    return real.openWrite(path);
  }

  /** Not numbered: the journal's cut is followed by a numbered {@code force}, which can fail. */
  @Override
  public void truncate(FileChannel channel, long size) throws IOException {
    real.truncate(channel, size);
  }

  @Override
  public FileChannel openRead(Path path) throws IOException {
    read(Op.OPEN_READ, path);
    return real.openRead(path);
  }

  @Override
  public List<Path> list(Path dir, String glob) throws IOException {
    read(Op.LIST, dir);
    return real.list(dir, glob);
  }

  @Override
  public FileChannel createNew(Path path) throws IOException {
    step(Op.CREATE, path);
    return real.createNew(path);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer buffer) throws IOException {
    step(Op.WRITE, null);
    real.write(channel, buffer);
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    step(Op.FORCE, null);
    real.force(channel);
  }

  @Override
  public void close(FileChannel channel) throws IOException {
    try {
      step(Op.CLOSE, null);
    } finally {
      real.close(channel);
    }
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    step(Op.LINK, link);
    real.link(link, existing);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    step(Op.RENAME, target);
    real.rename(source, target);
  }

  @Override
  public void delete(Path path) throws IOException {
    step(Op.DELETE, path);
    real.delete(path);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    step(Op.FORCE_DIR, dir);
    real.forceDirectory(dir);
  }
}
