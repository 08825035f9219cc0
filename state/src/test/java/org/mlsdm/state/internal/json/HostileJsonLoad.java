package org.mlsdm.state.internal.json;

import java.nio.file.Path;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStates;

/**
 * Loads each file named on the command line and prints how it ended; exits 1 on any other outcome,
 * an {@link OutOfMemoryError} included. Run by {@link JsonLoadBudgetTest} in a small JVM.
 */
final class HostileJsonLoad {
  private HostileJsonLoad() {}

  public static void main(String[] args) {
    int status = 0;
    for (String a : args) {
      try {
        SystemStates.load(Path.of(a), LoadOptions.defaults());
        System.out.println(a + ": loaded");
      } catch (StateLoadException e) {
        System.out.println(a + ": refused " + e.reason());
      } catch (RuntimeException | OutOfMemoryError e) {
        System.out.println(a + ": " + e);
        status = 1;
      }
    }
    System.exit(status);
  }
}
