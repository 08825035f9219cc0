package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.StateLoadException;

class NpzHostileArchiveTest {
  @TempDir Path dir;

  private Map<String, byte[]> valid() throws IOException {
    return NpzTesting.entries(NpzTesting.STATE_JSON);
  }

  private Path archive(Map<String, byte[]> entries) throws IOException {
    return NpzTesting.file(dir, NpzTesting.zip(false, entries));
  }

  private static void assertRefused(Path file, String... fragments) {
    Throwable t = catchThrowable(() -> NpzTesting.read(file));
    assertThat(t).isInstanceOf(StateLoadException.class);
    assertThat(((StateLoadException) t).reason()).isEqualTo(StateLoadException.Reason.MALFORMED);
    for (String f : fragments) {
      assertThat(t).hasMessageContaining(f);
    }
  }

  @Test
  void read_npyHeaderLongerThan10000_namesTheEntry() throws IOException {
    Map<String, byte[]> e = valid();
    e.put(
        "version.npy",
        NpzTesting.npy(
            "{'descr': '<i8', 'fortran_order': False, 'shape': (), }" + " ".repeat(10_050),
            new byte[8]));

    assertRefused(archive(e), "version.npy", "header length");
  }

  @Test
  void read_shapeLargerThanData_namesTheEntry() throws IOException {
    Map<String, byte[]> e = valid();
    e.put(
        "qilm.phases.npy",
        NpzTesting.npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }", new byte[24]));

    assertRefused(archive(e), "qilm.phases.npy", "needs 8000000 data bytes");
  }

  @Test
  void read_shapeProductOverflow_isRefused() throws IOException {
    Map<String, byte[]> e = valid();
    e.put(
        "qilm.memory.npy",
        NpzTesting.npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 3), }",
            new byte[0]));

    assertRefused(archive(e), "qilm.memory.npy", "overflows");
  }

  @Test
  void read_tooManyEntries_isRefused() throws IOException {
    Map<String, byte[]> e = valid();
    for (int i = 0; i < ZipArchiveReader.MAX_ENTRIES; i++) {
      e.put("x" + i, new byte[0]);
    }

    assertRefused(archive(e), "entries, limit " + ZipArchiveReader.MAX_ENTRIES);
  }

  @ParameterizedTest(name = "{4}")
  @CsvSource({
    "true, qilm.phases.npy, 24, 2147483647, ratio limit",
    "false, version.npy, 42, 1879048192, outside",
    "false, version.npy, 24, 7, is stored but declares",
    "false, version.npy, 20, 1879048192, outside",
  })
  void read_directoryEntryWithHostileField_isRefused(
      boolean deflate, String entry, int field, int value, String message) throws IOException {
    byte[] zip = NpzTesting.zip(deflate, valid());
    ByteBuffer.wrap(zip)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(centralEntry(zip, entry) + field, value);

    assertRefused(NpzTesting.file(dir, zip), entry, message);
  }

  @Test
  void read_deflatedEntryExpandingHugelyWithinTheRatio_isRefusedByTheTotalCap() throws IOException {
    long size = ZipArchiveReader.MAX_TOTAL_FLOOR + (1 << 20);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("qilm.memory.npy"));
      byte[] zeros = new byte[1 << 20];
      for (long done = 0; done < size; done += zeros.length) {
        z.write(zeros);
      }
      z.closeEntry();
    }

    assertRefused(
        NpzTesting.file(dir, bytes.toByteArray()), "qilm.memory.npy", "uncompressed bytes, limit");
  }

  @Test
  void read_deflatedEntryExpandingBeyondItsDeclaredSize_isRefused() throws IOException {
    Map<String, byte[]> e = valid();
    byte[] phases = e.get("qilm.phases.npy");
    byte[] longer = Arrays.copyOf(phases, phases.length + (1 << 20));
    e.put("qilm.phases.npy", longer);
    byte[] zip = NpzTesting.zip(true, e);
    int cd = centralEntry(zip, "qilm.phases.npy");
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(cd + 24, phases.length);

    assertRefused(NpzTesting.file(dir, zip), "qilm.phases.npy");
  }

  @Test
  void read_duplicateEntryName_namesIt() throws IOException {
    Map<String, byte[]> e = valid();
    e.put("versioX.npy", e.get("version.npy"));
    byte[] zip = NpzTesting.zip(false, e);
    String text = new String(zip, StandardCharsets.ISO_8859_1).replace("versioX", "version");

    assertRefused(
        NpzTesting.file(dir, text.getBytes(StandardCharsets.ISO_8859_1)),
        "duplicate entry 'version.npy'");
  }

  @Test
  void read_sameKeyWithAndWithoutNpySuffix_namesIt() throws IOException {
    Map<String, byte[]> e = valid();
    e.put("version", e.get("version.npy"));

    assertRefused(archive(e), "duplicate entry 'version'");
  }

  static Stream<String> requiredEntries() {
    return Stream.of(
        "created_at",
        "updated_at",
        "memory_state.dimension",
        "memory_state.lambda_l1",
        "memory_state.gating23",
        "memory_state.state_l2",
        "qilm.memory",
        "qilm.phases");
  }

  @ParameterizedTest
  @MethodSource("requiredEntries")
  void read_missingEntry_namesIt(String key) throws IOException {
    Map<String, byte[]> e = valid();
    e.remove(key + ".npy");

    assertRefused(archive(e), "missing entry '" + key + ".npy'");
  }

  @Test
  void read_noKnownEntries_saysWhatIsMissing() throws IOException {
    assertRefused(archive(Map.of("other.npy", new byte[0])), "missing entry 'version.npy'");
  }

  @Test
  void read_entryOfWrongShape_namesIt() throws IOException {
    Map<String, byte[]> e = valid();
    e.put("qilm.phases.npy", e.get("version.npy"));

    assertRefused(archive(e), "qilm.phases.npy", "1-d");
  }

  @Test
  void read_encryptedOrUnknownMethod_isRefused() throws IOException {
    byte[] zip = NpzTesting.zip(false, valid());
    int cd = centralEntry(zip, "version.npy");
    byte[] encrypted = zip.clone();
    encrypted[cd + 8] |= 1;
    byte[] bzip2 = zip.clone();
    bzip2[cd + 10] = 12;

    assertRefused(NpzTesting.file(dir, encrypted), "encrypted");
    assertRefused(NpzTesting.file(dir, bzip2), "compression method 12");
  }

  @Test
  void read_notAZip_isRefused() throws IOException {
    assertRefused(
        NpzTesting.file(dir, "{\"version\": 1}".getBytes(StandardCharsets.UTF_8)),
        "not a zip archive");
  }

  static Stream<String> damagedSources() {
    return Stream.of(
        "java",
        "python-written/state.npz",
        "python-written/manager-legacy.npz",
        "npz/numpy2/native-savez-compressed.npz",
        "npz/numpy1/pickled-state-protocol2.npz");
  }

  private byte[] source(String name) throws IOException {
    if (name.equals("java")) {
      return NpzTesting.bytes(NpzTesting.STATE_JSON);
    }
    return Files.readAllBytes(NpzTesting.RESOURCES.resolve(name));
  }

  @ParameterizedTest
  @MethodSource("damagedSources")
  void read_truncatedAtEvery97thByte_throwsOnlyStateLoadException(String name) throws IOException {
    byte[] whole = source(name);
    Path file = dir.resolve("truncated.npz");
    for (int length = 0; length < whole.length; length += 97) {
      Files.write(file, Arrays.copyOf(whole, length));
      Throwable t = catchThrowable(() -> NpzTesting.read(file));
      assertThat(t).as("length %d", length).isInstanceOf(StateLoadException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("damagedSources")
  void read_randomBitFlips_throwNothingButStateLoadException(String name) throws IOException {
    byte[] whole = source(name);
    Path file = dir.resolve("flipped.npz");
    Random random = new Random(name.hashCode());
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      byte[] copy = whole.clone();
      int at = random.nextInt(copy.length);
      copy[at] ^= (byte) (1 << random.nextInt(8));
      Files.write(file, copy);
      Throwable t = catchThrowable(() -> NpzTesting.read(file));
      if (t != null) {
        assertThat(t).as("flip at %d", at).isInstanceOf(StateLoadException.class);
        refused++;
      }
    }
    assertThat(refused).isPositive();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void read_entryWithLocalHeaderDisagreeingWithDirectory_isRefused(int field) throws IOException {
    byte[] zip = NpzTesting.zip(false, valid());
    int local = localEntry(zip, "version.npy");
    switch (field) {
      case 0 -> zip[local + 30] = 'V';
      case 1 -> zip[local + 14] ^= 1;
      default -> zip[local + 8] = 8;
    }

    assertRefused(NpzTesting.file(dir, zip), "version.npy", "local header");
  }

  static int centralEntry(byte[] zip, String name) {
    return find(zip, new byte[] {'P', 'K', 1, 2}, 46, name);
  }

  static int localEntry(byte[] zip, String name) {
    return find(zip, new byte[] {'P', 'K', 3, 4}, 30, name);
  }

  private static int find(byte[] zip, byte[] signature, int nameAt, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + nameAt + n.length <= zip.length; i++) {
      if (Arrays.equals(zip, i, i + 4, signature, 0, 4)
          && Arrays.equals(zip, i + nameAt, i + nameAt + n.length, n, 0, n.length)) {
        return i;
      }
    }
    throw new AssertionError("no entry " + name);
  }
}
