package org.mlsdm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.Phase;

/** Labelled phases in the memory components, retrieved as the Python QILM does. */
class LabelledQilmTest {
  @TempDir Path dir;

  @Test
  void retrieve_label_byEqualityInInsertionOrder() {
    Qilm q = new Qilm();
    q.entangle(new double[] {1}, "wake");
    q.entangle(new double[] {2}, 0.0);
    q.entangle(new double[] {3}, "sleep");
    q.entangle(new double[] {4}, "wake");

    assertThat(q.retrieve("wake")).containsExactly(new double[] {1}, new double[] {4});
    assertThat(q.retrieve("Wake")).isEmpty();
  }

  @Test
  void retrieve_number_neverMatchesALabel_andDefaultsToTolerancePointOne() {
    Qilm q = new Qilm();
    q.entangle(new double[] {1}, "0.5");
    q.entangle(new double[] {2}, 0.55);
    q.entangle(new double[] {3}, 0.7);

    assertThat(q.retrieve(0.5)).containsExactly(new double[] {2});
    assertThat(q.retrieve(0.5, 10)).containsExactly(new double[] {2}, new double[] {3});
    assertThat(q.retrieve("0.55")).isEmpty();
    assertThat(Qilm.DEFAULT_TOLERANCE).isEqualTo(0.1);
  }

  @Test
  void toRecordFromRecord_keepsEachKind_beyondTheInitialCapacity() {
    Qilm q = new Qilm();
    for (int i = 0; i < 40; i++) {
      if (i % 3 == 0) {
        q.entangle(new double[] {i}, "l" + i);
      } else {
        q.entangle(new double[] {i}, i / 10.0);
      }
    }

    Qilm back = Qilm.fromRecord(q.toRecord());

    assertThat(back.toRecord()).isEqualTo(q.toRecord());
    assertThat(back.toRecord().phaseAt(39)).isEqualTo(Phase.of("l39"));
    assertThat(back.toRecord().phaseAt(38)).isEqualTo(Phase.of(3.8));
    assertThat(back.retrieve("l21")).containsExactly(new double[] {21});
  }

  @Test
  void entangle_labelWithNul_refusedAndNothingStored() {
    Qilm q = new Qilm();

    assertThatThrownBy(() -> q.entangle(new double[] {1}, "a\u0000"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> q.entangle(new double[] {1}, (String) null))
        .isInstanceOf(NullPointerException.class);
    assertThat(q.size()).isZero();
  }

  @Test
  void processEvent_label_savesAndLoadsInBothFormats() {
    for (String ext : List.of("json", "npz")) {
      MemoryManager m = new MemoryManager(2);
      m.processEvent(new float[] {1, 2}, "wake");
      m.processEvent(new float[] {3, 4}, 0.25);
      m.processEvent(new float[] {5, 6}, "sleep");
      Path p = dir.resolve("m." + ext);
      m.save(p);

      MemoryManager loaded = new MemoryManager(2);
      loaded.load(p);

      assertThat(loaded.qilm().retrieve("sleep")).as(ext).containsExactly(new double[] {5, 6});
      assertThat(loaded.qilm().toRecord().phaseList())
          .as(ext)
          .containsExactly(Phase.of("wake"), Phase.of(0.25), Phase.of("sleep"));
    }
  }

  @Test
  void processEvent_badLabel_changesNothing() {
    MemoryManager m = new MemoryManager(2);

    assertThatThrownBy(() -> m.processEvent(new float[] {1, 2}, "x\u0000"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(m.memory().l1()).containsExactly(0f, 0f);
    assertThat(m.qilm().size()).isZero();
  }
}
