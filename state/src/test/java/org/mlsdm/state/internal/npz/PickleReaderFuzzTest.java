package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.testing.FuzzAllocation;

/**
 * Hostile pickles, fed straight to the allow-list unpickler: any bytes give a plain value or a
 * {@link StateLoadException}; anything else (and loading a class by a name the input chooses, which
 * Jazzer's reflective-call sanitizer reports) is a finding, and so is an input that makes it
 * allocate more than {@link FuzzAllocation} allows. Plain builds replay {@code
 * PickleReaderFuzzTestInputs/}, which keeps the findings of earlier runs.
 */
class PickleReaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void read_anyBytes_yieldsRecordOrStateLoadException(byte[] input) throws IOException {
    FuzzAllocation.check(
        input.length,
        () -> {
          try {
            unpickle(input);
          } catch (StateLoadException expected) {
            // The documented outcome for bytes the unpickler does not accept.
          }
        });
  }

  private static Object unpickle(byte[] input) throws IOException {
    return RestrictedUnpickler.unpickle(
        new ByteArrayInputStream(input),
        input.length,
        "fuzz.npz:state.npy",
        LoadBudget.forFileSize(input.length));
  }

  /** {@code pickle.dumps({'id': None}, protocol=2)}: a one-item dict is written with SETITEM. */
  @Test
  void unpickle_setItemWithNoneValue_keepsTheNull() throws IOException {
    byte[] pickle = HexFormat.of().parseHex("80027d71005802000000696471014e732e");
    assertThat(unpickle(pickle))
        .isInstanceOf(Map.class)
        .isEqualTo(Collections.singletonMap("id", null));
  }

  /**
   * The fuzzer's finding: SETITEM with a None key, which once escaped as a NullPointerException.
   */
  @Test
  void unpickle_setItemWithNoneKey_throwsStateLoadException() {
    byte[] pickle = HexFormat.of().parseHex("80027d4e4e732e");
    assertThatThrownBy(() -> unpickle(pickle))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining("dict keys must be strings");
  }

  /**
   * A list of 150,000 memoised items, as NumPy's pickle of a large state has (a memo entry per
   * row): once refused by a fixed cap of 100,000 memo entries, now loaded, each entry charged to
   * the budget.
   */
  @Test
  void unpickle_moreMemoEntriesThanTheOldCap_loadsAndChargesEachEntry() throws IOException {
    int n = 150_000;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x80, 2, ']'});
    for (int i = 0; i < n; i++) {
      if (i % 1000 == 0) {
        // Python's pickler appends in batches of 1,000 (MARK … APPENDS).
        out.write(i == 0 ? '(' : 'e');
        if (i > 0) {
          out.write('(');
        }
      }
      out.write('K'); // BININT1
      out.write(i & 0x7F);
      out.write('r'); // LONG_BINPUT i
      out.write(i & 0xFF);
      out.write((i >>> 8) & 0xFF);
      out.write((i >>> 16) & 0xFF);
      out.write(0);
    }
    out.write(new byte[] {'e', '.'});
    byte[] pickle = out.toByteArray();
    LoadBudget budget = LoadBudget.forFileSize(pickle.length);

    Object value =
        RestrictedUnpickler.unpickle(
            new ByteArrayInputStream(pickle), pickle.length, "big.npz:state.npy", budget);

    assertThat(value).isInstanceOf(java.util.List.class);
    java.util.List<?> list = (java.util.List<?>) value;
    assertThat(list).hasSize(n);
    assertThat(list.get(n - 1)).isEqualTo((long) ((n - 1) & 0x7F));
    assertThat(budget.charged()).isGreaterThanOrEqualTo(64L * n);
  }
}
