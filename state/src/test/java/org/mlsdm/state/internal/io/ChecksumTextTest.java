package org.mlsdm.state.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChecksumTextTest {
  private static final String HEX =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static String parse(String text) {
    return ChecksumText.parse(text.getBytes(StandardCharsets.ISO_8859_1), "state.json");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        HEX,
        HEX + "\n",
        "  " + HEX + " \r\n\n",
        HEX + "  state.json\n",
        HEX + "  state.json",
        HEX + " *state.json\n",
        HEX + "  ./state.json\n",
        HEX + "  /some/dir/state.json\r\n",
      })
  void parse_bareHexOrSha256sumLineForThisFile_givesTheDigest(String text) {
    assertThat(parse(text)).isEqualTo(HEX);
    assertThat(parse(text.toUpperCase(java.util.Locale.ROOT).replace("STATE.JSON", "state.json")))
        .isEqualTo(HEX);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not a digest",
        HEX + "0",
        HEX + " state.json\n",
        HEX + "  other.json\n",
        HEX + "  state.json.backup\n",
        HEX + "  state.json\n" + HEX + "  state.json\n",
        "\\" + HEX + "  state\\\\.json\n",
        HEX + "\tstate.json\n",
      })
  void parse_anythingElse_givesNull(String text) {
    assertThat(parse(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {ChecksumText.MAX_BYTES + 1, 4096})
  void parse_longerThanTheLimit_givesNullEvenIfItStartsWithADigest(int length) {
    byte[] raw = new byte[length];
    java.util.Arrays.fill(raw, (byte) ' ');
    System.arraycopy(HEX.getBytes(StandardCharsets.US_ASCII), 0, raw, 0, 64);
    assertThat(ChecksumText.parse(raw, "state.json")).isNull();
  }
}
