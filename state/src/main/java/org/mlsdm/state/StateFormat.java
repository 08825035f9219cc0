package org.mlsdm.state;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The two file formats. Chosen by the file name's extension in any case ({@link #of(Path)}), or
 * explicitly through {@link LoadOptions#withFormat} to load a file whose name has another extension
 * (a backup, a copy under another name).
 */
public enum StateFormat {
  /** The JSON layout, {@code .json}. */
  JSON(".json"),
  /** The NumPy zip archive, {@code .npz}. */
  NPZ(".npz");

  private final String extension;

  StateFormat(String extension) {
    this.extension = extension;
  }

  /**
   * The file name extension of this format, with its dot.
   *
   * @return {@code ".json"} or {@code ".npz"}
   */
  public String extension() {
    return extension;
  }

  /**
   * The format of a state path by its extension, checked before anything is touched.
   *
   * @param path a state file
   * @return its format
   * @throws IllegalArgumentException {@code Unsupported file format} for another extension; also
   *     for an empty path, a path without a file name, or an existing directory
   * @throws NullPointerException if {@code path} is null
   */
  public static StateFormat of(Path path) {
    Path name = path.getFileName();
    if (name == null || name.toString().isEmpty()) {
      throw new IllegalArgumentException("State path has no file name: '" + path + "'");
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("State path is a directory: " + path);
    }
    return ofName(name.toString());
  }

  /**
   * The format of a state's file name by its extension.
   *
   * @param name a file name (the last segment of a path or a location)
   * @return its format
   * @throws IllegalArgumentException {@code Unsupported file format} for another extension
   * @throws NullPointerException if {@code name} is null
   */
  public static StateFormat ofName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (StateFormat f : values()) {
      if (lower.endsWith(f.extension) && lower.length() > f.extension.length()) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "Unsupported file format: '" + name + "' (expected a .json or .npz file name)");
  }
}
