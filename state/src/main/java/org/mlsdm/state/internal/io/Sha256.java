package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 helper: new digests, lowercase hex, and the digest of a channel or a stream. */
public final class Sha256 {
  private static final int BUFFER = HashingSink.BUFFER_SIZE;

  private Sha256() {}

  /** A new SHA-256 digest. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Lowercase hex of a digest. */
  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /**
   * The lowercase hex SHA-256 of a channel's bytes from 0 to its end. A {@link FileChannel} is read
   * by positional reads, which leave its position alone (so that another thread may parse it at the
   * same time); another channel is read from 0 and left at its end.
   */
  public static String of(SeekableByteChannel ch) throws IOException {
    MessageDigest md = newDigest();
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    if (ch instanceof FileChannel fc) {
      long position = 0;
      for (int n = fc.read(buf, position); n >= 0; n = fc.read(buf, position)) {
        position += n;
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    } else {
      ch.position(0);
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return hex(md.digest());
  }

  /** The lowercase hex SHA-256 of a stream's remaining bytes; the stream is not closed. */
  public static String of(InputStream in) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[BUFFER];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      md.update(buf, 0, n);
    }
    return hex(md.digest());
  }

  /** Whether {@code text} is a lowercase hex SHA-256 digest. */
  public static boolean isDigest(String text) {
    return text.length() == 64
        && text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
