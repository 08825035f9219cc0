package org.mlsdm.state.s3.ceph;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A JVM that holds a lease as a test JVM does, for {@link CephWatchdogTest}: a lock held by the
 * test's own JVM cannot stand for another process's (fcntl locks are per process).
 */
final class LeaseHolderChild {
  private LeaseHolderChild() {}

  /** Takes a shared lock on {@code args[0]}, prints {@code held}, and waits to be killed. */
  public static void main(String[] args) throws IOException, InterruptedException {
    FileChannel ch =
        FileChannel.open(
            Path.of(args[0]),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    ch.lock(0, Long.MAX_VALUE, true);
    System.out.println("held");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
