package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.memory.MemoryManager;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.Phase;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;

/** Checkpoints of labelled QILM phases (the Python rhythm's "wake" and "sleep"). */
class JournalLabelsTest {
  private static final int DIM = 3;

  @TempDir Path dir;

  static java.util.stream.Stream<String> formats() {
    return StoreFiles.formats();
  }

  private static float[] event(int i) {
    return new float[] {0.5f * i, -0.25f * i, 1.0f + i};
  }

  @ParameterizedTest
  @MethodSource("formats")
  void labelledAndNumericPhases_surviveCheckpointsLoadsAndCompaction(String ext) throws Exception {
    Path p = dir.resolve("state." + ext);
    MemoryManager m = new MemoryManager(DIM);
    m.processEvent(event(1), 0.25);
    // A threshold far above the journal's size: no compaction until the test asks for one.
    try (Checkpointer cp = Checkpointer.create(p, m.snapshot(), 1000)) {
      // A frame with numbers only, then one mixing labels and numbers, then labels only.
      m.processEvent(event(2), 0.5);
      m.checkpoint(cp);
      m.processEvent(event(3), "wake");
      m.processEvent(event(4), 0.75);
      m.processEvent(event(5), "sleep");
      m.checkpoint(cp);
      m.processEvent(event(6), "sleep");
      m.checkpoint(cp);
    }
    SystemStateRecord expected = m.snapshot();
    assertThat(Files.size(JournalFormat.journalPath(p))).isPositive();
    SystemStateRecord loaded = SystemStates.load(p);
    assertThat(loaded.qilm()).isEqualTo(expected.qilm());
    assertThat(loaded.memoryState()).isEqualTo(expected.memoryState());
    assertThat(loaded.qilm().phaseAt(2)).isEqualTo(Phase.of("wake"));
    assertThat(loaded.qilm().phaseAt(3)).isEqualTo(Phase.of(0.75));
    assertThat(loaded.qilm().phaseAt(5)).isEqualTo(Phase.of("sleep"));
    assertThat(Checkpointer.status(p).frames()).isEqualTo(3);
    // The base alone is still the numeric state it was created with.
    Path copy = dir.resolve("copy." + ext);
    Files.copy(p, copy);
    assertThat(SystemStates.load(copy).qilm().size()).isEqualTo(1);
    assertThat(SystemStates.load(copy).qilm().hasLabels()).isFalse();

    // Resuming appends after labelled rows; compaction writes the labels into the base.
    MemoryManager resumed = new MemoryManager(DIM);
    try (Checkpointer cp = Checkpointer.open(p)) {
      resumed.resumeFrom(cp);
      resumed.processEvent(event(7), "wake");
      resumed.checkpoint(cp);
      cp.compact();
    }
    assertThat(JournalFormat.journalPath(p)).doesNotExist();
    SystemStateRecord compacted = SystemStates.load(p);
    assertThat(compacted.qilm()).isEqualTo(resumed.snapshot().qilm());
    assertThat(compacted.qilm().phaseAt(6)).isEqualTo(Phase.of("wake"));
    assertThat(compacted.qilm().phaseAt(1)).isEqualTo(Phase.of(0.5));
  }

  private static final String BASE_SHA = "ab".repeat(32);

  private static JournalFormat.Delta delta(double[] phases, String[] labels) {
    double[][] rows = new double[phases.length][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new double[] {i, i + 0.5};
    }
    double[] level = {1, 2};
    return new JournalFormat.Delta(
        Instant.parse("2026-11-30T12:00:00Z"), "a", level, level, level, 5, rows, phases, labels);
  }

  /** Writes a journal of one frame for {@code d} and scans it against a 5-row base. */
  private JournalFormat.Scan scanOne(JournalFormat.Delta d) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(JournalFormat.HEADER_SIZE + JournalFormat.frameSize(d));
    buf.put(JournalFormat.header(BASE_SHA));
    JournalFormat.writeFrame(buf, d, 1, HexFormat.of().parseHex(BASE_SHA));
    Path j = dir.resolve("x.json.journal");
    Files.write(j, java.util.Arrays.copyOf(buf.array(), buf.position()));
    try (FileChannel ch = FileChannel.open(j, StandardOpenOption.READ)) {
      return JournalFormat.scan(ch, j, BASE_SHA, 2, 5);
    }
  }

  @Test
  void frame_keepsLabelsAtTheirRows_andANumericFrameHasNone() throws IOException {
    JournalFormat.Scan s =
        scanOne(delta(new double[] {0.0, 0.3, 0.0}, new String[] {"wake", null, "ü"}));
    assertThat(s.frames()).hasSize(1);
    assertThat(s.frames().get(0).labels()).containsExactly("wake", null, "ü");
    assertThat(s.frames().get(0).phases()).containsExactly(0.0, 0.3, 0.0);

    JournalFormat.Delta numeric = delta(new double[] {0.1, 0.2}, null);
    assertThat(scanOne(numeric).frames().get(0).labels()).isNull();
    // A numeric frame is the layout from before labels: no labels section at all.
    assertThat(JournalFormat.frameSize(numeric))
        .isEqualTo(JournalFormat.FRAME_OVERHEAD + 8 + 4 + 1 + 4 + 3 * 16 + 8 + 4 + 2 * 8 + 2 * 20);
  }

  @Test
  void frame_whoseLabelledRowHasANumber_isInvalid() throws IOException {
    Throwable t =
        catchThrowable(() -> scanOne(delta(new double[] {0.0, 0.7}, new String[] {null, "sleep"})));
    assertThat(t).isInstanceOf(StateLoadException.class).hasMessageContaining("must be 0.0");
    assertThat(((StateLoadException) t).reason()).isEqualTo(StateLoadException.Reason.INVALID);
  }
}
