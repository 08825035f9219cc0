package org.mlsdm.state.internal.store;

import java.nio.file.Path;
import java.time.Duration;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.TestStates;

/**
 * The child JVM of {@link StraceTest}: saves one state (seed given) to a path with fast retries and
 * prints {@code saved} or the exception's class and message, one line, then exits 0.
 *
 * <p>Arguments: state path, seed.
 */
final class StraceChild {
  private StraceChild() {}

  public static void main(String[] args) {
    Path path = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    try {
      SystemStates.save(
          TestStates.sample(seed), path, SaveOptions.defaults().withRetryBackoff(Duration.ZERO));
      System.out.println("saved");
    } catch (RuntimeException e) {
      System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage().replace('\n', ' '));
    }
  }
}
