package org.mlsdm.state.internal.npz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.testing.ReaderFuzzing;

/**
 * Hostile NPZ: whatever the bytes (zip structure, NPY headers, pickles inside), reading and
 * decoding them yields a record or a {@link StateLoadException}; anything else is a finding, and so
 * is an input that makes the load allocate more than {@link FuzzAllocation} allows. Plain builds
 * replay {@code NpzReaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (RELIABILITY.md).
 */
class NpzReaderFuzzTest {
  private static final Path SOURCE = Path.of("fuzz.npz");

  @FuzzTest(maxDuration = "60s")
  void read_anyBytes_yieldsRecordOrStateLoadException(byte[] input) throws IOException {
    FuzzAllocation.check(
        input.length, () -> ReaderFuzzing.readAndDecode(NpzStateCodec.INSTANCE, input, SOURCE));
  }
}
