package org.mlsdm.state;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A buffered stream into a new file that hashes what it writes: the bytes are serialized, hashed
 * and written in one pass, so a save never reads its file back to checksum it.
 */
final class HashingSink extends OutputStream {
  static final int BUFFER_SIZE = 1 << 16;

  private final FileOps ops;
  private final FileChannel channel;
  private final MessageDigest digest = sha256();
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int count;
  private long written;

  HashingSink(FileOps ops, FileChannel channel) {
    this.ops = ops;
    this.channel = channel;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      drain();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len >= buffer.length) {
      drain();
      emit(b, off, len);
      return;
    }
    if (len > buffer.length - count) {
      drain();
    }
    System.arraycopy(b, off, buffer, count, len);
    count += len;
  }

  /** Writes out what is buffered; the channel is not forced. */
  @Override
  public void flush() throws IOException {
    drain();
  }

  /** Flushes and returns the lowercase hex SHA-256 of everything written. */
  String finish() throws IOException {
    drain();
    return hex(digest.digest());
  }

  long bytesWritten() {
    return written + count;
  }

  private void drain() throws IOException {
    if (count > 0) {
      emit(buffer, 0, count);
      count = 0;
    }
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    digest.update(b, off, len);
    ops.write(channel, ByteBuffer.wrap(b, off, len));
    written += len;
  }
}
