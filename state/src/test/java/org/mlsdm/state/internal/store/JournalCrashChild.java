package org.mlsdm.state.internal.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlsdm.state.Checkpointer;
import org.mlsdm.state.StateDelta;

/**
 * The child JVM of {@link JournalCrashKillTest}: opens a checkpointer on an existing state (whose
 * id names the last step checkpointed, {@code agent-step-N}, or is not a step for the start) with a
 * low compaction threshold, then checkpoints steps N+1, N+2, ... until it is killed, appending
 * {@code ack N} to the log after each checkpoint returns.
 *
 * <p>Arguments: state path, ack log path, dimension, compaction threshold.
 */
final class JournalCrashChild {
  private JournalCrashChild() {}

  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    Path ackLog = Path.of(args[1]);
    int dimension = Integer.parseInt(args[2]);
    double threshold = Double.parseDouble(args[3]);
    try (Checkpointer cp = Checkpointer.open(path, threshold);
        FileOutputStream log = new FileOutputStream(ackLog.toFile(), true)) {
      String id = cp.state().id();
      long step = id != null && id.startsWith("agent-step-") ? Long.parseLong(id.substring(11)) : 0;
      for (long i = step + 1; ; i++) {
        StateDelta d = JournalTesting.delta(cp.rows(), (int) i, dimension, 2);
        cp.checkpoint(d);
        log.write(("ack " + i + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
