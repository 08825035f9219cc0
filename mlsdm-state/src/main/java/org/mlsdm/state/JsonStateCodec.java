package org.mlsdm.state;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;

/** The Json format; being written in its own issue. */
final class JsonStateCodec implements StateCodec {
  static final JsonStateCodec INSTANCE = new JsonStateCodec();

  private JsonStateCodec() {}

  @Override
  public void write(SystemStateRecord state, OutputStream out) throws IOException {
    throw new UnsupportedOperationException("Json codec not written yet");
  }

  @Override
  public Map<String, Object> read(SeekableByteChannel in, String source) throws IOException {
    throw new UnsupportedOperationException("Json codec not written yet");
  }
}
