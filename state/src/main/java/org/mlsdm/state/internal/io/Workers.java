package org.mlsdm.state.internal.io;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that hash (saves and loads) and format JSON rows (saves) on spare cores: the one
 * executor of the library, an explicit component instead of a hidden static pool. Code that uses it
 * takes a {@code Workers} (tests pass their own, see {@link #of}) or uses {@link #shared()}.
 *
 * <p>Its tasks never wait for one another, so a bounded pool cannot deadlock; every caller bounds
 * how many tasks it has in flight (a ring of blocks, a window of slices), which bounds the queue.
 */
public interface Workers extends Executor {

  /**
   * Submits a task.
   *
   * @param task the task
   * @return its future
   */
  <T> Future<T> submit(Callable<T> task);

  /**
   * The shared workers: one daemon thread per core (bounded), named {@code mlsdm-state-worker},
   * expiring after 30 s idle, so that an idle library holds no thread and never keeps a JVM alive.
   *
   * @return the shared instance
   */
  static Workers shared() {
    return Shared.INSTANCE;
  }

  /**
   * Workers on a given executor service (tests: a counting or single-threaded one).
   *
   * @param executor the service; not shut down by this
   * @return workers submitting to it
   */
  static Workers of(ExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return new Workers() {
      @Override
      public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
      }

      @Override
      public void execute(Runnable command) {
        executor.execute(command);
      }
    };
  }

  /**
   * Waits for a task, uninterruptibly (the tasks are short and bounded), keeping the caller's
   * interrupt status.
   *
   * @param task the task
   * @return its result
   * @throws IOException the task's own {@code IOException}
   */
  static <T> T await(Future<T> task) throws IOException {
    boolean interrupted = false;
    try {
      for (; ; ) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * An unbounded pool of daemon threads named {@code name}, for tasks that wait on I/O (an open
   * that may block, a second read of a version) and so must not hold one of the bounded workers.
   *
   * @param name the threads' name
   * @return the pool; its idle threads expire after 60 s
   */
  static ExecutorService cachedDaemons(String name) {
    return Executors.newCachedThreadPool(
        task -> {
          Thread t = new Thread(task, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** Holds the shared pool, created on first use. */
  final class Shared {
    static final Workers INSTANCE = of(pool(Runtime.getRuntime().availableProcessors()));

    private Shared() {}

    private static ExecutorService pool(int threads) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              task -> {
                Thread t = new Thread(task, "mlsdm-state-worker");
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
