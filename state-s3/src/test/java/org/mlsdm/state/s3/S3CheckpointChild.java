package org.mlsdm.state.s3;

import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.StateLocation;

/**
 * The checkpointing writer {@link S3CheckpointerTest} kills: opens a checkpointer on the state
 * through the core (the provider found by the class path) and checkpoints one marked row at a time
 * until killed, printing {@code ACK <marker>} after each checkpoint returned.
 *
 * <p>Arguments: state location, compaction threshold. The endpoint and credentials come from the
 * {@code aws.*} system properties.
 */
final class S3CheckpointChild {
  private S3CheckpointChild() {}

  public static void main(String[] args) {
    StateLocation loc = StateLocation.parse(args[0]);
    double threshold = Double.parseDouble(args[1]);
    try (Checkpointer cp = Checkpointer.open(loc, threshold)) {
      while (true) {
        long marker = cp.rows();
        cp.checkpoint(S3CheckpointerTest.delta(marker, marker));
        System.out.println("ACK " + marker);
        System.out.flush();
      }
    }
  }
}
