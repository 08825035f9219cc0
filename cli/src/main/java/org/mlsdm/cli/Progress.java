package org.mlsdm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Progress on stderr: on a terminal a line redrawn in place, otherwise plain lines that a log file
 * can keep. Small files are read silently; from {@link #LARGE_FILE_BYTES} on, reads and writes say
 * what they are doing and how long it took.
 */
final class Progress {
  static final long LARGE_FILE_BYTES = 16L << 20;
  private static final int BAR_WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private int drawnWidth;

  Progress(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  boolean terminal() {
    return terminal;
  }

  /** Runs {@code work}, showing progress when {@code bytes} is large. */
  <T> T during(String label, long bytes, Supplier<T> work) {
    if (bytes < LARGE_FILE_BYTES) {
      return work.get();
    }
    String what = label + " (" + bytes(bytes) + ")";
    long start = System.nanoTime();
    Thread ticker = null;
    if (terminal) {
      ticker = new Thread(() -> tick(what, start), "progress");
      ticker.setDaemon(true);
      ticker.start();
    } else {
      line(what + " ...");
    }
    try {
      return work.get();
    } finally {
      if (ticker != null) {
        ticker.interrupt();
        joinQuietly(ticker);
      }
      line(what + " done in " + seconds(System.nanoTime() - start));
    }
  }

  /**
   * The size of a file for {@link #during}, or 0 when it cannot be read (the load then says why).
   */
  static long sizeOrZero(Path path) {
    try {
      return Files.isRegularFile(path) ? Files.size(path) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Redraws the bar on a terminal; prints a plain line only when {@code milestone}. */
  void bar(long done, long total, String status, boolean milestone) {
    if (terminal) {
      int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
      String line =
          String.format(
              Locale.ROOT,
              "[%s%s] %3d%% %s",
              "#".repeat(filled),
              ".".repeat(BAR_WIDTH - filled),
              total == 0 ? 100 : 100 * done / total,
              status);
      redraw(line);
    } else if (milestone) {
      line(status);
    }
  }

  /** Prints a line, first clearing a bar drawn on a terminal. */
  synchronized void line(String text) {
    clear();
    err.println(Text.escape(text));
    err.flush();
  }

  /** Ends a bar so that the next output starts on a clean line. */
  synchronized void clear() {
    if (drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      err.flush();
      drawnWidth = 0;
    }
  }

  private synchronized void redraw(String text) {
    String line = Text.escape(text);
    err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
    err.flush();
    drawnWidth = line.length();
  }

  private void tick(String what, long start) {
    String[] spinner = {"|", "/", "-", "\\"};
    for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
      redraw(spinner[i % 4] + " " + what + " " + seconds(System.nanoTime() - start));
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  /** A byte count for people: 512 B, 1.1 KiB, 3.4 MiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** An age for people: 42 s, 5 min, 3 h, 2 d. */
  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    if (s < 172800) {
      return s / 3600 + " h";
    }
    return s / 86400 + " d";
  }
}
