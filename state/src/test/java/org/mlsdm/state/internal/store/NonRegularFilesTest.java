package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.PathLocks;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Non-regular files at each name the store uses: a FIFO (which would block an open until a writer
 * comes), a symbolic link to {@code /dev/zero} (which would never end a read) and a directory. No
 * operation may hang, read without end or give up on a good backup; every wait below is a hang
 * guard, not a speed check.
 */
class NonRegularFilesTest {
  private static final Duration HANG = Duration.ofSeconds(60);
  private static final SaveOptions FAST = SaveOptions.defaults().withRetryBackoff(Duration.ZERO);

  @TempDir Path dir;

  enum Kind {
    FIFO,
    DEV_ZERO_LINK,
    DIRECTORY;

    void plant(Path at) throws IOException {
      switch (this) {
        case FIFO -> StoreFiles.mkfifo(at);
        case DEV_ZERO_LINK -> Files.createSymbolicLink(at, Path.of("/dev/zero"));
        case DIRECTORY -> Files.createDirectory(at);
      }
    }
  }

  static Stream<Arguments> kindsAndFormats() {
    return Stream.of(Kind.values()).flatMap(k -> StoreFiles.formats().map(f -> Arguments.of(k, f)));
  }

  private Path state(String ext) {
    return dir.resolve("state." + ext);
  }

  /** Two saves: the main file holds the second state, the backup the first. */
  private SystemStateRecord[] twoSaves(Path p) {
    return new SystemStateRecord[] {
      SystemStates.save(TestStates.sample(1), p), SystemStates.save(TestStates.sample(2), p)
    };
  }

  private void corrupt(Path p) throws IOException {
    Files.write(p, new byte[] {'x'}, StandardOpenOption.APPEND);
  }

  @ParameterizedTest
  @MethodSource("kindsAndFormats")
  void load_atChecksum_isUnreadableNotAHang(Kind kind, String ext) throws IOException {
    Path p = state(ext);
    SystemStateRecord[] saved = twoSaves(p);
    Files.delete(SystemStates.checksumPath(p));
    kind.plant(SystemStates.checksumPath(p));

    assertTimeoutPreemptively(
        HANG,
        () ->
            assertThatThrownBy(() -> SystemStates.load(p))
                .isInstanceOfSatisfying(
                    StateLoadException.class,
                    e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.UNREADABLE))
                .hasMessageContaining("not a regular file"));
    // Recover judges the main file without the unusable checksum and keeps it.
    assertThat(assertTimeoutPreemptively(HANG, () -> SystemStates.recover(p))).isEqualTo(saved[1]);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void load_fifoAtStatePath_isUnreadableAndSaveRefusesToReplaceIt(String ext) {
    Path p = StoreFiles.mkfifo(state(ext));

    assertTimeoutPreemptively(
        HANG,
        () -> {
          assertThatThrownBy(() -> SystemStates.load(p))
              .isInstanceOfSatisfying(
                  StateLoadException.class,
                  e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.UNREADABLE))
              .hasMessageContaining("FIFO");
          assertThatThrownBy(
                  () ->
                      new StateStore(RealFileOps.INSTANCE, Clock.systemUTC())
                          .save(TestStates.sample(1), p, FAST))
              .isInstanceOf(StateSaveException.class)
              .hasMessageContaining("not a regular file");
        });
    assertThat(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_fifoAtStatePathWithGoodBackup_replacesItWithTheBackup(String ext)
      throws IOException {
    Path p = state(ext);
    SystemStateRecord[] saved = twoSaves(p);
    Files.delete(p);
    StoreFiles.mkfifo(p);

    assertThat(assertTimeoutPreemptively(HANG, () -> SystemStates.recover(p))).isEqualTo(saved[0]);
    assertThat(SystemStates.load(p)).isEqualTo(saved[0]);
  }

  @ParameterizedTest
  @MethodSource("kindsAndFormats")
  void recover_atBackupWithCorruptMain_failsNamingTheBackup(Kind kind, String ext)
      throws IOException {
    Path p = state(ext);
    twoSaves(p);
    Files.delete(SystemStates.backupPath(p));
    kind.plant(SystemStates.backupPath(p));
    corrupt(p);

    assertTimeoutPreemptively(
        HANG,
        () ->
            assertThatThrownBy(() -> SystemStates.recover(p))
                .isInstanceOf(StateRecoveryException.class)
                .hasMessageContaining("the backup failed too")
                .hasMessageContaining("not a regular file"));
  }

  @ParameterizedTest
  @MethodSource("kindsAndFormats")
  void recover_atEveryTempKindWithGoodBackup_skipsThemAndRestoresTheBackup(Kind kind, String ext)
      throws IOException {
    Path p = state(ext);
    SystemStateRecord[] saved = twoSaves(p);
    corrupt(p);
    String name = p.getFileName().toString();
    for (String tag : new String[] {"main", "pmain", "sum", "psum"}) {
      kind.plant(dir.resolve("." + name + "." + tag + "-0123456789abcdef.tmp"));
    }

    // Recover holds the exclusive lock while it looks at the temps: none may keep it for ever.
    assertThat(assertTimeoutPreemptively(HANG, () -> SystemStates.recover(p))).isEqualTo(saved[0]);
    assertThat(SystemStates.load(p)).isEqualTo(saved[0]);
    if (kind == Kind.DIRECTORY) {
      assertThat(StoreFiles.temps(dir)).hasSize(4);
    } else {
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
    // A save afterwards works and is not disturbed by what is left.
    SystemStateRecord third = SystemStates.save(TestStates.sample(3), p);
    assertThat(SystemStates.load(p)).isEqualTo(third);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void load_atLockFile_loadsWithoutHangingOrLockingOnIt(Kind kind) throws IOException {
    Path p = state("json");
    SystemStateRecord saved = SystemStates.save(TestStates.sample(1), p);
    Files.delete(PathLocks.lockFile(p));
    kind.plant(PathLocks.lockFile(p));

    // A load opens the lock file read-write on its own thread first: a FIFO must not block it.
    assertThat(assertTimeoutPreemptively(HANG, () -> SystemStates.load(p))).isEqualTo(saved);
    assertThat(assertTimeoutPreemptively(HANG, () -> SystemStates.inspect(p).loaded()))
        .contains(saved);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void save_atLockFile_failsWithoutHangingOrCreatingAnything(Kind kind) throws IOException {
    Path p = state("json");
    kind.plant(PathLocks.lockFile(p));

    assertTimeoutPreemptively(
        HANG,
        () ->
            assertThatThrownBy(
                    () ->
                        new StateStore(RealFileOps.INSTANCE, Clock.systemUTC())
                            .save(TestStates.sample(1), p, FAST))
                .isInstanceOf(StateSaveException.class));
    assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("kindsAndFormats")
  void save_atBackup_replacesALinkOrFifoAndFailsCleanlyOnADirectory(Kind kind, String ext)
      throws IOException {
    Path p = state(ext);
    SystemStates.save(TestStates.sample(1), p);
    byte[] first = StoreFiles.bytes(p);
    kind.plant(SystemStates.backupPath(p));
    StateStore store = new StateStore(RealFileOps.INSTANCE, Clock.systemUTC());

    if (kind == Kind.DIRECTORY) {
      assertThatThrownBy(() -> store.save(TestStates.sample(2), p, FAST))
          .isInstanceOf(StateSaveException.class);
      assertThat(StoreFiles.bytes(p)).isEqualTo(first);
    } else {
      SystemStateRecord second =
          assertTimeoutPreemptively(HANG, () -> store.save(TestStates.sample(2), p, FAST));
      assertThat(SystemStates.load(p)).isEqualTo(second);
      assertThat(Files.isRegularFile(SystemStates.backupPath(p), LinkOption.NOFOLLOW_LINKS))
          .isTrue();
      assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(first);
    }
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }
}
