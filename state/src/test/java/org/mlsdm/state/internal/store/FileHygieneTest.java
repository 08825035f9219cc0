package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateSaveException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.PathLocks;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * File-system hygiene: owner-only permissions on every file the store creates, symbolic links
 * planted at temporary, checksum, backup and lock paths never followed or written through, and a
 * symbolic link as the state path itself followed to its target where the link policy allows it (as
 * {@link SystemStates} documents; the refusals are in {@code LinkPolicyTest}).
 */
class FileHygieneTest {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final SaveOptions FAST = SaveOptions.defaults().withRetryBackoff(Duration.ZERO);
  private static final byte[] VICTIM = "precious, not a state".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Path victim() throws IOException {
    Path v = dir.resolve("victim");
    if (!Files.exists(v)) {
      Files.write(v, VICTIM);
    }
    return v;
  }

  private void assertVictimUntouched() throws IOException {
    Path v = dir.resolve("victim");
    assertThat(Files.isSymbolicLink(v)).isFalse();
    assertThat(Files.readAllBytes(v)).isEqualTo(VICTIM);
  }

  private static Set<PosixFilePermission> mode(Path p) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Records the permissions of each new temporary file as it is created. */
  private static final class PermissionRecordingOps extends ForwardingFileOps {
    final List<Set<PosixFilePermission>> created = new ArrayList<>();

    PermissionRecordingOps() {
      super(RealFileOps.INSTANCE);
    }

    @Override
    public FileChannel createNew(Path path) throws IOException {
      FileChannel ch = super.createNew(path);
      created.add(mode(path));
      return ch;
    }
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_createsStateTempChecksumBackupAndLockOwnerOnly(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    PermissionRecordingOps ops = new PermissionRecordingOps();
    StateStore store = new StateStore(ops, Clock.systemUTC());
    store.save(TestStates.sample(1), p, FAST);
    store.save(TestStates.sample(2), p, FAST);

    assertThat(ops.created).hasSize(4).allMatch(OWNER_ONLY::equals);
    assertThat(mode(p)).isEqualTo(OWNER_ONLY);
    assertThat(mode(SystemStates.checksumPath(p))).isEqualTo(OWNER_ONLY);
    assertThat(mode(SystemStates.backupPath(p))).isEqualTo(OWNER_ONLY);
    assertThat(mode(PathLocks.lockFile(p))).isEqualTo(OWNER_ONLY);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_overAWorldReadableFile_writesOwnerOnlyFilesAndBacksUpTheOldFileAsItWas(String ext)
      throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    Set<PosixFilePermission> worldReadable = PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(p, worldReadable);

    SystemStates.save(TestStates.sample(2), p);

    assertThat(mode(p)).isEqualTo(OWNER_ONLY);
    assertThat(mode(SystemStates.checksumPath(p))).isEqualTo(OWNER_ONLY);
    // The backup is the previous file itself (a hard link), so it keeps that file's mode.
    assertThat(mode(SystemStates.backupPath(p))).isEqualTo(worldReadable);
  }

  /**
   * Plants a symbolic link to the victim at the first two temporary names the store creates ({@code
   * atCreate}) or links ({@code !atCreate}), just before it uses them.
   */
  private final class PlantingOps extends ForwardingFileOps {
    private final boolean atCreate;
    int planted;

    PlantingOps(boolean atCreate) {
      super(RealFileOps.INSTANCE);
      this.atCreate = atCreate;
    }

    private void plant(Path at) throws IOException {
      if (planted < 2) {
        Files.createSymbolicLink(at, victim());
        planted++;
      }
    }

    @Override
    public FileChannel createNew(Path path) throws IOException {
      if (atCreate) {
        plant(path);
      }
      return super.createNew(path);
    }

    @Override
    public void link(Path link, Path existing) throws IOException {
      if (!atCreate) {
        plant(link);
      }
      super.link(link, existing);
    }
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_symlinkPlantedAtTempNames_isNeitherFollowedNorOverwritten(String ext)
      throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    PlantingOps ops = new PlantingOps(true);
    SystemStateRecord written =
        new StateStore(ops, Clock.systemUTC()).save(TestStates.sample(2), p, FAST);

    assertThat(ops.planted).isEqualTo(2);
    assertVictimUntouched();
    assertThat(SystemStates.load(p)).isEqualTo(written);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_symlinkPlantedAtLinkNames_isNeitherFollowedNorOverwritten(String ext)
      throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    PlantingOps ops = new PlantingOps(false);
    SystemStateRecord written =
        new StateStore(ops, Clock.systemUTC()).save(TestStates.sample(2), p, FAST);

    assertThat(ops.planted).isEqualTo(2);
    assertVictimUntouched();
    assertThat(SystemStates.load(p)).isEqualTo(written);
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_symlinksAtChecksumAndBackup_areReplacedNotWrittenThrough(String ext)
      throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    byte[] previous = StoreFiles.bytes(p);
    Files.delete(SystemStates.checksumPath(p));
    Files.createSymbolicLink(SystemStates.checksumPath(p), victim());
    Files.createSymbolicLink(SystemStates.backupPath(p), victim());

    SystemStateRecord written = SystemStates.save(TestStates.sample(2), p);

    assertVictimUntouched();
    assertThat(Files.isSymbolicLink(SystemStates.checksumPath(p))).isFalse();
    assertThat(Files.isSymbolicLink(SystemStates.backupPath(p))).isFalse();
    assertThat(StoreFiles.bytes(SystemStates.backupPath(p))).isEqualTo(previous);
    assertThat(SystemStates.load(p)).isEqualTo(written);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void delete_symlinksAtChecksumAndBackup_removesTheLinksOnly(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    Files.delete(SystemStates.checksumPath(p));
    Files.createSymbolicLink(SystemStates.checksumPath(p), victim());
    Files.createSymbolicLink(SystemStates.backupPath(p), victim());

    SystemStates.delete(p, true);

    assertVictimUntouched();
    assertThat(Files.exists(SystemStates.checksumPath(p), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(SystemStates.backupPath(p), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_symlinkAtLockFile_refusesToFollowIt(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    Files.createSymbolicLink(PathLocks.lockFile(p), victim());

    assertThatThrownBy(() -> SystemStates.save(TestStates.sample(1), p))
        .isInstanceOf(StateSaveException.class);

    assertVictimUntouched();
    assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(StoreFiles.temps(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void save_statePathIsASymlink_replacesItsTargetAndKeepsTheLink(String ext) throws IOException {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path target = real.resolve("target." + ext);
    Path link = dir.resolve("state." + ext);
    // Only a link to an existing regular state file is followed (LinkPolicy): the target first.
    SystemStateRecord first = SystemStates.save(TestStates.sample(1), target);
    Files.createSymbolicLink(link, target);

    SystemStateRecord second = SystemStates.save(TestStates.sample(2), link);

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(target);
    assertThat(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(SystemStates.load(link)).isEqualTo(second);
    assertThat(SystemStates.load(target)).isEqualTo(second);
    assertThat(StoreFiles.names(real))
        .contains(
            "target." + ext,
            "target." + ext + ".checksum",
            "target." + ext + ".backup",
            "target." + ext + ".lock");
    assertThat(StoreFiles.names(dir)).doesNotContain("state." + ext + ".checksum");
    assertThat(SystemStates.recover(link)).isEqualTo(second);
    assertThat(first).isNotEqualTo(second);
  }
}
