package org.mlsdm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.mlsdm.state.QilmStateRecord;

class QilmTest {

  /** Vectors tagged by their first value: vector k is {k, k + 0.5}. */
  private static Qilm withPhases(double... phases) {
    Qilm q = new Qilm();
    for (int k = 0; k < phases.length; k++) {
      q.entangle(new double[] {k, k + 0.5}, phases[k]);
    }
    return q;
  }

  private static List<Double> tags(List<double[]> vectors) {
    return vectors.stream().map(v -> v[0]).toList();
  }

  @Test
  void new_isEmpty() {
    Qilm q = new Qilm();

    assertThat(q.size()).isZero();
    assertThat(q.retrieve(0.0, Double.POSITIVE_INFINITY)).isEmpty();
    assertThat(q.toRecord()).isEqualTo(QilmStateRecord.EMPTY);
  }

  @Test
  void retrieve_returnsMatchesInInsertionOrder() {
    Qilm q = withPhases(0.5, 0.25, 0.75, 0.5, 0.0);

    assertThat(tags(q.retrieve(0.5, 0.0))).containsExactly(0.0, 3.0);
    assertThat(tags(q.retrieve(0.6, 0.2))).containsExactly(0.0, 2.0, 3.0);
    assertThat(tags(q.retrieve(0.0, 0.1))).containsExactly(4.0);
  }

  @Test
  void retrieve_distanceEqualToTolerance_isIncluded() {
    Qilm q = withPhases(0.5, 0.25, 0.75);

    assertThat(tags(q.retrieve(0.5, 0.25))).containsExactly(0.0, 1.0, 2.0);
    assertThat(tags(q.retrieve(0.5, Math.nextDown(0.25)))).containsExactly(0.0);
  }

  @Test
  void retrieve_zeroAndInfiniteTolerance() {
    Qilm q = withPhases(-1e300, 0.0, 1e300);

    assertThat(tags(q.retrieve(0.0, -0.0))).containsExactly(1.0);
    assertThat(tags(q.retrieve(0.0, Double.POSITIVE_INFINITY))).containsExactly(0.0, 1.0, 2.0);
    assertThat(q.retrieve(Double.POSITIVE_INFINITY, 1e300)).isEmpty();
  }

  @Test
  void retrieve_negativeOrNaNTolerance_throws() {
    Qilm q = withPhases(0.5);

    assertThatThrownBy(() -> q.retrieve(0.5, -0.001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerance")
        .hasMessageContaining("-0.001");
    assertThatThrownBy(() -> q.retrieve(0.5, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> q.retrieve(0.5, Double.NEGATIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retrieve_nanPhase_throws() {
    Qilm q = withPhases(0.5);

    assertThatThrownBy(() -> q.retrieve(Double.NaN, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase");
  }

  @Test
  void entangle_copiesTheVector() {
    Qilm q = new Qilm();
    double[] v = {1.0, 2.0};

    q.entangle(v, 0.5);
    v[0] = 99.0;

    assertThat(q.retrieve(0.5, 0.0)).singleElement().isEqualTo(new double[] {1.0, 2.0});
  }

  @Test
  void retrieve_returnsCopies() {
    Qilm q = withPhases(0.5);

    q.retrieve(0.5, 0.0).get(0)[0] = 99.0;

    assertThat(q.retrieve(0.5, 0.0)).singleElement().isEqualTo(new double[] {0.0, 0.5});
  }

  @Test
  void entangle_nonFiniteValue_throwsNamingIndexAndStoresNothing() {
    Qilm q = withPhases(0.5);

    assertThatThrownBy(() -> q.entangle(new double[] {1.0, Double.NaN}, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vector[1]")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> q.entangle(new double[] {Double.NEGATIVE_INFINITY}, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vector[0]");
    assertThat(q.size()).isEqualTo(1);
    assertThat(q.toRecord()).isEqualTo(withPhases(0.5).toRecord());
  }

  @Test
  void entangle_nonFinitePhase_throwsAndStoresNothing() {
    Qilm q = withPhases(0.5);

    assertThatThrownBy(() -> q.entangle(new double[] {1.0}, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase");
    assertThatThrownBy(() -> q.entangle(new double[] {1.0}, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase");
    assertThat(q.size()).isEqualTo(1);
  }

  @Test
  void entangle_null_throwsNullPointer() {
    Qilm q = new Qilm();

    assertThatThrownBy(() -> q.entangle(null, 0.5)).isInstanceOf(NullPointerException.class);
    assertThat(q.size()).isZero();
  }

  @Test
  void entangle_manyVectors_keepsAllInOrder() {
    Qilm q = new Qilm();
    int n = 1000;
    for (int k = 0; k < n; k++) {
      q.entangle(new double[] {k}, k % 2);
    }

    assertThat(q.size()).isEqualTo(n);
    List<Double> odd = tags(q.retrieve(1.0, 0.0));
    assertThat(odd).hasSize(n / 2);
    for (int i = 0; i < odd.size(); i++) {
      assertThat(odd.get(i)).isEqualTo(2.0 * i + 1);
    }
    QilmStateRecord r = q.toRecord();
    assertThat(r.size()).isEqualTo(n);
    assertThat(r.row(n - 1)).containsExactly(n - 1.0);
    assertThat(r.phase(n - 1)).isEqualTo(1.0);
  }

  @Test
  void toRecord_holdsVectorsAndPhasesInOrder_includingRaggedAndEmptyVectors() {
    Qilm q = new Qilm();
    q.entangle(new double[] {1.0, 2.0, 3.0}, 0.25);
    q.entangle(new double[0], -0.5);
    q.entangle(new double[] {1e-300}, 0.25);

    QilmStateRecord r = q.toRecord();

    assertThat(r.memory()).isDeepEqualTo(new double[][] {{1.0, 2.0, 3.0}, {}, {1e-300}});
    assertThat(r.phases()).containsExactly(0.25, -0.5, 0.25);
  }

  @Test
  void fromRecord_restoresContentsAndStaysIndependent() {
    QilmStateRecord r =
        new QilmStateRecord(new double[][] {{1.0}, {2.0, 3.0}}, new double[] {0.1, 0.2});

    Qilm q = Qilm.fromRecord(r);
    q.entangle(new double[] {4.0}, 0.3);

    assertThat(q.size()).isEqualTo(3);
    assertThat(tags(q.retrieve(0.2, 0.0))).containsExactly(2.0);
    assertThat(r.size()).isEqualTo(2);
    assertThat(Qilm.fromRecord(r).toRecord()).isEqualTo(r);
  }

  @Test
  void fromRecord_null_throwsNullPointer() {
    assertThatThrownBy(() -> Qilm.fromRecord(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void copy_isIndependent() {
    Qilm q = withPhases(0.5, 0.25);
    QilmStateRecord before = q.toRecord();

    Qilm copy = q.copy();
    copy.entangle(new double[] {7.0}, 0.5);

    assertThat(q.toRecord()).isEqualTo(before);
    assertThat(copy.size()).isEqualTo(3);
  }

  @Provide
  Arbitrary<double[]> vectors() {
    return Arbitraries.doubles().array(double[].class).ofMaxSize(5);
  }

  @Property(tries = 200)
  void recordRoundTrip_preservesVectorsAndPhases(
      @ForAll @Size(max = 40) List<@From("vectors") double[]> vectors,
      @ForAll @Size(max = 40) List<Double> phases) {
    Qilm q = new Qilm();
    int n = Math.min(vectors.size(), phases.size());
    for (int i = 0; i < n; i++) {
      q.entangle(vectors.get(i), phases.get(i));
    }

    QilmStateRecord r = q.toRecord();
    Qilm restored = Qilm.fromRecord(r);

    assertThat(restored.size()).isEqualTo(n);
    assertThat(restored.toRecord()).isEqualTo(r);
    for (int i = 0; i < n; i++) {
      assertThat(r.row(i)).isEqualTo(vectors.get(i));
      assertThat(r.phase(i)).isEqualTo(phases.get(i));
    }
  }
}
