package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every file-system step of the durable write protocol, one method each, so that a test can fail
 * the k-th step once or for good, or model what a power loss would keep (see {@link DurableFile}).
 * The reads of the local storage ({@link LocalStateStorage}) come through here too ({@link
 * #openRead}, {@link #list}), so that a test can fail a load, an inspection or a recovery's reads;
 * their defaults read the file system as it is.
 */
public interface FileOps {

  /** Creates a new file for writing, never following or replacing anything already at the path. */
  FileChannel createNew(Path path) throws IOException;

  /** Writes the whole buffer at the channel's position. */
  void write(FileChannel channel, ByteBuffer buffer) throws IOException;

  /** Makes the file's data durable (fsync). */
  void force(FileChannel channel) throws IOException;

  /**
   * Opens an existing regular file for reading and writing (a journal a writer appends to), never
   * through a symbolic link.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   */
  default FileChannel openWrite(Path path) throws IOException {
    return FileChannel.open(
        path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Cuts the file to {@code size} bytes. Not durable until {@link #force}: a power loss before it
   * may leave the old length and bytes.
   */
  default void truncate(FileChannel channel, long size) throws IOException {
    channel.truncate(size);
  }

  /** Closes the channel. */
  void close(FileChannel channel) throws IOException;

  /**
   * Creates a hard link {@code link} to the file {@code existing}, failing if {@code link} exists.
   */
  void link(Path link, Path existing) throws IOException;

  /** Atomically renames {@code source} to {@code target}, replacing {@code target}. */
  void rename(Path source, Path target) throws IOException;

  /** Deletes the file if it exists. */
  void delete(Path path) throws IOException;

  /** Makes the directory's entries (creations, renames, deletions) durable. */
  void forceDirectory(Path dir) throws IOException;

  /**
   * Opens an existing regular file for reading, never through a symbolic link, as {@link
   * RegularFiles#openRead} does (a FIFO or device is refused without blocking).
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws NotRegularFileException if it is not a regular file
   */
  default FileChannel openRead(Path path) throws IOException {
    return RegularFiles.openRead(path, false).channel();
  }

  /** The entries of a directory whose names match a glob, in no particular order. */
  default List<Path> list(Path dir, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      ds.forEach(out::add);
    }
    return out;
  }
}
