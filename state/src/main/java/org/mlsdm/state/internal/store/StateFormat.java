package org.mlsdm.state.internal.store;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.state.internal.npz.NpzStateCodec;

/** The file formats, chosen by the file name's extension in any case. */
enum StateFormat {
  JSON(".json") {
    @Override
    StateCodec codec() {
      return JsonStateCodec.INSTANCE;
    }
  },
  NPZ(".npz") {
    @Override
    StateCodec codec() {
      return NpzStateCodec.INSTANCE;
    }
  };

  private final String extension;

  StateFormat(String extension) {
    this.extension = extension;
  }

  abstract StateCodec codec();

  /**
   * The format of a state path, checked before anything is touched.
   *
   * @throws IllegalArgumentException {@code Unsupported file format} for another extension; also
   *     for an empty path, a path without a file name, or an existing directory
   */
  static StateFormat of(Path path) {
    Path name = path.getFileName();
    if (name == null || name.toString().isEmpty()) {
      throw new IllegalArgumentException("State path has no file name: '" + path + "'");
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("State path is a directory: " + path);
    }
    String lower = name.toString().toLowerCase(Locale.ROOT);
    for (StateFormat f : values()) {
      if (lower.endsWith(f.extension) && lower.length() > f.extension.length()) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "Unsupported file format: '" + name + "' (expected a .json or .npz file name)");
  }
}
