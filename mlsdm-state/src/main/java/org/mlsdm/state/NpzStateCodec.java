package org.mlsdm.state;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;

/** The Npz format; being written in its own issue. */
final class NpzStateCodec implements StateCodec {
  static final NpzStateCodec INSTANCE = new NpzStateCodec();

  private NpzStateCodec() {}

  @Override
  public void write(SystemStateRecord state, OutputStream out) throws IOException {
    throw new UnsupportedOperationException("Npz codec not written yet");
  }

  @Override
  public Map<String, Object> read(SeekableByteChannel in, String source) throws IOException {
    throw new UnsupportedOperationException("Npz codec not written yet");
  }
}
