package org.mlsdm.state.internal;

import org.mlsdm.state.StateLoadException;

/**
 * The heap one load may fill, as a function of the file's size: {@link #BASE_BYTES} plus {@link
 * #BYTES_PER_FILE_BYTE} bytes per byte of the file (64 MiB + 32 × size). Readers {@link #charge}
 * what they are about to keep before they allocate it, so that a file whose values would need more
 * (zip bombs within the archive limits, narrow NPY types widened to doubles, pickles whose shared
 * references expand into copies) fails with {@link StateLoadException} ({@code MALFORMED}, the
 * message naming the limit) instead of an {@link OutOfMemoryError}, and after work proportional to
 * what it was allowed to produce.
 *
 * <p><b>What is charged.</b> Everything a reader keeps or builds that grows with the input: the zip
 * directory and its entries, the decoded arrays, lists, maps and strings (each expansion of a
 * shared reference again, since it is a copy), and transient buffers as large as a value. Charges
 * are never given back, so their sum bounds the live heap of the values from above. Not charged,
 * because their size has a fixed maximum: the unpickler's stack, marks and memo (at most 100,000
 * entries each, about 10 MiB together), an NPY header (at most 10,000 bytes) and stream buffers of
 * 64 KiB. Costs are those of a 64-bit HotSpot JVM with compressed references (heaps under 32 GB),
 * rounded up: {@link #OBJECT} for a small object or a boxed number, {@link #REFERENCE} per
 * reference held (twice the real 4 bytes, which covers an {@code ArrayList}'s spare capacity), and
 * {@link #array} for arrays.
 *
 * <p><b>Why these numbers.</b> The base is the zip reader's floor ({@link
 * ZipArchiveReader#MAX_TOTAL_FLOOR}): what any archive may inflate to, whatever its size, it may
 * also decode into doubles. The factor was measured: files the library and the Python system write
 * (every NumPy layout of states of 20,000 × 1, 2,000 × 64 and 300 × 384 values: ragged,
 * Fortran-order, compressed, pickled; {@code NpzMemoryAmplificationTest}) are charged 1.0 to 3.7
 * bytes per file byte in the native layout and 4.5 to 10.4 in the pickled one (each float a boxed
 * number in a list, each row a list of its own, before they become doubles). 32 leaves three times
 * the largest, and keeps a file of 1 MB within 96 MiB of charged heap, which {@code -Xmx256m} holds
 * beside the JVM itself (tested in a child JVM). The JSON reader charges the same way: its vectors
 * and growth buffers, its rows, and in the raw form every boxed value, string, list and map.
 *
 * <p>One budget belongs to one load on one thread; it is not thread-safe.
 */
public final class LoadBudget {
  /** Bytes every load may use, whatever the file's size: 64 MiB. */
  public static final long BASE_BYTES = 64L << 20;

  /** Bytes a load may use per byte of the file: the {@code k} of {@code 64 MiB + k × size}. */
  public static final int BYTES_PER_FILE_BYTE = 32;

  /** The charge for a small object or a boxed number (header and fields, rounded up). */
  public static final int OBJECT = 24;

  /** The charge per reference held in an array or a list. */
  public static final int REFERENCE = 8;

  private static final int ARRAY_HEADER = 16;

  private final long fileSize;
  private final long limit;
  private long charged;

  private LoadBudget(long fileSize) {
    this.fileSize = fileSize;
    this.limit =
        fileSize > (Long.MAX_VALUE - BASE_BYTES) / BYTES_PER_FILE_BYTE
            ? Long.MAX_VALUE
            : BASE_BYTES + BYTES_PER_FILE_BYTE * fileSize;
  }

  /**
   * Creates the budget of one load.
   *
   * @param fileSize the size in bytes of the whole file being loaded (not of one entry)
   * @return a budget of {@code BASE_BYTES + BYTES_PER_FILE_BYTE × fileSize} bytes, nothing charged
   * @throws IllegalArgumentException if {@code fileSize} is negative
   */
  public static LoadBudget forFileSize(long fileSize) {
    if (fileSize < 0) {
      throw new IllegalArgumentException("fileSize must be >= 0, got " + fileSize);
    }
    return new LoadBudget(fileSize);
  }

  /**
   * Records that the load is about to keep {@code bytes} more bytes of heap; call it before the
   * allocation.
   *
   * @param bytes the bytes about to be allocated; a negative value (an overflowed computation)
   *     counts as more than any budget
   * @param what the value and its place, for the message, for example {@code "x.npz: entry
   *     'qilm.memory.npy': 1000 rows of 1 value"}
   * @throws StateLoadException ({@link StateLoadException.Reason#MALFORMED}) naming {@code what},
   *     the budget's limit and how it follows from the file's size, if the total would exceed it;
   *     the budget then stays as it was
   */
  public void charge(long bytes, String what) {
    if (!tryCharge(bytes)) {
      throw new StateLoadException(
          what
              + " would need "
              + (bytes < 0 ? "more than " + Long.MAX_VALUE : bytes)
              + " bytes of heap with "
              + charged
              + " already used: over the load budget of "
              + limit
              + " bytes ("
              + (BASE_BYTES >> 20)
              + " MiB + "
              + BYTES_PER_FILE_BYTE
              + " × the file's "
              + fileSize
              + " bytes)");
    }
  }

  /**
   * Charges {@code bytes} if they fit, for hot paths that should not build a message first; a
   * caller that gets false then calls {@link #charge} with the message, which throws.
   *
   * @return whether the bytes were charged; false leaves the budget as it was
   */
  public boolean tryCharge(long bytes) {
    if (bytes < 0 || bytes > limit - charged) {
      return false;
    }
    charged += bytes;
    return true;
  }

  /** The budget in bytes: {@code BASE_BYTES + BYTES_PER_FILE_BYTE × fileSize}, saturated. */
  public long limit() {
    return limit;
  }

  /** The bytes charged so far. */
  public long charged() {
    return charged;
  }

  /**
   * The charge for an array.
   *
   * @param length the number of elements, at least 0
   * @param elementBytes bytes per element, at least 0: 1 for {@code byte[]}, 2 for {@code char[]}
   *     and UTF-16 text, 8 for {@code double[]}, {@link #REFERENCE} for references
   * @return the header plus the elements, rounded up to 8 bytes; negative (so that {@link #charge}
   *     refuses it) if the product overflows
   */
  public static long array(long length, int elementBytes) {
    if (length < 0
        || elementBytes < 0
        || (elementBytes > 0 && length > (Long.MAX_VALUE - ARRAY_HEADER - 7) / elementBytes)) {
      return -1;
    }
    return (ARRAY_HEADER + length * elementBytes + 7) & ~7L;
  }
}
