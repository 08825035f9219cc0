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
}
