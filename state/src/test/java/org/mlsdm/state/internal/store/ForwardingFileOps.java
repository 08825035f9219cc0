package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.mlsdm.state.internal.io.FileOps;

/** A {@link FileOps} that forwards every call; tests override the steps they intercept. */
abstract class ForwardingFileOps implements FileOps {
  private final FileOps delegate;

  ForwardingFileOps(FileOps delegate) {
    this.delegate = delegate;
  }

  @Override
  public FileChannel createNew(Path path) throws IOException {
    return delegate.createNew(path);
  }

  @Override
  public void write(FileChannel channel, ByteBuffer buffer) throws IOException {
    delegate.write(channel, buffer);
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    delegate.force(channel);
  }

  @Override
  public FileChannel openWrite(Path path) throws IOException {
    return delegate.openWrite(path);
  }

  @Override
  public void truncate(FileChannel channel, long size) throws IOException {
    delegate.truncate(channel, size);
  }

  @Override
  public void close(FileChannel channel) throws IOException {
    delegate.close(channel);
  }

  @Override
  public void link(Path link, Path existing) throws IOException {
    delegate.link(link, existing);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate.rename(source, target);
  }

  @Override
  public void delete(Path path) throws IOException {
    delegate.delete(path);
  }

  @Override
  public void forceDirectory(Path dir) throws IOException {
    delegate.forceDirectory(dir);
  }

  @Override
  public FileChannel openRead(Path path) throws IOException {
    return delegate.openRead(path);
  }

  @Override
  public List<Path> list(Path dir, String glob) throws IOException {
    return delegate.list(dir, glob);
  }
}
