package org.mlsdm.state.internal.store;

import java.nio.file.Path;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * The second writer process of {@link CrossProcessConcurrencyTest}: saves states {@code seed(1000,
 * 0)} … {@code seed(1000, n - 1)} to a path, loading after each save, and exits with status 1 (the
 * reason on stderr) if a load returns a state that no writer saves or anything throws.
 *
 * <p>Arguments: state path, number of saves, writer threads of the parent, saves per parent thread.
 */
final class ConcurrentWriterChild {
  private ConcurrentWriterChild() {}

  public static void main(String[] args) {
    Path path = Path.of(args[0]);
    int saves = Integer.parseInt(args[1]);
    int parentWriters = Integer.parseInt(args[2]);
    int parentSaves = Integer.parseInt(args[3]);
    var known = CrossProcessConcurrencyTest.written(parentWriters, parentSaves, saves);
    try {
      for (int i = 0; i < saves; i++) {
        SystemStates.save(
            CrossProcessConcurrencyTest.state(CrossProcessConcurrencyTest.CHILD, i), path);
        SystemStateRecord r = SystemStates.load(path);
        if (!known.contains(r.qilm())) {
          System.err.println("load returned a state nobody saved: " + r.id());
          System.exit(1);
        }
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
