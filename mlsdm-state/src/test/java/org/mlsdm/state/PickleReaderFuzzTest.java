package org.mlsdm.state;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Hostile pickles, fed straight to the allow-list unpickler: any bytes give a plain value or a
 * {@link StateLoadException}; anything else (and any attempt to load a class, which Jazzer's
 * deserialization sanitizer reports) is a finding. Plain builds replay {@code
 * PickleReaderFuzzTestInputs/}.
 */
class PickleReaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void read_anyBytes_yieldsRecordOrStateLoadException(byte[] input) throws IOException {
    try {
      RestrictedUnpickler.unpickle(new ByteArrayInputStream(input), input.length, "fuzz.npz:state.npy");
    } catch (StateLoadException expected) {
      // The documented outcome for bytes the unpickler does not accept.
    }
  }
}
