package org.mlsdm.state.internal.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsdm.state.StateLoadException;

/** Ill-formed UTF-8 is refused by the JSON reader with its offset; well-formed text is kept. */
class StrictUtf8InputTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  @ParameterizedTest
  @CsvSource({
    "C0 AF, overlong encoding",
    "C1 81, overlong encoding",
    "E0 80 AF, overlong encoding",
    "F0 80 80 AF, overlong encoding",
    "ED A0 80, encoded surrogate",
    "ED BF BF, encoded surrogate",
    "F4 90 80 80, code point above U+10FFFF",
    "F5 80 80 80, invalid first byte",
    "80, invalid first byte",
    "C2 41, invalid continuation byte",
    "E2 82 41, invalid continuation byte"
  })
  void read_illFormedUtf8InString_throwsMalformedNamingFieldAndOffset(String hex, String why) {
    byte[] head = "{\"version\": 1, \"id\": \"a".getBytes(UTF_8);
    byte[] json = concat(head, HEX.parseHex(hex), "b\"}".getBytes(UTF_8));

    assertThatThrownBy(() -> JsonStateCodecSupport.read(json))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining(JsonStateCodecSupport.SOURCE + ": id: ")
        .hasMessageContaining("invalid UTF-8 at offset " + head.length + ": " + why)
        .satisfies(
            e ->
                assertThat(((StateLoadException) e).reason())
                    .isEqualTo(StateLoadException.Reason.MALFORMED));
  }

  @Test
  void read_overlongSlashInUnknownKeyOfLegacyFile_refused() {
    byte[] json =
        concat("{\"note\": \"a".getBytes(UTF_8), HEX.parseHex("C0 AF"), "\"}".getBytes(UTF_8));

    assertThatThrownBy(() -> JsonStateCodecSupport.read(json))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("note: invalid UTF-8 at offset 11: overlong encoding (bytes C0)");
  }

  @Test
  void read_truncatedSequenceAtEndOfFile_refused() {
    byte[] json = concat("{\"version\": 1}".getBytes(UTF_8), HEX.parseHex("E2 82"));

    assertThatThrownBy(() -> JsonStateCodecSupport.read(json))
        .isInstanceOf(StateLoadException.class);
  }

  @Test
  void read_multiByteCharactersAcrossBlockBoundaries_keptExactly() throws IOException {
    String text = "é漢😀".repeat(20_000);
    byte[] utf8 = text.getBytes(UTF_8);

    try (InputStream in = new StrictUtf8Input(new OneByteAtATime(utf8))) {
      assertThat(in.readAllBytes()).isEqualTo(utf8);
    }
    StrictUtf8Input blocks = new StrictUtf8Input(new ByteArrayInputStream(utf8));
    assertThat(blocks.readAllBytes()).isEqualTo(utf8);
    assertThat(blocks.problem()).isNull();
  }

  @Test
  void read_overlongAfterBlockBoundaryFedByteByByte_markedAtItsOffset() throws IOException {
    byte[] utf8 = concat("x".repeat(70_000).getBytes(UTF_8), HEX.parseHex("E0 80 AF"));
    StrictUtf8Input in = new StrictUtf8Input(new OneByteAtATime(utf8));

    byte[] out = in.readAllBytes();

    assertThat(out).hasSize(utf8.length);
    assertThat(out[70_000]).isEqualTo((byte) 0xff);
    assertThat(in.problem())
        .isEqualTo("invalid UTF-8 at offset 70000: overlong encoding (bytes E0 80)");
    assertThat(in.problemOffset()).isEqualTo(70_000);
  }

  @Test
  void load_utf16File_stillAccepted() throws IOException {
    String json = "{\"version\": 1, \"id\": \"é\"}";
    assertThat(
            JsonStateCodecSupport.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_16BE)))
        .containsEntry("id", "é");
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A stream that returns one byte per read, so that every sequence straddles a read. */
  private static final class OneByteAtATime extends InputStream {
    private final byte[] bytes;
    private int pos;

    OneByteAtATime(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == bytes.length) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      b[off] = bytes[pos++];
      return 1;
    }
  }
}
