package org.mlsdm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File helpers shared by the store tests. */
public final class StoreFiles {
  private StoreFiles() {}

  /** The formats every store behaviour is checked against. */
  public static Stream<String> formats() {
    return Stream.of("json", "npz");
  }

  public static byte[] bytes(Path p) {
    try {
      return Files.exists(p) ? Files.readAllBytes(p) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names in the directory that look like the store's temporary files. */
  public static List<String> temps(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tmp"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes a named pipe with {@code mkfifo(1)}, which Java cannot do by itself. */
  public static Path mkfifo(Path p) {
    try {
      Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
      if (proc.waitFor() != 0 || !Files.exists(p)) {
        throw new IllegalStateException("mkfifo " + p + " failed");
      }
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Copies a test resource to a file. */
  public static Path resource(String name, Path target) {
    try (var in = StoreFiles.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      Files.copy(in, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new temporary directory, for test setup outside a {@code @TempDir}; delete it afterwards. */
  public static Path tempDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory and everything in it. */
  public static void deleteRecursively(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
