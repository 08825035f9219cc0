package org.mlsdm.state.internal.npz;

import java.nio.file.Path;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStates;

/**
 * The child JVM of {@link NpzMemoryAmplificationTest}: loads each file named in its arguments with
 * {@link SystemStates#load(Path)} and prints one tab-separated line per file: the file name, the
 * outcome ({@code StateLoadException <reason>}, {@code loaded}, or the class of any other
 * throwable, an {@code OutOfMemoryError} included), the bytes the load allocated, the heap's peak
 * during the load (the sum of the heap pools' peaks, after a GC) and the message.
 */
final class HostileLoadChild {
  private HostileLoadChild() {}

  public static void main(String[] args) {
    for (String arg : args) {
      Path file = Path.of(arg);
      System.gc();
      JvmMemory.resetHeapPeaks();
      long before = JvmMemory.threadAllocatedBytes();
      String outcome;
      String message = "";
      try {
        SystemStates.load(file);
        outcome = "loaded";
      } catch (StateLoadException e) {
        outcome = "StateLoadException " + e.reason();
        message = e.getMessage();
      } catch (Throwable t) { // the outcome under test: an Error must be reported, not kill the run
        outcome = t.getClass().getName();
        message = String.valueOf(t.getMessage());
      }
      long allocated = JvmMemory.threadAllocatedBytes() - before;
      long peak = JvmMemory.heapPeakBytes();
      System.out.println(
          String.join(
              "\t",
              file.getFileName().toString(),
              outcome,
              Long.toString(allocated),
              Long.toString(peak),
              message.replaceAll("\\s", " ")));
    }
  }
}
