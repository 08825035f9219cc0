package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A streaming writer of zip archives of stored (uncompressed) entries, for a plain, non-seekable
 * {@link OutputStream}.
 *
 * <p>Each entry's length is known in advance and its CRC-32 is computed by a first pass that
 * encodes the entry into nothing but the checksum, so every local header carries exact sizes and
 * CRC (no data descriptors, as {@code np.savez} writes them) and nothing is buffered. Timestamps
 * are fixed at 1980-01-01 00:00 so that equal states give equal bytes. Zip64 is not written: an
 * archive whose entries or offsets would pass 4 GiB, or with more than 65,535 entries, is refused
 * before its first byte is written.
 */
final class ZipArchiveWriter {
  /** One entry: its file name in the archive and its bytes. */
  record Entry(String name, NpyWriter data) {}

  private static final long MAX_32 = 0xFFFF_FFFFL;
  private static final int DOS_DATE_1980_01_01 = (1 << 5) | 1;
  private static final int VERSION = 20;
  private static final int MADE_BY_UNIX = (3 << 8) | VERSION;
  private static final int FILE_MODE_0644 = 0100644 << 16;

  private ZipArchiveWriter() {}

  /**
   * Writes the archive; does not close {@code out}.
   *
   * @throws IOException if {@code out} fails, or if the archive would need zip64
   */
  static void write(List<Entry> entries, OutputStream out) throws IOException {
    long total = 22;
    for (Entry e : entries) {
      int name = e.name().getBytes(StandardCharsets.UTF_8).length;
      total += 30L + name + e.data().length() + 46L + name;
    }
    if (entries.size() > 0xFFFF || total > MAX_32) {
      throw new IOException(
          "NPZ archive of "
              + entries.size()
              + " entries and "
              + total
              + " bytes needs zip64, which this writer does not support (limits: 65535 entries, "
              + MAX_32
              + " bytes)");
    }
    long[] crcs = new long[entries.size()];
    long[] offsets = new long[entries.size()];
    long offset = 0;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      crcs[i] = crc(e.data());
      offsets[i] = offset;
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      ByteBuffer h = header(30 + name.length);
      h.putInt(0x04034b50).putShort((short) VERSION).putShort((short) 0).putShort((short) 0);
      h.putShort((short) 0).putShort((short) DOS_DATE_1980_01_01).putInt((int) crcs[i]);
      h.putInt((int) e.data().length()).putInt((int) e.data().length());
      h.putShort((short) name.length).putShort((short) 0).put(name);
      out.write(h.array());
      e.data().writeTo(out);
      offset += h.capacity() + e.data().length();
    }
    long directory = offset;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
      ByteBuffer c = header(46 + name.length);
      c.putInt(0x02014b50).putShort((short) MADE_BY_UNIX).putShort((short) VERSION);
      c.putShort((short) 0).putShort((short) 0).putShort((short) 0);
      c.putShort((short) DOS_DATE_1980_01_01).putInt((int) crcs[i]);
      c.putInt((int) e.data().length()).putInt((int) e.data().length());
      c.putShort((short) name.length).putShort((short) 0).putShort((short) 0);
      c.putShort((short) 0).putShort((short) 0).putInt(FILE_MODE_0644).putInt((int) offsets[i]);
      c.put(name);
      out.write(c.array());
      offset += c.capacity();
    }
    ByteBuffer end = header(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    end.putShort((short) entries.size()).putShort((short) entries.size());
    end.putInt((int) (offset - directory)).putInt((int) directory).putShort((short) 0);
    out.write(end.array());
  }

  private static ByteBuffer header(int length) {
    return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static long crc(NpyWriter data) throws IOException {
    CRC32 crc = new CRC32();
    data.writeTo(
        new OutputStream() {
          @Override
          public void write(int b) {
            crc.update(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
          }
        });
    return crc.getValue();
  }
}
