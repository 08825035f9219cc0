package org.mlsdm.state.internal.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.mlsdm.state.SystemStates;
import org.mlsdm.testing.TestStates;

/**
 * The child JVM of {@link CrashKillTest}: saves states {@code first}, {@code first + 1}, ... to a
 * path until it is killed, and appends {@code ack N} to an acknowledgement log after each save of
 * state N returns (the parent reads the log after the kill; a SIGKILL keeps the page cache, so no
 * fsync is needed for the log).
 *
 * <p>Arguments: state path, ack log path, first index, dimension, rows.
 */
final class CrashKillChild {
  private CrashKillChild() {}

  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    Path ackLog = Path.of(args[1]);
    long first = Long.parseLong(args[2]);
    int dimension = Integer.parseInt(args[3]);
    int rows = Integer.parseInt(args[4]);
    try (FileOutputStream log = new FileOutputStream(ackLog.toFile(), true)) {
      for (long i = first; ; i++) {
        SystemStates.save(TestStates.sample(i, dimension, rows), path);
        log.write(("ack " + i + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
