package org.mlsdm.state.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.testing.StoreFiles;

/** {@link RegularFiles}: what is refused before an open, the bounded open, the bounded reads. */
class RegularFilesTest {
  /** A hang guard only: each case finishes in milliseconds unless an open or a read blocks. */
  private static final Duration HANG = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void openRead_fifo_isRefusedWithoutOpeningIt() {
    Path fifo = StoreFiles.mkfifo(dir.resolve("fifo"));
    for (boolean follow : new boolean[] {false, true}) {
      assertTimeoutPreemptively(
          HANG,
          () ->
              assertThatThrownBy(() -> RegularFiles.openRead(fifo, follow))
                  .isInstanceOf(NotRegularFileException.class)
                  .hasMessageContaining("FIFO"));
    }
  }

  @Test
  void openRead_devZeroLink_isRefusedFollowedOrNot() throws IOException {
    Path zero = Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> RegularFiles.openRead(zero, false))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> RegularFiles.openRead(zero, true))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("device");
  }

  @Test
  void openRead_directoryOrNothing_isRefused() throws IOException {
    Path d = Files.createDirectory(dir.resolve("d"));
    assertThatThrownBy(() -> RegularFiles.openRead(d, false))
        .isInstanceOf(NotRegularFileException.class)
        .hasMessageContaining("directory");
    assertThatThrownBy(() -> RegularFiles.openRead(dir.resolve("none"), false))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void openRead_linkToRegularFile_isOpenedOnlyWhenFollowing() throws IOException {
    Path f = Files.write(dir.resolve("f"), new byte[] {1, 2, 3});
    Path link = Files.createSymbolicLink(dir.resolve("link"), f);
    assertThatThrownBy(() -> RegularFiles.openRead(link, false))
        .isInstanceOf(NotRegularFileException.class);
    try (RegularFiles.Opened o = RegularFiles.openRead(link, true)) {
      assertThat(o.size()).isEqualTo(3);
      assertThat(RegularFiles.readPrefix(o, 10)).containsExactly(1, 2, 3);
    }
  }

  @Test
  void bounded_stopsAtTheCheckedSizeThoughTheFileGrew() throws IOException {
    Path f = Files.write(dir.resolve("f"), new byte[100]);
    try (RegularFiles.Opened o = RegularFiles.openRead(f, false)) {
      Files.write(f, new byte[1000], StandardOpenOption.APPEND);
      SeekableByteChannel in = o.bounded();
      ByteBuffer buf = ByteBuffer.allocate(4096);
      long total = 0;
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
        buf.clear();
      }
      assertThat(total).isEqualTo(100);
      assertThat(in.size()).isEqualTo(100);
    }
  }

  @Test
  void openBounded_fifoWithoutWriter_failsAfterTheTimeoutInsteadOfBlocking() throws Exception {
    // The check-then-open race, forced: open a FIFO without the check, as a swap would make us.
    Path fifo = StoreFiles.mkfifo(dir.resolve("fifo"));
    assertTimeoutPreemptively(
        HANG,
        () ->
            assertThatThrownBy(
                    () ->
                        RegularFiles.openBounded(
                            fifo, Set.of(StandardOpenOption.READ), Duration.ofMillis(200)))
                .isInstanceOf(NotRegularFileException.class)
                .hasMessageContaining("did not open within 200 ms"));
    // Release the helper thread still blocked in open(2): a writer lets its open complete.
    try (FileChannel w = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
      assertThat(w.isOpen()).isTrue();
    }
    assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }
}
