package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.memory.MemoryManager;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.JournalStatus;
import org.mlsdm.state.StateDelta;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/** The journal: round trips, torn tails, corruption, stale journals, resets and group commit. */
class JournalTest {
  private static final int DIM = 4;

  @TempDir Path dir;

  static java.util.stream.Stream<String> formats() {
    return StoreFiles.formats();
  }

  private static Path journal(Path p) {
    return JournalFormat.journalPath(p);
  }

  /** Creates a state, checkpoints {@code n} deltas of 2 rows, returns base and deltas. */
  private List<StateDelta> checkpointed(Path p, SystemStateRecord base, int n, double threshold) {
    List<StateDelta> deltas = new ArrayList<>();
    try (Checkpointer cp = Checkpointer.create(p, base, threshold)) {
      long rows = cp.rows();
      for (int i = 1; i <= n; i++) {
        StateDelta d = JournalTesting.delta(rows, i, DIM, 2);
        cp.checkpoint(d);
        deltas.add(d);
        rows += 2;
      }
    }
    return deltas;
  }

  private static SystemStateRecord base(Path p) {
    return SystemStates.load(p, org.mlsdm.state.LoadOptions.defaults());
  }

  @ParameterizedTest
  @MethodSource("formats")
  void load_appliesEveryFrame_andTheBaseStaysTheCreatedState(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStateRecord start = TestStates.sample(1);
    List<StateDelta> deltas = checkpointed(p, start, 3, 100);
    SystemStateRecord created;
    try (Checkpointer cp = Checkpointer.open(p)) {
      created = cp.state();
    }
    SystemStateRecord expected =
        JournalTesting.apply(start.withUpdatedAt(created.updatedAt()), deltas);
    assertThat(created.qilm()).isEqualTo(expected.qilm());
    assertThat(created.memoryState()).isEqualTo(expected.memoryState());
    assertThat(created.id()).isEqualTo("agent-step-3");
    assertThat(created.updatedAt()).isEqualTo(deltas.get(2).updatedAt());
    assertThat(base(p)).isEqualTo(created);
    assertThat(Checkpointer.status(p))
        .isEqualTo(new JournalStatus(true, Files.size(journal(p)), 3, true, 0, null));
    // The base alone is the created state: what the Python system reads until a compaction.
    Path copy = dir.resolve("copy." + ext);
    Files.copy(p, copy);
    assertThat(SystemStates.load(copy).qilm().size()).isEqualTo(3);

    Checkpointer.compact(p);
    assertThat(journal(p)).doesNotExist();
    Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(SystemStates.load(copy)).isEqualTo(created);
    assertThat(base(p)).isEqualTo(created);
  }

  @Test
  void tornTail_atEveryByteOfTheLastFrame_isNeverLoaded_andTheNextWriterCutsIt()
      throws IOException {
    Path p = dir.resolve("state.npz");
    SystemStateRecord start = TestStates.sample(2);
    List<StateDelta> deltas = checkpointed(p, start, 2, 100);
    byte[] whole = Files.readAllBytes(journal(p));
    int firstEnd = whole.length - JournalFormat.frameSize(frame(deltas.get(1)));
    for (int cut = firstEnd; cut < whole.length; cut++) {
      Files.write(journal(p), java.util.Arrays.copyOf(whole, cut));
      SystemStateRecord got = SystemStates.load(p);
      assertThat(got.qilm().size()).as("cut at %d", cut).isEqualTo(start.qilm().size() + 2);
      assertThat(got.id()).isEqualTo("agent-step-1");
      JournalStatus s = Checkpointer.status(p);
      assertThat(s.frames()).isEqualTo(1);
      assertThat(s.tornBytes()).isEqualTo(cut - firstEnd);
      assertThat(Files.size(journal(p))).as("a load never changes the journal").isEqualTo(cut);
    }
    // A zero-filled tail (a power loss that kept the size but not the data) is torn too.
    byte[] zeroed = whole.clone();
    java.util.Arrays.fill(zeroed, firstEnd, zeroed.length, (byte) 0);
    Files.write(journal(p), zeroed);
    assertThat(SystemStates.load(p).id()).isEqualTo("agent-step-1");

    try (Checkpointer cp = Checkpointer.open(p)) {
      assertThat(Files.size(journal(p))).isEqualTo(firstEnd);
      cp.checkpoint(JournalTesting.delta(cp.rows(), 7, DIM, 1));
    }
    assertThat(SystemStates.load(p).id()).isEqualTo("agent-step-7");
  }

  private static JournalFormat.Delta frame(StateDelta d) {
    return new JournalFormat.Delta(
        d.updatedAt(),
        d.id(),
        d.stateL1(),
        d.stateL2(),
        d.stateL3(),
        d.fromRow(),
        d.rows(),
        d.phases());
  }

  @Test
  void corruptMiddleFrame_isALoadError() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, TestStates.sample(3), 3, 100);
    byte[] b = Files.readAllBytes(journal(p));
    b[JournalFormat.HEADER_SIZE + JournalFormat.FRAME_HEADER + 3] ^= 0x10;
    Files.write(journal(p), b);
    Throwable t = catchThrowable(() -> SystemStates.load(p));
    assertThat(t).isInstanceOf(StateLoadException.class).hasMessageContaining("corrupt");
    assertThat(((StateLoadException) t).reason()).isEqualTo(StateLoadException.Reason.CORRUPT);
    // A corrupt length field in the middle is not mistaken for a torn tail either.
    b = Files.readAllBytes(journal(p));
    b[JournalFormat.HEADER_SIZE + JournalFormat.FRAME_HEADER + 3] ^= 0x10;
    b[JournalFormat.HEADER_SIZE + 4] = 0x7f;
    Files.write(journal(p), b);
    assertThat(catchThrowable(() -> SystemStates.load(p))).isInstanceOf(StateLoadException.class);
  }

  @Test
  void hugeCountsInAFrame_areRefusedBeforeAllocating() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, TestStates.sample(3), 1, 100);
    byte[] b = Files.readAllBytes(journal(p));
    // The row count field of frame 1, then its CRC recomputed so only the bound can refuse it.
    int payload = JournalFormat.HEADER_SIZE + JournalFormat.FRAME_HEADER;
    int countAt = payload + 8 + 4 + "agent-step-1".length() + 4 + 24 * DIM + 8;
    java.nio.ByteBuffer.wrap(b).putInt(countAt, Integer.MAX_VALUE);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b, JournalFormat.HEADER_SIZE, b.length - 4 - JournalFormat.HEADER_SIZE);
    java.nio.ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
    Files.write(journal(p), b);
    Throwable t = catchThrowable(() -> SystemStates.load(p));
    assertThat(t).isInstanceOf(StateLoadException.class).hasMessageContaining("exceeds");
  }

  @Test
  void staleJournal_isNeverApplied_andTheNextWriterSetsItAside() throws IOException {
    Path p = dir.resolve("state.json");
    checkpointed(p, TestStates.sample(4), 2, 100);
    byte[] old = Files.readAllBytes(journal(p));
    SystemStateRecord other = TestStates.sample(5);
    SystemStateRecord saved = SystemStates.save(other, p);
    assertThat(journal(p)).as("a whole-file save resets the journal").doesNotExist();
    // Another tool rewrote the base but left the journal: its chain root is the old base.
    Files.write(journal(p), old);
    assertThat(SystemStates.load(p)).isEqualTo(saved);
    JournalStatus s = Checkpointer.status(p);
    assertThat(s.chains()).isFalse();
    assertThat(s.problem()).contains("chain root");
    assertThat(Files.readAllBytes(journal(p))).isEqualTo(old);
    try (Checkpointer cp = Checkpointer.open(p)) {
      assertThat(journal(p)).doesNotExist();
      assertThat(StoreFiles.names(dir)).anyMatch(n -> n.startsWith("state.json.journal.stale-"));
      cp.checkpoint(JournalTesting.delta(cp.rows(), 9, DIM, 1));
    }
    assertThat(SystemStates.load(p).id()).isEqualTo("agent-step-9");
  }

  @Test
  void compaction_pastTheThreshold_foldsTheJournalIn() {
    Path p = dir.resolve("state.npz");
    SystemStateRecord start = TestStates.sample(6);
    List<StateDelta> deltas = new ArrayList<>();
    long compactions;
    try (Checkpointer cp = Checkpointer.create(p, start, 0.5)) {
      for (int i = 1; i <= 40; i++) {
        StateDelta d = JournalTesting.delta(cp.rows(), i, DIM, 3);
        cp.checkpoint(d);
        deltas.add(d);
      }
      compactions = cp.compactions();
    }
    assertThat(compactions).isGreaterThan(1);
    SystemStateRecord got = SystemStates.load(p);
    SystemStateRecord expected = JournalTesting.apply(start, deltas);
    assertThat(got.qilm()).isEqualTo(expected.qilm());
    assertThat(got.memoryState()).isEqualTo(expected.memoryState());
  }

  @Test
  void groupCommit_fromManyThreads_losesNothing() throws Exception {
    Path p = dir.resolve("state.npz");
    MemoryManager m = new MemoryManager(DIM);
    int threads = 8;
    int each = 40;
    try (Checkpointer cp = Checkpointer.create(p, m.snapshot(), 4)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        fs.add(
            pool.submit(
                () -> {
                  java.util.Random r = new java.util.Random(seed);
                  for (int i = 0; i < each; i++) {
                    float[] e = new float[DIM];
                    for (int j = 0; j < DIM; j++) {
                      e[j] = (float) r.nextGaussian();
                    }
                    m.processEvent(e, r.nextDouble());
                    m.checkpoint(cp);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      assertThat(cp.rows()).isEqualTo((long) threads * each);
    }
    SystemStateRecord got = SystemStates.load(p);
    SystemStateRecord now = m.snapshot();
    assertThat(got.qilm()).isEqualTo(now.qilm());
    assertThat(got.memoryState()).isEqualTo(now.memoryState());
  }

  @Test
  void manager_afterRestore_rewritesTheWholeFile() {
    Path p = dir.resolve("state.json");
    MemoryManager m = new MemoryManager(DIM);
    try (Checkpointer cp = Checkpointer.create(p, m.snapshot())) {
      m.processEvent(new float[] {1, 2, 3, 4}, 0.5);
      m.checkpoint(cp);
      m.restore(TestStates.sample(7));
      m.checkpoint(cp);
      assertThat(journal(p)).doesNotExist();
      m.processEvent(new float[] {1, 2, 3, 4}, 0.25);
      m.checkpoint(cp);
    }
    SystemStateRecord got = SystemStates.load(p);
    assertThat(got.qilm()).isEqualTo(m.snapshot().qilm());
    assertThat(got.qilm().size()).isEqualTo(4);
  }

  @Test
  void wholeFileSave_byAnotherWriter_failsTheNextCheckpoint_andDeleteRemovesTheJournal() {
    Path p = dir.resolve("state.json");
    try (Checkpointer cp = Checkpointer.create(p, TestStates.sample(8))) {
      cp.checkpoint(JournalTesting.delta(cp.rows(), 1, DIM, 1));
      SystemStateRecord other = SystemStates.save(TestStates.sample(9), p);
      Throwable t = catchThrowable(() -> cp.checkpoint(JournalTesting.delta(cp.rows(), 2, DIM, 1)));
      assertThat(t)
          .isInstanceOf(org.mlsdm.state.StateSaveException.class)
          .hasMessageContaining("another writer");
      assertThat(SystemStates.load(p)).isEqualTo(other);
    }
    try (Checkpointer cp = Checkpointer.open(p)) {
      cp.checkpoint(JournalTesting.delta(cp.rows(), 3, DIM, 1));
    }
    assertThat(journal(p)).exists();
    SystemStates.delete(p);
    assertThat(journal(p)).doesNotExist();
  }

  @Test
  void failedCheckpoint_isNotInTheJournal_andTheNextOneExtendsTheDurableRows() {
    Path p = dir.resolve("state.json");
    SystemStateRecord start = TestStates.sample(10);
    SystemStates.save(start, p);
    SystemStateRecord base = SystemStates.load(p);
    FaultyFileOps ops = new FaultyFileOps(org.mlsdm.state.internal.io.RealFileOps.INSTANCE);
    StateStore store = new StateStore(ops, java.time.Clock.systemUTC());
    org.mlsdm.state.SaveOptions once = org.mlsdm.state.SaveOptions.defaults().withMaxAttempts(1);
    try (JournalWriter w = JournalWriter.open(store, p, null, 100, once).writer()) {
      StateDelta first = JournalTesting.delta(w.rows(), 1, DIM, 2);
      w.checkpoint(rows -> JournalFaultInjectionTest.frameOf(first));
      // The next operation is the second checkpoint's write: it fails, with no retry.
      ops.failOnce(ops.calls().size() + 1);
      StateDelta lost = JournalTesting.delta(w.rows(), 2, DIM, 2);
      assertThat(
              catchThrowable(() -> w.checkpoint(rows -> JournalFaultInjectionTest.frameOf(lost))))
          .isInstanceOf(org.mlsdm.state.StateSaveException.class);
      assertThat(w.rows()).isEqualTo(start.qilm().size() + 2L);
      StateDelta third = JournalTesting.delta(w.rows(), 3, DIM, 2);
      w.checkpoint(rows -> JournalFaultInjectionTest.frameOf(third));
      assertThat(SystemStates.load(p).qilm())
          .isEqualTo(JournalTesting.apply(base, List.of(first, third)).qilm());
    }
  }
}
