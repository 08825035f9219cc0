package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.JournalCheck;
import org.mlsdm.state.StateInspection;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * {@code SystemStates.inspect} reports the journal beside the base: what applies, a torn tail, a
 * stale or corrupt journal, and the state with the journal applied next to the base alone.
 */
class JournalInspectionTest {
  private static final int DIM = 4;

  @TempDir Path dir;

  static java.util.stream.Stream<String> formats() {
    return StoreFiles.formats();
  }

  private static Path journal(Path p) {
    return JournalFormat.journalPath(p);
  }

  /** Creates {@code p} from a sample and checkpoints {@code n} deltas of 2 rows. */
  private static void checkpointed(Path p, int n) {
    try (Checkpointer cp = Checkpointer.create(p, TestStates.sample(7), 100)) {
      for (int i = 1; i <= n; i++) {
        cp.checkpoint(JournalTesting.delta(cp.rows(), i, DIM, 2));
      }
    }
  }

  private static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @ParameterizedTest
  @MethodSource("formats")
  void inspect_journalThatChains_showsTheBaseAndTheStateWithTheJournalApplied(String ext)
      throws IOException {
    Path p = dir.resolve("state." + ext);
    checkpointed(p, 3);
    byte[] before = bytes(journal(p));

    StateInspection i = SystemStates.inspect(p);

    JournalCheck j = i.journal();
    assertThat(j.status()).isEqualTo(JournalCheck.Status.APPLIED);
    assertThat(j.frames()).isEqualTo(3);
    assertThat(j.bytes()).isEqualTo(before.length);
    assertThat(j.tornBytes()).isZero();
    assertThat(j.problem()).isEmpty();
    SystemStateRecord base = i.state().orElseThrow();
    SystemStateRecord applied = j.state().orElseThrow();
    assertThat(applied.qilm().size()).isEqualTo(base.qilm().size() + 6);
    assertThat(applied.id()).isEqualTo("agent-step-3");
    assertThat(applied.updatedAt()).isEqualTo(Instant.parse("2026-11-30T00:00:00.003Z"));
    assertThat(base.updatedAt()).isNotEqualTo(applied.updatedAt());
    assertThat(i.loaded()).contains(SystemStates.load(p));
    assertThat(i.healthy()).isTrue();
    assertThat(bytes(journal(p))).as("an inspection writes nothing").isEqualTo(before);
  }

  @Test
  void inspect_noJournal_isAbsent_andLoadedIsTheBase() {
    Path p = dir.resolve("state.json");
    SystemStates.save(TestStates.sample(7), p);

    StateInspection i = SystemStates.inspect(p);

    assertThat(i.journal()).isEqualTo(JournalCheck.ABSENT);
    assertThat(i.loaded()).isEqualTo(i.state());
  }

  @Test
  void inspect_tornTail_isReported_andTheStateIsTheFramesBeforeIt() throws IOException {
    Path p = dir.resolve("state.npz");
    checkpointed(p, 2);
    byte[] whole = bytes(journal(p));
    Files.write(journal(p), Arrays.copyOf(whole, whole.length - 5));

    StateInspection i = SystemStates.inspect(p);

    JournalCheck j = i.journal();
    assertThat(j.status()).isEqualTo(JournalCheck.Status.TORN);
    assertThat(j.frames()).isEqualTo(1);
    assertThat(j.bytes()).isEqualTo(whole.length - 5);
    assertThat(j.tornBytes()).isPositive().isLessThan(j.bytes() - JournalFormat.HEADER_SIZE);
    assertThat(j.problem()).hasValueSatisfying(m -> assertThat(m).contains("torn"));
    assertThat(j.state().orElseThrow().id()).isEqualTo("agent-step-1");
    assertThat(i.healthy()).as("a load ignores a torn tail").isTrue();
    assertThat(i.loaded()).contains(SystemStates.load(p));
    assertThat(Files.size(journal(p))).isEqualTo(whole.length - 5);
  }

  @Test
  void inspect_tornHeader_isTorn_withNoFrame() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, 1);
    byte[] whole = bytes(journal(p));
    Files.write(journal(p), Arrays.copyOf(whole, JournalFormat.HEADER_SIZE - 1));

    JournalCheck j = SystemStates.inspect(p).journal();

    assertThat(j.status()).isEqualTo(JournalCheck.Status.TORN);
    assertThat(j.frames()).isZero();
    assertThat(j.tornBytes()).isEqualTo(JournalFormat.HEADER_SIZE - 1);
    assertThat(j.state().orElseThrow().qilm().size()).isEqualTo(TestStates.sample(7).qilm().size());
  }

  @Test
  void inspect_staleJournal_isSetAsideNotApplied() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, 2);
    byte[] old = bytes(journal(p));
    SystemStateRecord saved = SystemStates.save(TestStates.sample(8), p);
    Files.write(journal(p), old);

    StateInspection i = SystemStates.inspect(p);

    assertThat(i.journal().status()).isEqualTo(JournalCheck.Status.STALE);
    assertThat(i.journal().problem()).hasValueSatisfying(m -> assertThat(m).contains("chain root"));
    assertThat(i.journal().state()).isEmpty();
    assertThat(i.loaded()).contains(saved);
    assertThat(i.healthy()).isTrue();
  }

  @Test
  void inspect_corruptMiddleFrame_isReportedNotThrown_andTheStateIsUnhealthy() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, 3);
    byte[] b = bytes(journal(p));
    b[JournalFormat.HEADER_SIZE + JournalFormat.FRAME_HEADER + 3] ^= 0x10;
    Files.write(journal(p), b);

    StateInspection i = SystemStates.inspect(p);

    assertThat(i.journal().status()).isEqualTo(JournalCheck.Status.CORRUPT);
    assertThat(i.journal().failure().orElseThrow().reason())
        .isEqualTo(StateLoadException.Reason.CORRUPT);
    assertThat(i.state()).as("the base alone still loads").isPresent();
    assertThat(i.loaded()).isEmpty();
    assertThat(i.healthy()).isFalse();
  }

  @Test
  void inspect_baseThatDoesNotLoad_leavesTheJournalUnchecked() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, 1);
    Files.writeString(p, "{ not json");

    StateInspection i = SystemStates.inspect(p);

    assertThat(i.failure()).isPresent();
    assertThat(i.journal().status()).isEqualTo(JournalCheck.Status.UNCHECKED);
    assertThat(i.journal().bytes()).isEqualTo(Files.size(journal(p)));
  }
}
