package org.mlsdm.state.internal.store;

import org.mlsdm.state.StateFormat;
import org.mlsdm.state.StateLayout;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.state.internal.npz.NpzStateCodec;
import org.mlsdm.state.internal.npz.PythonNpzCodec;

/** The codec of each {@link StateFormat}: the one place a format meets its implementation. */
final class Codecs {
  private Codecs() {}

  /** The codec that reads every layout of {@code format} and writes the native one. */
  static StateCodec of(StateFormat format) {
    return switch (format) {
      case JSON -> JsonStateCodec.INSTANCE;
      case NPZ -> NpzStateCodec.INSTANCE;
    };
  }

  /** The codec that writes {@code layout} in {@code format} (and reads as {@link #of} does). */
  static StateCodec of(StateFormat format, StateLayout layout) {
    return switch (format) {
      case JSON ->
          layout == StateLayout.PYTHON_MEMORY_MANAGER
              ? JsonStateCodec.MEMORY_MANAGER
              : JsonStateCodec.INSTANCE;
      case NPZ ->
          switch (layout) {
            case NATIVE -> NpzStateCodec.INSTANCE;
            case PYTHON_STATE_STORE -> PythonNpzCodec.STATE_STORE;
            case PYTHON_MEMORY_MANAGER -> PythonNpzCodec.MEMORY_MANAGER;
          };
    };
  }
}
