package org.mlsdm.state.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.io.Companions;
import org.mlsdm.state.internal.io.Sha256;

/**
 * The journal's byte layout: what a checkpoint appends beside a state file, and how a load reads it
 * back. All integers and doubles are big-endian; doubles are IEEE 754 binary64.
 *
 * <p><b>File</b> ({@code NAME.journal}):
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "MLSDMJ01" (ASCII; the last two bytes are the layout version)
 * 8       32    chain root: the raw SHA-256 of the base file this journal extends
 * 40      ...   frames, back to back
 * </pre>
 *
 * <p><b>Frame</b> ({@code 52 + P} bytes):
 *
 * <pre>
 * offset  size  field
 * 0       4     magic 0x4A524E4C ("JRNL")
 * 4       4     P, the payload length (0 &lt;= P &lt;= the bytes left in the journal)
 * 8       8     seq, 1 for the first frame, +1 for each next one
 * 16      32    prev: the chain value of the previous frame (the chain root for frame 1)
 * 48      P     payload (below)
 * 48+P    4     CRC32C of bytes [0, 48+P) of this frame
 *
 * chain value of a frame = SHA-256(prev || CRC32C || P || seq)
 * </pre>
 *
 * <p><b>Payload</b>: the state as of this checkpoint, relative to the one before it.
 *
 * <pre>
 * size      field
 * 8         updated_at, microseconds since the epoch
 * 4         id length in UTF-8 bytes, -1 for none; then that many bytes
 * 4         D, the dimension (must equal the base's)
 * 8*D * 3   state_l1, state_l2, state_l3 (replace the previous levels)
 * 8         rows_before: the QILM size before this frame (must equal the running size)
 * 4         N, rows appended
 * 8*N       their phases
 * N times:  4 bytes L, then L doubles: one appended vector
 * optional, only when an appended phase is a label:
 * 4         M, labelled rows (1 &lt;= M &lt;= N)
 * M times:  4 bytes index (0 &lt;= index &lt; N, increasing), 4 bytes K, K bytes: the label, UTF-8
 * </pre>
 *
 * A labelled row's number in the phases above is 0.0 (as in {@code QilmStateRecord}). Frames
 * without labels are byte for byte what layout 01 wrote before labels existed.
 *
 * <p>The CRC32C makes each frame self-checking (a torn or flipped byte fails it); the chain ties
 * each frame to its predecessor and the first to the exact base bytes, so frames from another
 * history (a base rewritten by a whole-file save, the Python system or a restore) are never
 * applied. The chain value hashes the CRC rather than the payload so that a load reads a journal at
 * the speed of CRC32C; detecting deliberate forgery is not the checksum's job here any more than it
 * is the {@code .checksum} file's.
 *
 * <p><b>Hostile input.</b> Every length is checked against the bytes that remain before anything is
 * allocated, so a load allocates at most 5× the journal's size: the journal's bytes, read at once,
 * and the decoded arrays (at most 4×: a zero-length vector costs 4 bytes on disk and a 16-byte
 * array header on the heap). A journal larger than 2 GiB is refused.
 */
public final class JournalFormat {
  static final byte[] FILE_MAGIC = "MLSDMJ01".getBytes(StandardCharsets.US_ASCII);
  static final int FRAME_MAGIC = 0x4A524E4C;

  /** Bytes before the first frame. */
  public static final int HEADER_SIZE = 40;

  /** Bytes of a frame besides its payload. */
  public static final int FRAME_OVERHEAD = 52;

  static final int FRAME_HEADER = 48;

  /** The largest journal a load reads. */
  static final long MAX_JOURNAL = Integer.MAX_VALUE - 64L;

  private JournalFormat() {}

  /**
   * The journal file of a state file: {@code NAME.journal} beside it.
   *
   * @param state the state file
   * @return its journal's path
   */
  public static Path journalPath(Path state) {
    return Companions.journal(state);
  }

  /**
   * One checkpoint's content. The arrays are read, never kept or changed.
   *
   * @param updatedAt the state's update time
   * @param id the state's id, or null
   * @param l1 level 1
   * @param l2 level 2
   * @param l3 level 3
   * @param rowsBefore the QILM size this delta extends
   * @param rows the appended vectors
   * @param phases their phases, 0.0 where labelled
   * @param labels null when every appended phase is a number; otherwise a label or null per row
   */
  public record Delta(
      Instant updatedAt,
      String id,
      double[] l1,
      double[] l2,
      double[] l3,
      long rowsBefore,
      double[][] rows,
      double[] phases,
      String[] labels) {

    /**
     * A delta whose appended phases are all numbers.
     *
     * @param updatedAt the state's update time
     * @param id the state's id, or null
     * @param l1 level 1
     * @param l2 level 2
     * @param l3 level 3
     * @param rowsBefore the QILM size this delta extends
     * @param rows the appended vectors
     * @param phases their phases
     */
    public Delta(
        Instant updatedAt,
        String id,
        double[] l1,
        double[] l2,
        double[] l3,
        long rowsBefore,
        double[][] rows,
        double[] phases) {
      this(updatedAt, id, l1, l2, l3, rowsBefore, rows, phases, null);
    }
  }

  /** The file header for a base whose SHA-256 is {@code baseSha256Hex}. */
  static ByteBuffer header(String baseSha256Hex) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
    b.put(FILE_MAGIC).put(HexFormat.of().parseHex(baseSha256Hex));
    return b.flip();
  }

  /** The payload's length for a delta. */
  static int payloadSize(Delta d, byte[] id) {
    long n = 8 + 4 + (id == null ? 0 : id.length) + 4 + 24L * d.l1().length + 8 + 4;
    n += 8L * d.phases().length;
    for (double[] row : d.rows()) {
      n += 4 + 8L * row.length;
    }
    if (d.labels() != null) {
      n += 4;
      for (String label : d.labels()) {
        if (label != null) {
          n += 8L + label.getBytes(StandardCharsets.UTF_8).length;
        }
      }
    }
    if (n > MAX_JOURNAL / 2) {
      throw new IllegalArgumentException("checkpoint too large for one journal frame: " + n);
    }
    return (int) n;
  }

  /**
   * Encodes one frame into {@code out} (which must have {@code FRAME_OVERHEAD + payloadSize} bytes
   * left) and returns the new chain value.
   */
  static byte[] writeFrame(ByteBuffer out, Delta d, long seq, byte[] prev) {
    byte[] id = d.id() == null ? null : d.id().getBytes(StandardCharsets.UTF_8);
    int p = payloadSize(d, id);
    int start = out.position();
    out.putInt(FRAME_MAGIC).putInt(p).putLong(seq).put(prev);
    out.putLong(micros(d.updatedAt()));
    if (id == null) {
      out.putInt(-1);
    } else {
      out.putInt(id.length).put(id);
    }
    out.putInt(d.l1().length);
    putAll(out, d.l1());
    putAll(out, d.l2());
    putAll(out, d.l3());
    out.putLong(d.rowsBefore()).putInt(d.rows().length);
    putAll(out, d.phases());
    for (double[] row : d.rows()) {
      out.putInt(row.length);
      putAll(out, row);
    }
    putLabels(out, d.labels());
    CRC32C crc = new CRC32C();
    ByteBuffer covered = out.duplicate();
    covered.position(start).limit(out.position());
    crc.update(covered);
    int c = (int) crc.getValue();
    out.putInt(c);
    return chain(prev, c, p, seq);
  }

  /** The optional labels section; nothing when no appended phase is a label. */
  private static void putLabels(ByteBuffer out, String[] labels) {
    if (labels == null) {
      return;
    }
    int m = 0;
    for (String label : labels) {
      if (label != null) {
        m++;
      }
    }
    out.putInt(m);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != null) {
        byte[] raw = labels[i].getBytes(StandardCharsets.UTF_8);
        out.putInt(i).putInt(raw.length).put(raw);
      }
    }
  }

  /** Bytes a frame for {@code d} takes. */
  static int frameSize(Delta d) {
    byte[] id = d.id() == null ? null : d.id().getBytes(StandardCharsets.UTF_8);
    return FRAME_OVERHEAD + payloadSize(d, id);
  }

  private static void putAll(ByteBuffer out, double[] values) {
    out.asDoubleBuffer().put(values);
    out.position(out.position() + 8 * values.length);
  }

  static byte[] chain(byte[] prev, int crc, int payload, long seq) {
    MessageDigest md = Sha256.newDigest();
    md.update(prev);
    md.update(ByteBuffer.allocate(16).putInt(crc).putInt(payload).putLong(seq).array());
    return md.digest();
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  // ---------------------------------------------------------------- reading

  /** What a journal holds, as far as it verifies. */
  public enum Kind {
    /** No journal file, or an empty one. */
    ABSENT,
    /** A journal whose chain starts at the base: its whole frames apply. */
    CHAINS,
    /** Not a journal of this base (another chain root, or not a journal at all): never applied. */
    STALE
  }

  /**
   * The result of reading a journal.
   *
   * @param kind whether it applies
   * @param size the journal's size in bytes as read
   * @param validLength the bytes up to the end of the last whole frame that chains (0 unless {@code
   *     CHAINS}; a torn header counts as no journal)
   * @param frames the frames that apply, in order
   * @param chainEnd the chain value after the last applied frame (the root when none)
   * @param problem why the tail or the whole journal was not applied, or null
   */
  public record Scan(
      Kind kind, long size, long validLength, List<Frame> frames, byte[] chainEnd, String problem) {
    /**
     * Bytes past the last whole frame that chains: a torn or corrupt tail.
     *
     * @return the count, 0 unless the journal chains
     */
    public long tornBytes() {
      return kind == Kind.CHAINS ? size - validLength : 0;
    }
  }

  /**
   * One decoded frame.
   *
   * @param seq its number, from 1
   * @param updatedAt the state's update time
   * @param id the state's id, or null
   * @param l1 level 1
   * @param l2 level 2
   * @param l3 level 3
   * @param rowsBefore the QILM size it extends
   * @param rows the appended vectors
   * @param phases their phases, 0.0 where labelled
   * @param labels null when every appended phase is a number; otherwise a label or null per row
   */
  public record Frame(
      long seq,
      Instant updatedAt,
      String id,
      double[] l1,
      double[] l2,
      double[] l3,
      long rowsBefore,
      double[][] rows,
      double[] phases,
      String[] labels) {}

  /**
   * Reads a whole journal from a channel positioned anywhere and bounded by its size now.
   *
   * @param ch the journal, or null when there is none
   * @param journal its path, for messages
   * @param baseSha256Hex the base's SHA-256, lowercase hex
   * @param dimension the base's dimension
   * @param baseRows the base's QILM size
   * @throws StateLoadException if a frame in the middle is corrupt, or a whole frame fails to chain
   *     or to decode
   */
  static Scan scan(
      SeekableByteChannel ch, Path journal, String baseSha256Hex, int dimension, long baseRows)
      throws IOException {
    if (ch == null) {
      byte[] r = baseSha256Hex == null ? null : root(baseSha256Hex);
      return new Scan(Kind.ABSENT, 0, 0, List.of(), r, null);
    }
    long size = ch.size();
    byte[] root = root(baseSha256Hex);
    if (size < HEADER_SIZE) {
      // A journal is created and its header written before any frame; a crash between the two
      // leaves a short header and no acknowledged checkpoint.
      String why = size == 0 ? null : "torn header (" + size + " bytes)";
      return new Scan(Kind.ABSENT, size, 0, List.of(), root, why);
    }
    if (size > MAX_JOURNAL) {
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED,
          "Journal " + journal + " is " + size + " bytes, over the limit of " + MAX_JOURNAL,
          null);
    }
    ByteBuffer all = ByteBuffer.allocate((int) size);
    ch.position(0);
    while (all.hasRemaining()) {
      if (ch.read(all) < 0) {
        break;
      }
    }
    all.flip();
    byte[] magic = new byte[8];
    all.get(magic);
    byte[] fileRoot = new byte[32];
    all.get(fileRoot);
    if (!Arrays.equals(magic, FILE_MAGIC)) {
      return new Scan(Kind.STALE, size, 0, List.of(), root, "not a journal (bad magic)");
    }
    if (!Arrays.equals(fileRoot, root)) {
      return new Scan(
          Kind.STALE,
          size,
          0,
          List.of(),
          root,
          "chain root "
              + HexFormat.of().formatHex(fileRoot)
              + " is not the base's SHA-256 "
              + baseSha256Hex);
    }
    List<Frame> frames = new ArrayList<>();
    byte[] prev = root;
    long rows = baseRows;
    String problem = null;
    int limit = all.limit();
    while (all.position() < limit) {
      int start = all.position();
      int left = limit - start;
      if (left < FRAME_OVERHEAD) {
        problem = "torn frame at byte " + start + " (" + left + " bytes)";
        break;
      }
      int magicAt = all.getInt(start);
      int p = all.getInt(start + 4);
      if (magicAt != FRAME_MAGIC || p < 0) {
        if (zeros(all, start, limit)) {
          problem = "zero-filled tail at byte " + start + " (" + left + " bytes)";
          break;
        }
        throw corrupt(journal, start, "bad frame header");
      }
      if ((long) p + FRAME_OVERHEAD > left) {
        if (laterFrame(all, start + 1, limit)) {
          throw corrupt(journal, start, "frame length runs past a later whole frame");
        }
        problem = "torn frame at byte " + start + " (" + left + " of " + (p + 52L) + " bytes)";
        break;
      }
      int end = start + FRAME_HEADER + p;
      CRC32C crc = new CRC32C();
      ByteBuffer covered = all.duplicate();
      covered.position(start).limit(end);
      crc.update(covered);
      int stored = all.getInt(end);
      if ((int) crc.getValue() != stored) {
        if (end + 4 == limit) {
          problem = "last frame at byte " + start + " fails its CRC32C (torn write)";
          break;
        }
        throw corrupt(journal, start, "CRC32C mismatch in a frame followed by others");
      }
      long seq = all.getLong(start + 8);
      byte[] framePrev = new byte[32];
      all.get(start + 16, framePrev);
      if (seq != frames.size() + 1 || !Arrays.equals(framePrev, prev)) {
        throw corrupt(journal, start, "frame " + seq + " does not chain to its predecessor");
      }
      all.position(start + FRAME_HEADER).limit(end);
      Frame f;
      try {
        f = decode(all.slice(), seq, dimension, rows);
      } catch (RuntimeException e) {
        throw new StateLoadException(
            StateLoadException.Reason.INVALID,
            "Journal " + journal + ": frame " + seq + " at byte " + start + ": " + e.getMessage(),
            e);
      }
      all.limit(limit).position(end + 4);
      rows += f.rows().length;
      frames.add(f);
      prev = chain(prev, stored, p, seq);
    }
    long valid = problem == null ? size : headerAndFrames(frames, all);
    return new Scan(Kind.CHAINS, size, valid, List.copyOf(frames), prev, problem);
  }

  private static long headerAndFrames(List<Frame> frames, ByteBuffer all) {
    // The position after the last applied frame: walk the lengths again.
    long pos = HEADER_SIZE;
    for (int i = 0; i < frames.size(); i++) {
      pos += FRAME_OVERHEAD + all.getInt((int) pos + 4);
    }
    return pos;
  }

  /** Whether a whole frame with a valid CRC32C starts anywhere in [from, to). */
  private static boolean laterFrame(ByteBuffer b, int from, int to) {
    for (int i = from; i + FRAME_OVERHEAD <= to; i++) {
      if (b.getInt(i) != FRAME_MAGIC) {
        continue;
      }
      int p = b.getInt(i + 4);
      if (p < 0 || (long) i + FRAME_OVERHEAD + p > to) {
        continue;
      }
      CRC32C crc = new CRC32C();
      ByteBuffer covered = b.duplicate();
      covered.position(i).limit(i + FRAME_HEADER + p);
      crc.update(covered);
      if ((int) crc.getValue() == b.getInt(i + FRAME_HEADER + p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean zeros(ByteBuffer b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static StateLoadException corrupt(Path journal, int at, String why) {
    return new StateLoadException(
        StateLoadException.Reason.CORRUPT,
        "Journal " + journal + " is corrupt at byte " + at + ": " + why,
        null);
  }

  private static byte[] root(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static Frame decode(ByteBuffer b, long seq, int dimension, long rowsNow) {
    long micros = b.getLong();
    Instant updated =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    int idLen = b.getInt();
    String id = null;
    if (idLen != -1) {
      need(b, idLen, 1, "id");
      byte[] raw = new byte[idLen];
      b.get(raw);
      try {
        id =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(raw))
                .toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("id is not UTF-8", e);
      }
    }
    int d = b.getInt();
    if (d != dimension) {
      throw new IllegalArgumentException("dimension " + d + ", the base has " + dimension);
    }
    need(b, d, 24, "levels");
    double[] l1 = doubles(b, d);
    double[] l2 = doubles(b, d);
    double[] l3 = doubles(b, d);
    long before = b.getLong();
    if (before != rowsNow) {
      throw new IllegalArgumentException(
          "rows_before " + before + ", but base and earlier frames hold " + rowsNow);
    }
    int n = b.getInt();
    need(b, n, 12, "rows");
    double[] phases = doubles(b, n);
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      int len = b.getInt();
      need(b, len, 8, "row " + i);
      rows[i] = doubles(b, len);
    }
    String[] labels = b.hasRemaining() ? labels(b, phases) : null;
    if (b.hasRemaining()) {
      throw new IllegalArgumentException(b.remaining() + " bytes after the last label");
    }
    return new Frame(seq, updated, id, l1, l2, l3, before, rows, phases, labels);
  }

  /** Decodes the labels section; each labelled row's number must be 0.0. */
  private static String[] labels(ByteBuffer b, double[] phases) {
    need(b, 1, 4, "labels");
    int m = b.getInt();
    if (m < 1 || m > phases.length) {
      throw new IllegalArgumentException(
          "labels: " + m + " labelled rows, the frame appends " + phases.length);
    }
    need(b, m, 8, "labels");
    String[] labels = new String[phases.length];
    int last = -1;
    for (int k = 0; k < m; k++) {
      need(b, 1, 8, "label " + k);
      int index = b.getInt();
      if (index <= last || index >= phases.length) {
        throw new IllegalArgumentException("label " + k + ": row " + index + " out of order");
      }
      if (Double.doubleToRawLongBits(phases[index]) != 0L) {
        throw new IllegalArgumentException(
            "row " + index + " is labelled, so its number must be 0.0, got " + phases[index]);
      }
      int len = b.getInt();
      need(b, len, 1, "label " + k);
      byte[] raw = new byte[len];
      b.get(raw);
      labels[index] = utf8(raw, "label " + k);
      last = index;
    }
    return labels;
  }

  private static String utf8(byte[] raw, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not UTF-8", e);
    }
  }

  /** Checks that {@code count} items of at least {@code bytesEach} bytes can still follow. */
  private static void need(ByteBuffer b, int count, int bytesEach, String what) {
    if (count < 0 || (long) count * bytesEach > b.remaining()) {
      throw new IllegalArgumentException(
          what + ": length " + count + " exceeds the " + b.remaining() + " bytes left");
    }
  }

  private static double[] doubles(ByteBuffer b, int n) {
    double[] out = new double[n];
    b.asDoubleBuffer().get(out);
    b.position(b.position() + 8 * n);
    return out;
  }
}
