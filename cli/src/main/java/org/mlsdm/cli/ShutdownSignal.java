package org.mlsdm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (SIGINT, or any JVM shutdown) into a request that a long command polls, and holds
 * the shutdown until the command {@link #close() closes} this signal, so it can save and report.
 * The JVM exits with its own status afterwards (130 for SIGINT).
 */
final class ShutdownSignal implements AutoCloseable {
  private static final long MAX_WAIT_SECONDS = 60;

  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean requested;

  private ShutdownSignal() {
    hook = new Thread(this::awaitCommand, "mlsdm-shutdown");
  }

  /** Installs a shutdown hook for the duration of a command. */
  static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  /** Whether a shutdown has been requested since {@link #install()}. */
  boolean requested() {
    return requested;
  }

  private void awaitCommand() {
    requested = true;
    try {
      // Bounded, so that a command stuck in I/O cannot keep the JVM from exiting for ever.
      done.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Lets a pending shutdown proceed, or removes the hook when none is pending. */
  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: it returns now that the latch is open.
    }
  }
}
