package org.mlsdm.state.internal.npz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;

/**
 * Hostile NPY entries, below the zip layer so the fuzzer reaches the header parser and the data
 * reader directly: any bytes give an array or a {@link StateLoadException}; anything else is a
 * finding, and so is an input that makes the read allocate more than {@link FuzzAllocation} allows.
 * Plain builds replay {@code NpyReaderFuzzTestInputs/}.
 */
class NpyReaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void read_anyBytes_yieldsRecordOrStateLoadException(byte[] input) throws IOException {
    FuzzAllocation.check(
        input.length,
        () -> {
          try {
            NpyReader.read(
                new ByteArrayInputStream(input),
                input.length,
                "fuzz.npz:entry.npy",
                LoadBudget.forFileSize(input.length));
          } catch (StateLoadException expected) {
            // The documented outcome for bytes the reader does not accept.
          }
        });
  }
}
