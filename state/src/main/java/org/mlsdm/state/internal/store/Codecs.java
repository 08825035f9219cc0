package org.mlsdm.state.internal.store;

import org.mlsdm.state.StateFormat;
import org.mlsdm.state.internal.json.JsonStateCodec;
import org.mlsdm.state.internal.npz.NpzStateCodec;

/** The codec of each {@link StateFormat}: the one place a format meets its implementation. */
final class Codecs {
  private Codecs() {}

  static StateCodec of(StateFormat format) {
    return switch (format) {
      case JSON -> JsonStateCodec.INSTANCE;
      case NPZ -> NpzStateCodec.INSTANCE;
    };
  }
}
