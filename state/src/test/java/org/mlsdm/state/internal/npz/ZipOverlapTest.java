package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.StateLoadException;

/**
 * Issue 10, item 7: zip entries whose bytes overlap (the trick that lets a zip bomb reuse one
 * compressed kernel for many entries) are refused, whether the central directory says so or only
 * the local header's extra field does.
 */
class ZipOverlapTest {
  @TempDir Path dir;

  /** A valid Java-written state, stored, with an unknown first entry of the given content. */
  private static byte[] zipWithFirstEntry(byte[] content) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("junk", content);
    entries.putAll(NpzTesting.entries(NpzTesting.STATE_JSON));
    return NpzTesting.zip(false, entries);
  }

  private StateLoadException refusal(byte[] zip) throws IOException {
    Path file = NpzTesting.file(dir, zip);
    StateLoadException e =
        catchThrowableOfType(StateLoadException.class, () -> NpzTesting.read(file));
    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED);
    return e;
  }

  @Test
  void read_entryInsideAnotherEntrysData_isRefused() throws IOException {
    // The unknown entry's data is a whole local record of 'version.npy'; pointing the directory's
    // 'version.npy' at it makes a file that is well formed in every other respect.
    byte[] plain = zipWithFirstEntry(new byte[0]);
    int local = NpzHostileArchiveTest.localEntry(plain, "version.npy");
    byte[] record = Arrays.copyOfRange(plain, local, end(plain, local));
    byte[] zip = zipWithFirstEntry(record);
    int junkData = 30 + "junk".length() + u16(zip, 28);
    assertThat(Arrays.copyOfRange(zip, junkData, junkData + record.length)).isEqualTo(record);
    le(zip).putInt(NpzHostileArchiveTest.centralEntry(zip, "version.npy") + 42, junkData);

    StateLoadException e = refusal(zip);

    assertThat(e)
        .hasMessageContaining("entries overlap: entry 'junk' at offset 0")
        .hasMessageContaining("where entry 'version.npy' begins");
  }

  @Test
  void read_twoEntriesAtOneOffset_isRefused() throws IOException {
    byte[] zip = NpzTesting.zip(false, NpzTesting.entries(NpzTesting.STATE_JSON));
    int version = le(zip).getInt(NpzHostileArchiveTest.centralEntry(zip, "version.npy") + 42);
    le(zip).putInt(NpzHostileArchiveTest.centralEntry(zip, "created_at.npy") + 42, version);

    assertThat(refusal(zip)).hasMessageContaining("entries overlap");
  }

  @Test
  void read_localExtraFieldPushingDataIntoTheNextEntry_isRefused() throws IOException {
    byte[] zip = NpzTesting.zip(false, NpzTesting.entries(NpzTesting.STATE_JSON));
    assertThat(NpzHostileArchiveTest.localEntry(zip, "version.npy")).isZero();
    le(zip).putShort(28, (short) 100);

    assertThat(refusal(zip))
        .hasMessageContaining("entry 'version.npy': data at offset 141 runs past offset")
        .hasMessageContaining("where the next entry begins (entries overlap)");
  }

  @Test
  void read_lastEntrysDataRunningIntoTheDirectory_isRefused() throws IOException {
    byte[] zip = zipWithFirstEntry(new byte[0]);
    int last = NpzHostileArchiveTest.localEntry(zip, "qilm.phases.npy");
    le(zip).putShort(last + 28, (short) 100);

    assertThat(refusal(zip))
        .hasMessageContaining("entry 'qilm.phases.npy': data at offset")
        .hasMessageContaining("into the central directory (entries overlap)");
  }

  @Test
  void read_entryNameThatIsNotUtf8_isMeasuredInBytesNotAsDecoded() throws IOException {
    // 'j\xffnk' decodes to 6 UTF-8 bytes: measured that way, the entries would seem to overlap.
    byte[] zip = zipWithFirstEntry(new byte[8]);
    zip[30 + 1] = (byte) 0xFF;
    int central = NpzHostileArchiveTest.centralEntry(zip, "qilm.phases.npy");
    while (le(zip).getInt(central) != 0x02014b50 || zip[central + 46] != 'j') {
      central--;
    }
    zip[central + 46 + 1] = (byte) 0xFF;

    assertThat(NpzTesting.read(NpzTesting.file(dir, zip))).containsKey("qilm");
  }

  private static ByteBuffer le(byte[] zip) {
    return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int u16(byte[] zip, int at) {
    return le(zip).getShort(at) & 0xFFFF;
  }

  /** The end of a stored entry's local record: header, name, extra field and data. */
  private static int end(byte[] zip, int local) {
    return local + 30 + u16(zip, local + 26) + u16(zip, local + 28) + le(zip).getInt(local + 18);
  }
}
