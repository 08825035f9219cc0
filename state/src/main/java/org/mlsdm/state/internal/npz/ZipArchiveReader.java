package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;

/**
 * Reads a zip archive from a {@link SeekableByteChannel} through its central directory, streaming
 * each entry (stored or deflated) without holding the archive in memory.
 *
 * <pre>
 * record                          accepted
 * end of central directory        PK\5\6 within the last 65,557 bytes, its comment ending the file;
 *                                 one disk; counts or offsets of 0xFFFF(FFFF) lead to the zip64
 *                                 locator PK\6\7 and record PK\6\6
 * central directory               at most {@link #MAX_ENTRIES} entries PK\1\2 in 4 MiB, before the
 *                                 end record; unique names; sizes and offset from the zip64
 *                                 extra field (0x0001) where they read 0xFFFFFFFF (np.savez writes
 *                                 with force_zip64)
 *   flags                         not encrypted (bit 0); bit 3 (data descriptor) allowed
 *   method                        0 stored (sizes equal) or 8 deflated (uncompressed at most
 *                                 {@link #MAX_RATIO} times compressed + 1 KiB: deflate cannot
 *                                 exceed about 1032)
 *   all entries                   inside the data area and not overlapping: sorted by offset,
 *                                 each one's local header, name and compressed data end at or
 *                                 before the next one's offset; uncompressed sizes adding
 *                                 up to at most max({@link #MAX_TOTAL_FLOOR},
 *                                 {@link #MAX_EXPANSION} × file size)
 * local header                    PK\3\4 with the directory's name and method, and its CRC and
 *                                 sizes unless bit 3 is set or they read 0xFFFFFFFF
 * entry data                      after the local extra field, ending at or before the next
 *                                 entry's offset (or the central directory); exactly the
 *                                 declared size and CRC-32, checked while streaming; never more
 *                                 than the declared size is inflated
 * </pre>
 *
 * Overlap is refused because it is how zip bombs reuse one compressed kernel for many entries (each
 * entry within the ratio limit, the archive far beyond the file's size): with disjoint entries the
 * compressed bytes of all of them add up to at most the file.
 */
final class ZipArchiveReader {
  static final int MAX_ENTRIES = 4096;
  static final int MAX_RATIO = 1100;

  /** Uncompressed bytes any archive may declare in total, whatever its own size. */
  static final long MAX_TOTAL_FLOOR = 64L << 20;

  static final int MAX_EXPANSION = 64;
  private static final int MAX_DIRECTORY = 4 << 20;
  private static final int CHUNK = 1 << 16;
  private static final long MAX_32 = 0xFFFF_FFFFL;

  /** One central-directory entry. */
  record Entry(
      String name, int method, int flags, long crc, long compressedSize, long size, long offset) {}

  private final SeekableByteChannel channel;
  private final String source;
  private final long directoryStart;
  private final Map<String, Entry> entries;

  /** Per entry name: where the next entry (or the central directory) begins. */
  private final Map<String, Long> ends;

  private ZipArchiveReader(
      SeekableByteChannel channel,
      String source,
      long directoryStart,
      Map<String, Entry> entries,
      Map<String, Long> ends) {
    this.channel = channel;
    this.source = source;
    this.directoryStart = directoryStart;
    this.entries = entries;
    this.ends = ends;
  }

  /** The entries in directory order. */
  Collection<Entry> entries() {
    return Collections.unmodifiableCollection(entries.values());
  }

  /**
   * Reads the central directory.
   *
   * @param budget the load's budget, charged with the directory and its entries
   * @throws StateLoadException if it is missing, malformed or exceeds a limit
   * @throws IOException if reading fails
   */
  static ZipArchiveReader open(SeekableByteChannel channel, String source, LoadBudget budget)
      throws IOException {
    long fileSize = channel.size();
    Directory d = locate(channel, fileSize, source);
    long directoryStart = d.start();
    long count = d.count();
    budget.charge(LoadBudget.array(d.size(), 1), source + ": the central directory");
    ByteBuffer dir = read(channel, directoryStart, (int) d.size(), source);
    Map<String, Entry> entries = new LinkedHashMap<>();
    // Per entry: where its compressed data ends if the local header has no extra field.
    Map<String, Long> leastEnds = new HashMap<>();
    int p = 0;
    long total = 0;
    long maxTotal = Math.max(MAX_TOTAL_FLOOR, fileSize * MAX_EXPANSION);
    for (long i = 0; i < count; i++) {
      if (p + 46 > dir.limit() || dir.getInt(p) != 0x02014b50) {
        throw bad(
            source,
            "central directory entry " + i + " malformed at offset " + (directoryStart + p));
      }
      int flags = dir.getShort(p + 8) & 0xFFFF;
      int method = dir.getShort(p + 10) & 0xFFFF;
      long crc = dir.getInt(p + 16) & MAX_32;
      long compressed = dir.getInt(p + 20) & MAX_32;
      long size = dir.getInt(p + 24) & MAX_32;
      int nameLength = dir.getShort(p + 28) & 0xFFFF;
      int extraLength = dir.getShort(p + 30) & 0xFFFF;
      int commentLength = dir.getShort(p + 32) & 0xFFFF;
      long offset = dir.getInt(p + 42) & MAX_32;
      int next = p + 46 + nameLength + extraLength + commentLength;
      if (next > dir.limit()) {
        throw bad(source, "central directory entry " + i + " runs past the directory");
      }
      // The name's bytes and string, the entry and its places in two maps (here and the codec's).
      budget.charge(
          2 * LoadBudget.array(nameLength, Character.BYTES) + 6L * LoadBudget.OBJECT,
          source + ": central directory entry " + i);
      byte[] nameBytes = new byte[nameLength];
      dir.get(p + 46, nameBytes);
      String name = new String(nameBytes, StandardCharsets.UTF_8);
      int x = p + 46 + nameLength;
      int extraEnd = x + extraLength;
      while (x + 4 <= extraEnd) {
        int id = dir.getShort(x) & 0xFFFF;
        int len = dir.getShort(x + 2) & 0xFFFF;
        int q = x + 4;
        if (q + len > extraEnd) {
          throw bad(source, "entry '" + name + "': extra field runs past the entry");
        }
        if (id == 0x0001) {
          if (size == MAX_32 && q + 8 <= x + 4 + len) {
            size = dir.getLong(q);
            q += 8;
          }
          if (compressed == MAX_32 && q + 8 <= x + 4 + len) {
            compressed = dir.getLong(q);
            q += 8;
          }
          if (offset == MAX_32 && q + 8 <= x + 4 + len) {
            offset = dir.getLong(q);
          }
        }
        x += 4 + len;
      }
      String where = "entry '" + name + "'";
      if ((flags & 1) != 0) {
        throw bad(source, where + " is encrypted");
      }
      if (method != 0 && method != 8) {
        throw bad(
            source,
            where
                + " uses compression method "
                + method
                + " (only 0 stored and 8 deflated are supported)");
      }
      if (size < 0
          || compressed < 0
          || offset < 0
          || compressed > directoryStart
          || offset > directoryStart
          || offset + 30 + nameLength + compressed > directoryStart) {
        throw bad(
            source,
            where
                + " at offset "
                + offset
                + " with "
                + compressed
                + " compressed bytes lies outside the file's data");
      }
      if (method == 0 && compressed != size) {
        throw bad(
            source,
            where
                + " is stored but declares "
                + compressed
                + " compressed and "
                + size
                + " uncompressed bytes");
      }
      if (method == 8 && size > compressed * MAX_RATIO + 1024) {
        throw bad(
            source,
            where
                + " claims to inflate "
                + compressed
                + " bytes to "
                + size
                + " (ratio limit "
                + MAX_RATIO
                + ")");
      }
      total += size;
      if (total > maxTotal) {
        throw bad(
            source,
            "entries up to '"
                + name
                + "' declare "
                + total
                + " uncompressed bytes, limit "
                + maxTotal
                + " for a file of "
                + fileSize
                + " bytes");
      }
      if (entries.putIfAbsent(name, new Entry(name, method, flags, crc, compressed, size, offset))
          != null) {
        throw bad(source, "duplicate entry '" + name + "'");
      }
      leastEnds.put(name, offset + 30 + nameLength + compressed);
      p = next;
    }
    return new ZipArchiveReader(
        channel,
        source,
        directoryStart,
        entries,
        ends(entries.values(), leastEnds, directoryStart, source));
  }

  /**
   * Checks that no two entries overlap, as far as the directory tells (the local extra field's
   * length is known only when an entry is opened), and returns where each entry must end.
   */
  private static Map<String, Long> ends(
      Collection<Entry> entries, Map<String, Long> leastEnds, long directoryStart, String source) {
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::offset));
    Map<String, Long> ends = new HashMap<>();
    for (int i = 0; i < byOffset.size(); i++) {
      Entry e = byOffset.get(i);
      long end = i + 1 < byOffset.size() ? byOffset.get(i + 1).offset() : directoryStart;
      if (leastEnds.get(e.name()) > end) {
        throw bad(
            source,
            "entries overlap: entry '"
                + e.name()
                + "' at offset "
                + e.offset()
                + " with "
                + e.compressedSize()
                + " compressed bytes runs past offset "
                + end
                + (i + 1 < byOffset.size()
                    ? ", where entry '" + byOffset.get(i + 1).name() + "' begins"
                    : ", where the central directory begins"));
      }
      ends.put(e.name(), end);
    }
    return ends;
  }

  /** Where the central directory lies, from the end record and, when needed, its zip64 form. */
  private record Directory(long start, long size, long count) {}

  private static Directory locate(SeekableByteChannel channel, long fileSize, String source)
      throws IOException {
    int tailLength = (int) Math.min(fileSize, 22 + 0xFFFF);
    ByteBuffer tail = read(channel, fileSize - tailLength, tailLength, source);
    int eocd = -1;
    for (int i = tailLength - 22; i >= 0; i--) {
      if (tail.getInt(i) == 0x06054b50 && i + 22 + (tail.getShort(i + 20) & 0xFFFF) == tailLength) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw bad(source, "not a zip archive: no end-of-central-directory record");
    }
    long eocdPosition = fileSize - tailLength + eocd;
    int disk = tail.getShort(eocd + 4) & 0xFFFF;
    int directoryDisk = tail.getShort(eocd + 6) & 0xFFFF;
    long count = tail.getShort(eocd + 10) & 0xFFFF;
    long size = tail.getInt(eocd + 12) & MAX_32;
    long start = tail.getInt(eocd + 16) & MAX_32;
    long end = eocdPosition;
    if (count == 0xFFFF || size == MAX_32 || start == MAX_32) {
      if (eocdPosition < 20) {
        throw bad(source, "zip64 end-of-central-directory locator missing");
      }
      ByteBuffer locator = read(channel, eocdPosition - 20, 20, source);
      if (locator.getInt(0) != 0x07064b50) {
        throw bad(source, "zip64 end-of-central-directory locator missing");
      }
      long record = locator.getLong(8);
      if (record < 0 || record > eocdPosition - 20 - 56) {
        throw bad(source, "zip64 end-of-central-directory record offset " + record + " is invalid");
      }
      ByteBuffer z = read(channel, record, 56, source);
      if (z.getInt(0) != 0x06064b50) {
        throw bad(source, "no zip64 end-of-central-directory record at offset " + record);
      }
      disk = z.getInt(16);
      directoryDisk = z.getInt(20);
      count = z.getLong(32);
      size = z.getLong(40);
      start = z.getLong(48);
      end = record;
    }
    if (disk != 0 || directoryDisk != 0) {
      throw bad(source, "multi-disk zip archives are not supported");
    }
    if (count < 0 || count > MAX_ENTRIES) {
      throw bad(source, "zip archive declares " + count + " entries, limit " + MAX_ENTRIES);
    }
    if (size < 0 || start < 0 || size > MAX_DIRECTORY || start > end - size) {
      throw bad(
          source,
          "central directory at offset "
              + start
              + " of "
              + size
              + " bytes does not fit the file before offset "
              + end);
    }
    return new Directory(start, size, count);
  }

  /**
   * Opens an entry's uncompressed bytes; the stream verifies the size and the CRC-32 as it reaches
   * the end, and never yields more than the declared size.
   *
   * @throws StateLoadException if the local header disagrees with the central directory
   * @throws IOException if reading fails
   */
  InputStream open(Entry e) throws IOException {
    String where = "entry '" + e.name() + "'";
    ByteBuffer local = read(channel, e.offset(), 30, source);
    if (local.getInt(0) != 0x04034b50) {
      throw bad(source, where + ": no local header at offset " + e.offset());
    }
    int method = local.getShort(8) & 0xFFFF;
    int nameLength = local.getShort(26) & 0xFFFF;
    int extraLength = local.getShort(28) & 0xFFFF;
    long localCrc = local.getInt(14) & MAX_32;
    long localCompressed = local.getInt(18) & MAX_32;
    long localSize = local.getInt(22) & MAX_32;
    byte[] name = new byte[nameLength];
    read(channel, e.offset() + 30, nameLength, source).get(0, name);
    if (method != e.method() || !new String(name, StandardCharsets.UTF_8).equals(e.name())) {
      throw bad(
          source,
          where
              + ": local header at offset "
              + e.offset()
              + " disagrees with the central directory (name or method)");
    }
    boolean descriptor = (local.getShort(6) & 8) != 0;
    if (!descriptor
        && (localCrc != e.crc()
            || (localCompressed != MAX_32 && localCompressed != e.compressedSize())
            || (localSize != MAX_32 && localSize != e.size()))) {
      throw bad(
          source,
          where
              + ": local header at offset "
              + e.offset()
              + " disagrees with the central directory (CRC or sizes)");
    }
    long start = e.offset() + 30 + nameLength + extraLength;
    long end = ends.get(e.name());
    if (start + e.compressedSize() > end) {
      throw bad(
          source,
          where
              + ": data at offset "
              + start
              + " runs past offset "
              + end
              + ", "
              + (end == directoryStart
                  ? "into the central directory"
                  : "where the next entry begins")
              + " (entries overlap)");
    }
    return new EntryStream(e, start, where);
  }

  private static ByteBuffer read(
      SeekableByteChannel channel, long position, int length, String source) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    channel.position(position);
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw bad(source, "unexpected end of file at offset " + (position + b.position()));
      }
    }
    return b.flip();
  }

  private static StateLoadException bad(String source, String what) {
    return new StateLoadException(source + ": " + what);
  }

  /** One entry's uncompressed bytes, bounded by the declared size, checked at the end. */
  private final class EntryStream extends InputStream {
    private final Entry entry;
    private final String where;
    private final Inflater inflater;
    private final CRC32 crc = new CRC32();
    private final ByteBuffer input;
    private long position;
    private long compressedLeft;
    private long left;

    EntryStream(Entry entry, long start, String where) {
      this.entry = entry;
      this.where = where;
      this.position = start;
      this.compressedLeft = entry.compressedSize();
      this.left = entry.size();
      this.inflater = entry.method() == 8 ? new Inflater(true) : null;
      this.input = inflater == null ? null : ByteBuffer.allocate(CHUNK);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        return -1;
      }
      int want = (int) Math.min(len, left);
      int n = inflater == null ? readStored(b, off, want) : inflate(b, off, want);
      crc.update(b, off, n);
      left -= n;
      if (left == 0) {
        if (inflater != null) {
          inflater.end();
        }
        if (crc.getValue() != entry.crc()) {
          throw bad(
              source,
              where
                  + ": CRC-32 mismatch, expected "
                  + Long.toHexString(entry.crc())
                  + ", got "
                  + Long.toHexString(crc.getValue()));
        }
      }
      return n;
    }

    private int readStored(byte[] b, int off, int want) throws IOException {
      ByteBuffer dst = ByteBuffer.wrap(b, off, want);
      channel.position(position);
      int n = channel.read(dst);
      if (n <= 0) {
        throw bad(source, where + ": unexpected end of file at offset " + position);
      }
      position += n;
      return n;
    }

    private int inflate(byte[] b, int off, int want) throws IOException {
      try {
        while (true) {
          int n = inflater.inflate(b, off, want);
          if (n > 0) {
            return n;
          }
          if (inflater.finished() || inflater.needsDictionary()) {
            throw bad(
                source,
                where
                    + ": deflate data ends after "
                    + (entry.size() - left)
                    + " of "
                    + entry.size()
                    + " bytes");
          }
          if (inflater.needsInput()) {
            if (compressedLeft == 0) {
              throw bad(
                  source,
                  where
                      + ": compressed data ends after "
                      + (entry.size() - left)
                      + " of "
                      + entry.size()
                      + " bytes");
            }
            input.clear().limit((int) Math.min(CHUNK, compressedLeft));
            channel.position(position);
            int r = channel.read(input);
            if (r <= 0) {
              throw bad(source, where + ": unexpected end of file at offset " + position);
            }
            position += r;
            compressedLeft -= r;
            inflater.setInput(input.array(), 0, r);
          }
        }
      } catch (DataFormatException e) {
        throw new StateLoadException(
            source + ": " + where + ": invalid deflate data: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (inflater != null) {
        inflater.end();
      }
    }
  }
}
