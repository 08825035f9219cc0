package org.mlsdm.state.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.Sha256;
import org.mlsdm.state.internal.store.StateCodec;
import org.mlsdm.testing.BytesChannel;

/**
 * The single-pass JSON load path: on every input it either declines or returns exactly what the
 * full reader returns, and it hashes the whole file.
 */
class JsonFastReaderTest {

  private static final String DOC =
      """
      {"version": 1, "id": "a", "created_at": "2026-11-26T10:24:07.010760Z",
       "updated_at": "2026-11-26T10:24:07+02:00",
       "memory_state": {"dimension": 2, "lambda_l1": 0.5, "lambda_l2": 1E-1, "lambda_l3": 1e-2,
        "theta_l1": 1, "theta_l2": 2.0, "gating12": 0.5, "gating23": 3e-1,
        "state_L1": [0, -0, 1], "state_l2": [-0.0, 1.5E+3, 123456789012345678],
        "state_l3": [ 1.0e-300 ,\t2\r\n]},
       "qilm": {"phases": [], "memory": [[1, 2], [], [3.25], [4, 5, 6]]}}
      """;

  static Stream<String> accepted() {
    return Stream.of(
        DOC,
        "{\"version\": 1}",
        " {\"version\"\n:1} \n",
        "{\"version\": 1, \"id\": null, \"qilm\": {\"memory\": []}}",
        "{\"version\": 1, \"memory_state\": {\"dimension\": -2147483648, \"lambda_l1\": 1e400}}");
  }

  /**
   * Outside the subset. Bodies without a version get one in front, so that each is declined for
   * what it shows and not for a missing version; the first ones are declined for the version.
   */
  static Stream<String> declined() {
    return Stream.concat(
        Stream.of(
            "{}",
            "{\"id\": null, \"version\": 1}",
            "{\"version\": 2}",
            "{\"version\": 0}",
            "{\"version\": 1.0}"),
        bodies()
            .map(
                s ->
                    s.startsWith("{\"") && !s.startsWith("{\"version")
                        ? "{\"version\": 1, " + s.substring(1)
                        : s));
  }

  private static Stream<String> bodies() {
    return Stream.of(
        "",
        "  ",
        "[]",
        "\uFEFF{}",
        "{} x",
        "{\"format_version\": 1}",
        "{\"id\": \"caf\u00e9\"}",
        "{\"id\": \"a\\\"b\"}",
        "{\"id\": 3}",
        "{\"id\": nul}",
        "{\"version\": 1, \"version\": 1}",
        "{\"version\": 01}",
        "{\"version\": 1.}",
        "{\"version\": .5}",
        "{\"version\": +1}",
        "{\"version\": 1e}",
        "{\"version\": -}",
        "{\"version\": 1234567890123456789}",
        "{\"version\": NaN}",
        "{\"version\": 1,}",
        "{\"qilm\": {\"phases\": [1, 2,]}}",
        "{\"qilm\": {\"phases\": [1 2]}}",
        "{\"qilm\": {\"phases\": [1.5x]}}",
        "{\"qilm\": {\"phases\": [-Infinity]}}",
        "{\"qilm\": {\"memory\": [1, 2]}}",
        "{\"qilm\": {\"memory\": [[[1]]]}}",
        "{\"qilm\": {\"phases\": [1], \"phases\": [2]}}",
        "{\"memory_state\": {\"state_l1\": [1], \"state_L1\": [1]}}",
        "{\"memory_state\": {\"extra\": 1}}",
        "{\"qilm\": {\"phases\": [" + "1".repeat(65) + ".0]}}",
        "{\"qilm\": {\"phases\": [1]",
        "{\"qilm\": {\"phases\": [1]}} /* */");
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void readHashing_subsetDocument_equalsFullReaderAndHashesAll(String json) throws Exception {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    StateCodec.Hashed fast = JsonStateCodec.INSTANCE.readHashing(new BytesChannel(bytes), true);

    assertThat(fast).isNotNull();
    assertSame(fast.decoded().asMap(), JsonStateCodecSupport.read(bytes));
    assertThat(fast.sha256()).isEqualTo(Sha256.hex(Sha256.newDigest().digest(bytes)));
  }

  @ParameterizedTest
  @MethodSource("declined")
  void readHashing_outsideSubset_returnsNull(String json) throws Exception {
    assertThat(fast(json.getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void readHashing_writtenRecords_equalsFullReader() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 50; i++) {
      double[][] memory = new double[r.nextInt(5)][];
      for (int j = 0; j < memory.length; j++) {
        memory[j] = randomDoubles(r, r.nextInt(20));
      }
      String id = i % 3 == 0 ? null : "id-" + i;
      byte[] bytes =
          JsonStateCodecSupport.write(
              JsonStateCodecSupport.sample(id, memory, randomDoubles(r, memory.length)));

      Map<String, Object> fast = fast(bytes);

      assertThat(fast).as("accepted %s", new String(bytes, StandardCharsets.UTF_8)).isNotNull();
      assertSame(fast, JsonStateCodecSupport.read(bytes));
    }
  }

  @Test
  void readHashing_pythonWrittenState_equalsFullReader() throws Exception {
    byte[] bytes = JsonStateCodecSupport.resource("python-written/state.json");

    Map<String, Object> fast = fast(bytes);

    assertThat(fast).isNotNull();
    assertSame(fast, JsonStateCodecSupport.read(bytes));
  }

  /**
   * Mutated copies of a valid file: each one is declined or read exactly as the full reader does.
   */
  @Test
  void readHashing_mutatedDocuments_declineOrEqualFullReader() throws Exception {
    byte[] base = DOC.getBytes(StandardCharsets.UTF_8);
    byte[] alphabet = "0123456789-+.eE,:[]{}\" \nnulx".getBytes(StandardCharsets.US_ASCII);
    SplittableRandom r = new SplittableRandom(11);
    int accepted = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] m = mutate(base, alphabet, r);
      Map<String, Object> full;
      try {
        full = JsonStateCodecSupport.read(m);
      } catch (StateLoadException e) {
        assertThat(fast(m)).as(new String(m, StandardCharsets.UTF_8)).isNull();
        continue;
      }
      Map<String, Object> fast = fast(m);
      if (fast != null) {
        accepted++;
        assertSame(fast, full);
      }
    }
    assertThat(accepted).isPositive();
  }

  /**
   * A number token placed to start at every offset around the end of the first read block, so that
   * it lies in the buffer, straddles the refill, or starts after it: read as the full reader reads
   * it, or declined when it is outside the grammar, on both sides of the boundary alike.
   */
  @Test
  void readHashing_numberAcrossBlockBoundary_equalsFullReaderOrDeclines() throws Exception {
    String[] good = {"-1.2345678901234567e-300", "123456789012345678", "1E+5", "-0.5", "7"};
    String[] bad = {"1.e5", "01", "-", "1e", "1234567890123456789", "1" + "0".repeat(70) + ".5"};
    for (int k = -3; k <= JsonFastReader.MAX_NUMBER_CHARS + 3; k++) {
      for (String number : good) {
        byte[] bytes = numberAt(JsonFastReader.BUFFER_SIZE - k, number);
        Map<String, Object> fast = fast(bytes);
        assertThat(fast).as("%s at block end - %d", number, k).isNotNull();
        assertSame(fast, JsonStateCodecSupport.read(bytes));
      }
      for (String number : bad) {
        assertThat(fast(numberAt(JsonFastReader.BUFFER_SIZE - k, number)))
            .as("%s at block end - %d", number, k)
            .isNull();
      }
    }
  }

  /** A subset document whose {@code state_l1} holds {@code number}, starting at byte {@code at}. */
  private static byte[] numberAt(int at, String number) {
    String head = "{\"version\": 1, \"memory_state\": {\"dimension\": 2, \"state_l1\": [";
    return (head + " ".repeat(at - head.length()) + number + ", 2]}}")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void load_corruptedFileInsideSubset_throwsCorruption(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("state.json");
    SystemStates.save(
        JsonStateCodecSupport.sample("x", new double[][] {{1.0, 2.0}}, new double[] {0.5}), file);
    String text = Files.readString(file).replace("0.5]", "0.6]");
    Files.writeString(file, text);

    assertThatThrownBy(() -> SystemStates.load(file))
        .isInstanceOf(StateCorruptionException.class)
        .hasMessageContaining("Checksum mismatch");
  }

  @Test
  void load_fileOutsideSubsetWithChecksum_loadsThroughFullReader(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("state.json");
    SystemStates.save(
        JsonStateCodecSupport.sample("x", new double[][] {{1.0, 2.0}}, new double[] {0.5}), file);
    String text = Files.readString(file).replace("\"id\": \"x\"", "\"id\": \"\\u0078\"");
    Files.writeString(file, text);
    Files.writeString(
        SystemStates.checksumPath(file),
        Sha256.hex(Sha256.newDigest().digest(text.getBytes(StandardCharsets.UTF_8))));

    assertThat(SystemStates.load(file).id()).isEqualTo("x");
  }

  private static Map<String, Object> fast(byte[] bytes) throws IOException {
    StateCodec.Hashed h = JsonStateCodec.INSTANCE.readHashing(new BytesChannel(bytes), false);
    return h == null ? null : h.decoded().asMap();
  }

  private static byte[] mutate(byte[] base, byte[] alphabet, SplittableRandom r) {
    int at = r.nextInt(base.length);
    byte b = alphabet[r.nextInt(alphabet.length)];
    List<Byte> out = new ArrayList<>();
    for (byte x : base) {
      out.add(x);
    }
    switch (r.nextInt(3)) {
      case 0 -> out.set(at, b);
      case 1 -> out.add(at, b);
      default -> out.remove(at);
    }
    byte[] m = new byte[out.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = out.get(i);
    }
    return m;
  }

  private static double[] randomDoubles(SplittableRandom r, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] =
          switch (r.nextInt(4)) {
            case 0 -> r.nextDouble(-1, 1);
            case 1 -> Double.longBitsToDouble(r.nextLong()) % 1e300;
            case 2 -> (double) r.nextInt(-1000, 1000);
            default -> r.nextDouble() * Math.pow(10, r.nextInt(-300, 300));
          };
      if (!Double.isFinite(a[i])) {
        a[i] = 0.0;
      }
    }
    return a;
  }

  /** Deep equality: same keys in the same order, same types, arrays by content. */
  private static void assertSame(Map<String, Object> fast, Map<String, Object> full) {
    assertThat(new ArrayList<>(fast.keySet())).isEqualTo(new ArrayList<>(full.keySet()));
    for (String key : full.keySet()) {
      Object a = fast.get(key);
      Object b = full.get(key);
      if (b instanceof Map<?, ?> inner) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fa = (Map<String, Object>) a;
        @SuppressWarnings("unchecked")
        Map<String, Object> fb = (Map<String, Object>) inner;
        assertSame(fa, fb);
      } else if (b instanceof double[][] rows) {
        assertThat(Arrays.deepEquals((double[][]) a, rows)).as(key).isTrue();
      } else if (b instanceof double[] values) {
        assertThat(Arrays.equals((double[]) a, values)).as(key).isTrue();
      } else {
        assertThat(a).as(key).isEqualTo(b);
        if (b != null) {
          assertThat(a).as(key).isExactlyInstanceOf(b.getClass());
        }
      }
    }
  }
}
