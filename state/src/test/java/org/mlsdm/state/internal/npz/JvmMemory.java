package org.mlsdm.state.internal.npz;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The JVM's memory figures that the budget tests measure: bytes the current thread allocated, and
 * the peak of the heap. Reached by reflection because the test sources compile inside the module
 * {@code org.mlsdm.state}, which does not read {@code java.management} or {@code jdk.management};
 * the tests run on the class path, where both are readable.
 */
final class JvmMemory {
  private static final Object THREADS;
  private static final Method ALLOCATED;
  private static final List<?> POOLS;
  private static final Method TYPE;
  private static final Method RESET_PEAK;
  private static final Method PEAK;
  private static final Method USED;

  static {
    try {
      Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
      THREADS = factory.getMethod("getThreadMXBean").invoke(null);
      ALLOCATED =
          Class.forName("com.sun.management.ThreadMXBean")
              .getMethod("getCurrentThreadAllocatedBytes");
      POOLS = (List<?>) factory.getMethod("getMemoryPoolMXBeans").invoke(null);
      Class<?> pool = Class.forName("java.lang.management.MemoryPoolMXBean");
      TYPE = pool.getMethod("getType");
      RESET_PEAK = pool.getMethod("resetPeakUsage");
      PEAK = pool.getMethod("getPeakUsage");
      USED = Class.forName("java.lang.management.MemoryUsage").getMethod("getUsed");
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private JvmMemory() {}

  /** Bytes allocated by the current thread since it started (HotSpot's TLAB accounting). */
  static long threadAllocatedBytes() {
    return (Long) call(ALLOCATED, THREADS);
  }

  /** Starts a new peak: each heap pool's peak becomes its current use. */
  static void resetHeapPeaks() {
    for (Object pool : POOLS) {
      if (isHeap(pool)) {
        call(RESET_PEAK, pool);
      }
    }
  }

  /**
   * The sum of the heap pools' peaks since {@link #resetHeapPeaks}: at least the peak of the whole
   * heap (the pools may peak at different moments).
   */
  static long heapPeakBytes() {
    long sum = 0;
    for (Object pool : POOLS) {
      if (isHeap(pool)) {
        sum += (Long) call(USED, call(PEAK, pool));
      }
    }
    return sum;
  }

  private static boolean isHeap(Object pool) {
    return "HEAP".equals(((Enum<?>) call(TYPE, pool)).name());
  }

  private static Object call(Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
