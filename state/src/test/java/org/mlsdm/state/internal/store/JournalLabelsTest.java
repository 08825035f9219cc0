package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.memory.MemoryManager;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.Phase;
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
}
