package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Which symbolic links the store follows.
 *
 * <ul>
 *   <li><b>At the state path</b>, a link (or a chain of links) is followed only to an existing
 *       regular file whose name ends with the same extension as the link's name ({@code .json} or
 *       {@code .npz}, in any case). The store then works on that file: its checksum, backup, temps
 *       and lock live beside it, and the link keeps pointing at it. Any other link (dangling, to a
 *       directory, a device, a FIFO, or a file of another extension) is refused with {@link
 *       IllegalArgumentException} before anything is opened, created or deleted.
 *   <li><b>At a companion name</b> (checksum, backup, temporary files, lock) a link is never
 *       followed: reads refuse it ({@link RegularFiles#openRead} with {@code O_NOFOLLOW}), saves
 *       replace it by {@code rename(2)}, {@code delete} unlinks it, and the lock is opened with
 *       {@code O_NOFOLLOW}.
 * </ul>
 *
 * Why: a save writes, and a delete deletes, whatever the state path resolves to. Limiting the
 * target to a regular file named like a state file keeps a planted or mistaken link from turning a
 * save into an overwrite of {@code ~/.bashrc} or a load into a read of {@code /dev/zero}, while
 * keeping the common case (a stable name linked to the current state file) working.
 */
public final class LinkPolicy {
  private LinkPolicy() {}

  /**
   * The file the store works on for a state path: the absolute, normalized path itself, or, when it
   * is a symbolic link that the policy follows, the real path of its final target.
   *
   * @param path the state path, whose name has a state extension
   * @return the file to work on
   * @throws IllegalArgumentException if {@code path} is a symbolic link the policy refuses
   */
  public static Path stateFile(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    if (!Files.isSymbolicLink(abs)) {
      return abs;
    }
    Path real;
    BasicFileAttributes attrs;
    try {
      real = abs.toRealPath();
      attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "State path "
              + abs
              + " is a symbolic link whose target cannot be resolved ("
              + e
              + "); only a link to an existing regular file is followed",
          e);
    }
    if (!attrs.isRegularFile()) {
      throw new IllegalArgumentException(
          "State path "
              + abs
              + " is a symbolic link to "
              + real
              + ", which is "
              + RegularFiles.kind(attrs)
              + "; only a link to a regular file is followed");
    }
    String ext = extension(abs);
    if (!extension(real).equals(ext)) {
      throw new IllegalArgumentException(
          "State path "
              + abs
              + " is a symbolic link to "
              + real
              + ", whose name does not end with "
              + ext
              + "; only a link to a file of the same extension is followed");
    }
    return real;
  }

  private static String extension(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot);
  }
}
