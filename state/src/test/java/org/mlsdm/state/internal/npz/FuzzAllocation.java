package org.mlsdm.state.internal.npz;

import java.io.IOException;
import org.mlsdm.state.internal.LoadBudget;

/**
 * The allocation budget of the NPZ, NPY and pickle fuzz targets: one input may make a load allocate
 * (bytes allocated by the thread, garbage included) at most twice its {@link LoadBudget}, that is
 * {@link #BASE_BYTES} (128 MiB) plus {@link #BYTES_PER_INPUT_BYTE} (64) per byte of the input. The
 * budget bounds what a load keeps; twice as much leaves room for what it throws away (64 KiB stream
 * buffers per entry, decoder buffers, a list's earlier arrays as it grows), which the kept inputs
 * and the Python and library files measure at under 3 MiB plus 22 bytes per input byte
 * (RELIABILITY.md, "Hostile inputs"). An input over it is a finding: some allocation grows with the
 * input without being charged.
 */
final class FuzzAllocation {
  /** Bytes any input may make a load allocate: twice {@link LoadBudget#BASE_BYTES}. */
  static final long BASE_BYTES = 2 * LoadBudget.BASE_BYTES;

  /** Bytes an input may make a load allocate per byte of its own. */
  static final long BYTES_PER_INPUT_BYTE = 2L * LoadBudget.BYTES_PER_FILE_BYTE;

  /** A fuzz target's body. */
  interface Load {
    void run() throws IOException;
  }

  private FuzzAllocation() {}

  /**
   * Runs {@code load} and fails if it allocated more than the budget of an input of {@code
   * inputLength} bytes; a throwable from {@code load} propagates unchecked.
   *
   * @throws AssertionError naming the input's size, the bytes allocated and the limit
   */
  static void check(int inputLength, Load load) throws IOException {
    long before = JvmMemory.threadAllocatedBytes();
    load.run();
    long allocated = JvmMemory.threadAllocatedBytes() - before;
    long limit = BASE_BYTES + BYTES_PER_INPUT_BYTE * inputLength;
    if (allocated > limit) {
      throw new AssertionError(
          "an input of "
              + inputLength
              + " bytes made the load allocate "
              + allocated
              + " bytes, over the fuzz budget of "
              + limit
              + " (128 MiB + 64 × the input's size)");
    }
  }
}
