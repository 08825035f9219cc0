package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateRecoveryException;

class TextTest {
  private static final String DIGEST = "ab".repeat(32);

  @Test
  void escape_coversC0DelC1AndBidi_andLeavesOtherTextAlone() {
    assertThat(Text.escape("a\u001b[2Jb\u007fc\u0085d\u202ee\u2066f\u200fg\nh\ti"))
        .isEqualTo("a\\u001b[2Jb\\u007fc\\u0085d\\u202ee\\u2066f\\u200fg\\u000ah\\u0009i");
    assertThat(Text.escape("état — 状態 ✓")).isEqualTo("état — 状態 ✓");
    assertThat(Text.escape(null)).isEqualTo("null");
  }

  @Test
  void safeWriter_passesLineFeeds_escapesTheRest_andFlushes() {
    StringWriter target = new StringWriter();
    PrintWriter raw = new PrintWriter(target);
    PrintWriter safe = Text.safeWriter(raw);

    safe.print("x\u001b]0;title\u0007\r\n");

    assertThat(target.toString()).isEqualTo("x\\u001b]0;title\\u0007\\u000d\n");
  }

  @Test
  void digest_showsOnlyADigest() {
    assertThat(Text.digest(DIGEST)).isEqualTo(DIGEST);
    assertThat(Text.digest("root:x:0:0:root:/root:/bin/bash")).doesNotContain("root");
    assertThat(Text.digest(null)).contains("not a SHA-256 digest");
  }

  @Test
  void message_takesCheckumFileTextOutOfMismatches_andOfWhatWrapsThem() {
    String quoted = "<not a SHA-256 digest: 'root:x:0:0'>";
    StateCorruptionException mismatch =
        new StateCorruptionException(Path.of("s.json"), quoted, DIGEST);
    StateRecoveryException wrapped =
        new StateRecoveryException("no backup; the main file: " + mismatch.getMessage(), mismatch);

    assertThat(Text.message(mismatch))
        .isEqualTo(
            "Checksum mismatch for s.json: expected (not a SHA-256 digest; its content is not"
                + " shown), actual "
                + DIGEST);
    assertThat(Text.message(wrapped)).doesNotContain("root:x").contains("no backup");
  }
}
