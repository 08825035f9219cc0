package org.mlsdm.state.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.mlsdm.state.StateLoadException;

class LoadBudgetTest {
  @Test
  void limit_isBasePlusThirtyTwoBytesPerFileByte() {
    assertThat(LoadBudget.forFileSize(0).limit()).isEqualTo(64L << 20);
    assertThat(LoadBudget.forFileSize(1_000_000).limit()).isEqualTo((64L << 20) + 32_000_000);
  }

  @Test
  void limit_ofAnAbsurdFileSize_saturates() {
    assertThat(LoadBudget.forFileSize(Long.MAX_VALUE / 2).limit()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void forFileSize_negative_namesTheParameter() {
    assertThatThrownBy(() -> LoadBudget.forFileSize(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fileSize must be >= 0, got -1");
  }

  @Test
  void charge_upToTheLimit_isAccepted() {
    LoadBudget b = LoadBudget.forFileSize(10);

    b.charge(b.limit() - 1, "most");
    b.charge(1, "the rest");

    assertThat(b.charged()).isEqualTo(b.limit());
  }

  @Test
  void charge_pastTheLimit_throwsMalformedNamingTheLimitAndKeepsTheBudget() {
    LoadBudget b = LoadBudget.forFileSize(1000);
    b.charge(100, "first");

    StateLoadException e =
        catchThrowableOfType(
            StateLoadException.class, () -> b.charge(b.limit(), "x.npz: entry 'a.npy': 9 values"));

    assertThat(e.reason()).isEqualTo(StateLoadException.Reason.MALFORMED);
    assertThat(e)
        .hasMessage(
            "x.npz: entry 'a.npy': 9 values would need 67140864 bytes of heap with 100 already"
                + " used: over the load budget of 67140864 bytes (64 MiB + 32 × the file's 1000"
                + " bytes)");
    assertThat(b.charged()).isEqualTo(100);
  }

  @Test
  void tryCharge_pastTheLimit_returnsFalseAndChargesNothing() {
    LoadBudget b = LoadBudget.forFileSize(0);

    assertThat(b.tryCharge(b.limit() + 1)).isFalse();
    assertThat(b.tryCharge(-1)).isFalse();
    assertThat(b.charged()).isZero();
    assertThat(b.tryCharge(8)).isTrue();
    assertThat(b.charged()).isEqualTo(8);
  }

  @Test
  void charge_ofAnOverflowedSize_isRefused() {
    LoadBudget b = LoadBudget.forFileSize(Long.MAX_VALUE / 2);

    assertThatThrownBy(() -> b.charge(LoadBudget.array(Long.MAX_VALUE / 4, 8), "huge"))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("huge would need more than " + Long.MAX_VALUE);
  }

  @Test
  void array_isHeaderPlusElementsRoundedToEightBytes() {
    assertThat(LoadBudget.array(0, 8)).isEqualTo(16);
    assertThat(LoadBudget.array(3, 8)).isEqualTo(40);
    assertThat(LoadBudget.array(1, 1)).isEqualTo(24);
    assertThat(LoadBudget.array(8, 1)).isEqualTo(24);
    assertThat(LoadBudget.array(9, 1)).isEqualTo(32);
    assertThat(LoadBudget.array(-1, 8)).isNegative();
    assertThat(LoadBudget.array(Long.MAX_VALUE / 8, 8)).isNegative();
  }
}
