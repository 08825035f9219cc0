package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.FileOps;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * File systems that refuse hard links (FAT/exFAT, SMB, many FUSE mounts): the backup and the undo
 * copies become fsynced copies, and saves, loads and recovery work as on any other file system.
 * {@link Simulated} runs everywhere with a {@code FileOps} whose {@code link} fails as FUSE exFAT's
 * does (EPERM); {@link RealExfat} mounts exFAT over FUSE on a loop device, and runs only where that
 * is possible (root, {@code /dev/fuse}, Debian's {@code exfat-fuse} and {@code exfatprogs}).
 */
class NoHardLinksTest {
  private static final SaveOptions FAST = SaveOptions.defaults().withRetryBackoff(Duration.ZERO);

  /** Refuses every hard link as FUSE exFAT does: {@code link(2)} fails with EPERM. */
  static class NoLinkOps extends ForwardingFileOps {
    int refused;

    NoLinkOps() {
      super(RealFileOps.INSTANCE);
    }

    @Override
    public void link(Path link, Path existing) throws IOException {
      refused++;
      throw new FileSystemException(
          link.toString(), existing.toString(), "Operation not permitted");
    }
  }

  /** Saves, loads, backs up and recovers on {@code dir} through {@code ops}. */
  static void saveLoadBackupRecover(FileOps ops, Path dir, String ext) throws IOException {
    StateStore store = new StateStore(ops, Clock.systemUTC());
    Path p = dir.resolve("state." + ext);
    SystemStateRecord first = store.save(TestStates.sample(1), p, FAST);
    SystemStateRecord second = store.save(TestStates.sample(2), p, FAST);
    byte[] secondBytes = StoreFiles.bytes(p);
    SystemStateRecord third = store.save(TestStates.sample(3), p, FAST);
    byte[] thirdBytes = StoreFiles.bytes(p);

    assertThat(SystemStates.load(p)).isEqualTo(third);
    assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(secondBytes);
    assertThat(StoreFiles.temps(dir)).isEmpty();

    Files.write(p, new byte[] {'x'}, StandardOpenOption.APPEND);
    assertThat(store.recover(p).state()).isEqualTo(second);
    assertThat(SystemStates.load(p)).isEqualTo(second);
    assertThat(StoreFiles.bytes(p)).isEqualTo(secondBytes).isNotEqualTo(thirdBytes);
    assertThat(StoreFiles.temps(dir)).isEmpty();
    assertThat(first).isNotEqualTo(second);
  }

  @Nested
  class Simulated {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_linksRefused_backsUpByCopy(String ext) throws IOException {
      NoLinkOps ops = new NoLinkOps();
      saveLoadBackupRecover(ops, dir, ext);

      assertThat(ops.refused).isPositive();
      // A copy, not a second name of the old main file.
      Path backup = SystemStates.backupPath(dir.resolve("state." + ext));
      assertThat(Files.getAttribute(backup, "unix:nlink")).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void save_linksRefusedAndARenameFails_leavesEverythingAsItWas(String ext) throws IOException {
      Path p = dir.resolve("state." + ext);
      StateStore ok = new StateStore(new NoLinkOps(), Clock.systemUTC());
      ok.save(TestStates.sample(1), p, FAST);
      ok.save(TestStates.sample(2), p, FAST);
      byte[] main = StoreFiles.bytes(p);
      byte[] sum = StoreFiles.bytes(SystemStates.checksumPath(p));
      byte[] backup = StoreFiles.bytes(SystemStates.backupPath(p));
      NoLinkOps failing =
          new NoLinkOps() {
            int renames;

            @Override
            public void rename(Path source, Path target) throws IOException {
              // The third rename of the commit: backup and checksum are already replaced.
              if (++renames == 3) {
                throw new IOException("injected rename failure");
              }
              super.rename(source, target);
            }
          };

      assertThatThrownBy(
              () ->
                  new StateStore(failing, Clock.systemUTC())
                      .save(TestStates.sample(3), p, FAST.withMaxAttempts(1)))
          .isInstanceOf(StateSaveException.class);

      assertThat(StoreFiles.bytes(p)).isEqualTo(main);
      assertThat(StoreFiles.bytes(SystemStates.checksumPath(p))).isEqualTo(sum);
      assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(backup);
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }

    @Test
    void save_linkRefusedButTheDirectorySupportsLinks_isARealErrorAndFails() throws IOException {
      // EPERM for a link to the main file only, as fs.protected_hardlinks gives for another
      // user's file: the probe's link works, so the error is real and is not papered over.
      Path p = dir.resolve("state.json");
      SystemStates.save(TestStates.sample(1), p);
      byte[] main = StoreFiles.bytes(p);
      ForwardingFileOps ops =
          new ForwardingFileOps(RealFileOps.INSTANCE) {
            @Override
            public void link(Path link, Path existing) throws IOException {
              if (existing.equals(p)) {
                throw new FileSystemException(
                    link.toString(), existing.toString(), "Operation not permitted");
              }
              super.link(link, existing);
            }
          };

      assertThatThrownBy(
              () -> new StateStore(ops, Clock.systemUTC()).save(TestStates.sample(2), p, FAST))
          .isInstanceOf(StateSaveException.class)
          .hasMessageContaining("Operation not permitted");
      assertThat(StoreFiles.bytes(p)).isEqualTo(main);
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
  }

  @Nested
  class RealExfat {
    @TempDir Path work;

    private static String run(long seconds, String... cmd)
        throws IOException, InterruptedException {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    }

    private static boolean available() {
      return "root".equals(System.getProperty("user.name"))
          && Files.exists(Path.of("/dev/fuse"))
          && Files.isExecutable(Path.of("/usr/sbin/mount.exfat-fuse"))
          && Files.isExecutable(Path.of("/usr/sbin/mkfs.exfat"))
          && Files.isExecutable(Path.of("/usr/sbin/losetup"));
    }

    @ParameterizedTest
    @MethodSource("org.mlsdm.testing.StoreFiles#formats")
    void exfatOverFuse_refusesLinks_andTheStoreWorksByCopying(String ext) throws Exception {
      assumeTrue(available(), "needs root, /dev/fuse, exfat-fuse and exfatprogs");
      Path img = work.resolve("exfat.img");
      try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
        f.setLength(64L << 20);
      }
      run(60, "/usr/sbin/mkfs.exfat", img.toString());
      Path mnt = Files.createDirectory(work.resolve("mnt"));
      String loop = run(30, "/usr/sbin/losetup", "-f", "--show", img.toString());
      List<String> cleanup = new ArrayList<>();
      try {
        run(30, "/usr/sbin/mount.exfat-fuse", loop, mnt.toString());
        cleanup.add("mounted");
        Path a = Files.write(mnt.resolve("a"), new byte[] {1});
        // The premise: this file system really refuses hard links.
        assertThatThrownBy(() -> Files.createLink(mnt.resolve("b"), a))
            .isInstanceOf(FileSystemException.class)
            .hasMessageContaining("Operation not permitted");
        Files.delete(a);

        saveLoadBackupRecover(RealFileOps.INSTANCE, mnt, ext);
      } finally {
        if (!cleanup.isEmpty()) {
          run(60, "/usr/bin/umount", mnt.toString());
        }
        run(30, "/usr/sbin/losetup", "-d", loop);
      }
    }
  }
}
