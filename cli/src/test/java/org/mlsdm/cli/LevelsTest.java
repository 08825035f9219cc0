package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LevelsTest {
  @Test
  void norm_isEuclidean() {
    assertThat(Levels.norm(new double[] {3, -4})).isEqualTo(5.0);
    assertThat(Levels.norm(new double[] {0, 0})).isZero();
    assertThat(Levels.norm(new double[0])).isZero();
  }

  @Test
  void norm_ofHugeValues_staysFinite() {
    assertThat(Levels.norm(new double[] {3e200, 4e200}))
        .isEqualTo(5e200, org.assertj.core.api.Assertions.within(1e186));
  }

  @Test
  void maxAbsDiff_isTheLargestComponent() {
    assertThat(Levels.maxAbsDiff(new double[] {1, 5, -2}, new double[] {1.5, 5, 1})).isEqualTo(3.0);
  }

  @Test
  void format_isShortForPeople() {
    assertThat(Levels.format(0)).isEqualTo("0");
    assertThat(Levels.format(2)).isEqualTo("2");
    assertThat(Levels.format(0.25)).isEqualTo("0.25");
    assertThat(Levels.format(6.963124)).isEqualTo("6.96312");
    assertThat(Levels.format(1e-300)).isEqualTo("1.00000e-300");
  }

  @Test
  void niceStep_isOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(NormPlot.niceStep(2000, 8)).isEqualTo(500.0);
    assertThat(NormPlot.niceStep(15, 6)).isEqualTo(5.0);
    assertThat(NormPlot.niceStep(0.9, 6))
        .isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
  }
}
