package org.mlsdm.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The body every reader fuzz test shares: read, then decode as a load would. */
final class ReaderFuzzing {
  private ReaderFuzzing() {}

  /**
   * Reads {@code input} with {@code codec} and decodes the map as {@code SystemStates.load} does.
   * Only {@link StateLoadException} is an accepted outcome; it is swallowed, anything else escapes.
   */
  static SystemStateRecord readAndDecode(StateCodec codec, byte[] input, Path source)
      throws IOException {
    try (BytesChannel ch = new BytesChannel(input)) {
      Map<String, Object> map = codec.read(ch, source.toString());
      return StateStore.decode(map, source, LoadOptions.defaults());
    } catch (StateLoadException expected) {
      return null;
    }
  }
}
