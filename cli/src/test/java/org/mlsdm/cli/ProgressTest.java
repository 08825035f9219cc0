package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final StringWriter text = new StringWriter();

  @Test
  void smallWork_isSilent() {
    Progress p = new Progress(new PrintWriter(text), false);

    assertThat(p.during("reading x.json", Progress.LARGE_FILE_BYTES - 1, () -> 7)).isEqualTo(7);
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void largeWork_withoutTerminal_saysWhatAndHowLong_inPlainLines() {
    Progress p = new Progress(new PrintWriter(text), false);

    p.during("reading x.json", 20L << 20, () -> 7);

    assertThat(text.toString().lines())
        .containsExactly("reading x.json (20.0 MiB) ...", text.toString().lines().toList().get(1));
    assertThat(text.toString()).contains("reading x.json (20.0 MiB) done in ").doesNotContain("\r");
  }

  @Test
  void largeWork_onTerminal_endsWithACleanLine() {
    Progress p = new Progress(new PrintWriter(text), true);

    p.during("reading x.json", 20L << 20, () -> 7);

    String[] redraws = text.toString().split("\r");
    assertThat(text.toString()).endsWith(System.lineSeparator());
    assertThat(redraws[redraws.length - 1]).startsWith("reading x.json (20.0 MiB) done in ");
  }

  @Test
  void bar_onTerminal_redrawsInPlace_andClearClearsIt() {
    Progress p = new Progress(new PrintWriter(text), true);

    p.bar(5, 10, "step 5/10", false);
    p.bar(10, 10, "step 10/10", true);
    p.clear();

    assertThat(text.toString()).startsWith("\r[###############...............]  50% step 5/10");
    assertThat(text.toString()).contains("\r[##############################] 100% step 10/10");
    assertThat(text.toString()).doesNotContain("\n").endsWith("\r");
  }

  @Test
  void bar_withoutTerminal_printsMilestonesOnly() {
    Progress p = new Progress(new PrintWriter(text), false);

    p.bar(5, 10, "step 5/10", false);
    p.bar(10, 10, "step 10/10", true);

    assertThat(text.toString().lines()).containsExactly("step 10/10");
  }

  @Test
  void sizesAndAges_readLikeAPerson() {
    assertThat(Progress.bytes(512)).isEqualTo("512 B");
    assertThat(Progress.bytes(1126)).isEqualTo("1.1 KiB");
    assertThat(Progress.bytes(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(Progress.age(Duration.ofSeconds(42))).isEqualTo("42 s");
    assertThat(Progress.age(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(Progress.age(Duration.ofHours(3))).isEqualTo("3 h");
    assertThat(Progress.age(Duration.ofDays(2))).isEqualTo("2 d");
  }
}
