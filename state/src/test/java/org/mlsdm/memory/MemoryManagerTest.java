package org.mlsdm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

class MemoryManagerTest {
  private static final MemoryParameters OTHER =
      new MemoryParameters(0.2, 0.05, 0.005, 0.5, 1.5, 0.7, 0.4);
  private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.123456Z");

  private static MemoryManager fedManager() {
    MemoryManager m = new MemoryManager(3);
    m.processEvent(new float[] {2f, -1f, 0.5f}, 0.25);
    m.processEvent(new float[] {3f, 4f, -4f}, 0.75);
    return m;
  }

  private static SystemStateRecord record(int dimension, String id, Instant createdAt) {
    double[] l1 = new double[dimension];
    l1[0] = 1.5;
    MemoryStateRecord memory =
        new MemoryStateRecord(dimension, OTHER, l1, new double[dimension], new double[dimension]);
    QilmStateRecord qilm =
        new QilmStateRecord(new double[][] {new double[dimension]}, new double[] {0.5});
    return new SystemStateRecord(1, id, createdAt, createdAt.plusSeconds(60), memory, qilm);
  }

  @Test
  void new_isEmptyWithDefaultParameters() {
    MemoryManager m = new MemoryManager(4);

    SystemStateRecord s = m.snapshot();

    assertThat(m.dimension()).isEqualTo(4);
    assertThat(m.parameters()).isEqualTo(MemoryParameters.DEFAULTS);
    assertThat(m.id()).isNull();
    assertThat(s.version()).isEqualTo(SystemStates.CURRENT_SCHEMA_VERSION);
    assertThat(s.id()).isNull();
    assertThat(s.memoryState())
        .isEqualTo(
            new MemoryStateRecord(
                4, MemoryParameters.DEFAULTS, new double[4], new double[4], new double[4]));
    assertThat(s.qilm()).isEqualTo(QilmStateRecord.EMPTY);
    assertThat(s.createdAt()).isEqualTo(m.createdAt());
  }

  @Test
  void new_withParameters_usesThem() {
    assertThat(new MemoryManager(2, OTHER).parameters()).isEqualTo(OTHER);
  }

  @Test
  void new_invalidArguments_throw() {
    assertThatThrownBy(() -> new MemoryManager(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MemoryManager(2, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void processEvent_updatesMemoryAndEntanglesWidenedEvent() {
    MemoryManager m = new MemoryManager(2);
    MultiLevelSynapticMemory expected = new MultiLevelSynapticMemory(2, MemoryParameters.DEFAULTS);
    float[] e1 = {0.1f, 3f};
    float[] e2 = {5f, -0.3f};

    m.processEvent(e1, 0.5);
    m.processEvent(e2, 0.75);
    expected.update(e1);
    expected.update(e2);

    assertThat(m.memory().toRecord()).isEqualTo(expected.toRecord());
    QilmStateRecord qilm = m.qilm().toRecord();
    assertThat(qilm.size()).isEqualTo(2);
    assertThat(qilm.row(0)).containsExactly((double) 0.1f, 3.0);
    assertThat(qilm.row(1)).containsExactly(5.0, (double) -0.3f);
    assertThat(qilm.phases()).containsExactly(0.5, 0.75);
  }

  @Test
  void processEvent_invalidEventOrPhase_changesNothing() {
    MemoryManager m = fedManager();
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.processEvent(new float[] {1f, 2f}, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension=3");
    assertThatThrownBy(() -> m.processEvent(new float[] {1f, Float.NaN, 2f}, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event[1]");
    assertThatThrownBy(() -> m.processEvent(new float[] {1f, 2f, 3f}, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase");
    assertThatThrownBy(() -> m.processEvent(new float[] {1f, 2f, 3f}, Double.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase");
    assertThatThrownBy(() -> m.processEvent(null, 0.5)).isInstanceOf(NullPointerException.class);

    assertThat(ManagerContent.of(m)).isEqualTo(before);
  }

  @Test
  void processEvent_overflowingMemory_changesNeitherMemoryNorQilm() {
    MemoryManager m = new MemoryManager(1);
    m.processEvent(new float[] {Float.MAX_VALUE}, 0.5);
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.processEvent(new float[] {Float.MAX_VALUE}, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflow");

    assertThat(ManagerContent.of(m)).isEqualTo(before);
    assertThat(m.qilm().size()).isEqualTo(1);
  }

  @Test
  void snapshot_keepsCreationTimeAndNeverPrecedesIt() {
    MemoryManager m = fedManager();

    SystemStateRecord first = m.snapshot();
    SystemStateRecord second = m.snapshot();

    assertThat(second.createdAt()).isEqualTo(first.createdAt()).isEqualTo(m.createdAt());
    assertThat(first.updatedAt()).isAfterOrEqualTo(first.createdAt());
    assertThat(second.updatedAt()).isAfterOrEqualTo(first.updatedAt());
  }

  @Test
  void snapshot_stateCreatedInTheFuture_usesCreationTimeAsUpdateTime() {
    Instant future = Instant.now().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
    MemoryManager m = new MemoryManager(2);
    m.restore(record(2, null, future));

    SystemStateRecord s = m.snapshot();

    assertThat(s.createdAt()).isEqualTo(future);
    assertThat(s.updatedAt()).isEqualTo(future);
  }

  @Test
  void setId_appearsInSnapshots_andBlankIsRejected() {
    MemoryManager m = new MemoryManager(2);

    m.setId("agent-1");
    assertThat(m.snapshot().id()).isEqualTo("agent-1");
    assertThatThrownBy(() -> m.setId("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id");
    assertThat(m.id()).isEqualTo("agent-1");
    m.setId(null);
    assertThat(m.snapshot().id()).isNull();
  }

  @Test
  void restore_adoptsParametersLevelsQilmIdAndCreationTime() {
    MemoryManager m = fedManager();
    SystemStateRecord state = record(3, "restored", CREATED);

    m.restore(state);

    SystemStateRecord s = m.snapshot();
    assertThat(m.parameters()).isEqualTo(OTHER);
    assertThat(s.memoryState()).isEqualTo(state.memoryState());
    assertThat(s.qilm()).isEqualTo(state.qilm());
    assertThat(s.id()).isEqualTo("restored");
    assertThat(s.createdAt()).isEqualTo(CREATED);
  }

  @Test
  void restore_ofSnapshot_continuesExactlyLikeTheOriginal() {
    MemoryManager original = fedManager();
    original.setId("a");
    MemoryManager copy = new MemoryManager(3, OTHER);

    copy.restore(original.snapshot());
    float[] event = {1.25f, -7f, 2.5f};
    original.processEvent(event, 0.1);
    copy.processEvent(event, 0.1);

    assertThat(ManagerContent.of(copy)).isEqualTo(ManagerContent.of(original));
  }

  @Test
  void restore_dimensionMismatch_throwsAndChangesNothing() {
    MemoryManager m = fedManager();
    m.setId("kept");
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.restore(record(4, "other", CREATED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension")
        .hasMessageContaining("3")
        .hasMessageContaining("4");

    assertThat(ManagerContent.of(m)).isEqualTo(before);
    assertThat(m.parameters()).isEqualTo(MemoryParameters.DEFAULTS);
  }

  @Test
  void restore_levelBeyondFloat32_throwsAndChangesNothing() {
    MemoryManager m = fedManager();
    ManagerContent before = ManagerContent.of(m);
    SystemStateRecord good = record(3, "x", CREATED);
    SystemStateRecord bad =
        good.withMemoryState(
            new MemoryStateRecord(
                3, OTHER, new double[3], new double[] {0, 1e39, 0}, new double[3]));

    assertThatThrownBy(() -> m.restore(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state_l2[1]");

    assertThat(ManagerContent.of(m)).isEqualTo(before);
  }

  @Test
  void restore_null_throwsNullPointer() {
    MemoryManager m = new MemoryManager(2);
    assertThatThrownBy(() -> m.restore(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void memoryAndQilmAccessors_returnIndependentCopies() {
    MemoryManager m = fedManager();
    ManagerContent before = ManagerContent.of(m);

    m.memory().update(new float[] {1f, 1f, 1f});
    m.memory().reset();
    m.qilm().entangle(new double[] {1.0}, 0.0);

    assertThat(ManagerContent.of(m)).isEqualTo(before);
  }
}
