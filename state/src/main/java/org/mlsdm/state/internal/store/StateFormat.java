package org.mlsdm.state.internal.store;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import org.mlsdm.state.StateLayout;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.state.internal.npz.NpzStateCodec;
import org.mlsdm.state.internal.npz.PythonNpzCodec;

/** The file formats, chosen by the file name's extension in any case. */
enum StateFormat {
  JSON(".json") {
    @Override
    StateCodec codec() {
      return JsonStateCodec.INSTANCE;
    }

    @Override
    StateCodec codec(StateLayout layout) {
      return layout == StateLayout.PYTHON_MEMORY_MANAGER
          ? JsonStateCodec.MEMORY_MANAGER
          : JsonStateCodec.INSTANCE;
    }
  },
  NPZ(".npz") {
    @Override
    StateCodec codec() {
      return NpzStateCodec.INSTANCE;
    }

    @Override
    StateCodec codec(StateLayout layout) {
      return switch (layout) {
        case NATIVE -> NpzStateCodec.INSTANCE;
        case PYTHON_STATE_STORE -> PythonNpzCodec.STATE_STORE;
        case PYTHON_MEMORY_MANAGER -> PythonNpzCodec.MEMORY_MANAGER;
      };
    }
  };

  private final String extension;

  StateFormat(String extension) {
    this.extension = extension;
  }

  /** The codec that reads every layout of this format and writes the native one. */
  abstract StateCodec codec();

  /** The codec that writes {@code layout} (and reads as {@link #codec()} does). */
  abstract StateCodec codec(StateLayout layout);

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
