package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.LinkPolicy;
import org.mlsdm.state.internal.io.PathLocks;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/** The symbolic-link policy of {@link LinkPolicy}, one rule per test, through the public API. */
class LinkPolicyTest {
  private static final byte[] VICTIM = "precious, not a state".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Path victim(String name) throws IOException {
    return Files.write(dir.resolve(name), VICTIM);
  }

  /** Every operation on {@code link} is refused and changes nothing. */
  private void assertEveryOperationRefused(Path link, String why) throws IOException {
    assertThatThrownBy(() -> SystemStates.save(TestStates.sample(1), link))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
    assertThatThrownBy(() -> SystemStates.load(link))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
    assertThatThrownBy(() -> SystemStates.recover(link))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
    assertThatThrownBy(() -> SystemStates.delete(link, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void linkToAFileOfAnotherName_isRefusedAndTheFileUntouched(String ext) throws IOException {
    Path victim = victim("victim.txt");
    Path link = Files.createSymbolicLink(dir.resolve("state." + ext), victim);

    assertEveryOperationRefused(link, "does not end with ." + ext);

    assertThat(Files.readAllBytes(victim)).isEqualTo(VICTIM);
    assertThat(StoreFiles.names(dir)).containsExactly("state." + ext, "victim.txt");
  }

  @Test
  void linkToAStateFileOfTheOtherFormat_isRefused() throws IOException {
    Path npz = dir.resolve("other.npz");
    SystemStates.save(TestStates.sample(1), npz);
    Path link = Files.createSymbolicLink(dir.resolve("state.json"), npz);

    assertEveryOperationRefused(link, "does not end with .json");
  }

  @Test
  void linkToDevZero_isRefusedBeforeAnyRead() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("state.json"), Path.of("/dev/zero"));
    assertEveryOperationRefused(link, "only a link to a regular file is followed");
    assertThat(Files.exists(Path.of("/dev/zero.lock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void linkToADirectoryOrNothing_isRefused() throws IOException {
    Path d = Files.createDirectory(dir.resolve("d.json"));
    assertEveryOperationRefused(
        Files.createSymbolicLink(dir.resolve("a.json"), d), "only a link to a regular file");
    assertEveryOperationRefused(
        Files.createSymbolicLink(dir.resolve("b.json"), dir.resolve("gone.json")),
        "cannot be resolved");
    assertThat(Files.exists(dir.resolve("gone.json"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void chainOfLinksToAStateFile_isFollowedToTheEnd() throws IOException {
    Path real = Files.createDirectory(dir.resolve("real")).resolve("target.JSON");
    SystemStates.save(TestStates.sample(1), real);
    Path middle = Files.createSymbolicLink(dir.resolve("middle.json"), real);
    Path link = Files.createSymbolicLink(dir.resolve("state.json"), middle);

    SystemStateRecord second = SystemStates.save(TestStates.sample(2), link);

    assertThat(SystemStates.load(real)).isEqualTo(second);
    assertThat(Files.readSymbolicLink(link)).isEqualTo(middle);
    assertThat(StoreFiles.names(real.getParent()))
        .contains("target.JSON.checksum", "target.JSON.backup");
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void delete_throughAFollowedLink_removesTargetCompanionsAndLinkOnly(String ext)
      throws IOException {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path target = real.resolve("target." + ext);
    SystemStates.save(TestStates.sample(1), target);
    SystemStates.save(TestStates.sample(2), target);
    Path neighbour = victim("real/neighbour." + ext);
    Path link = Files.createSymbolicLink(dir.resolve("state." + ext), target);

    SystemStates.delete(link, true);

    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    // The lock file is never deleted (PathLocks); nothing else of the state's is left.
    assertThat(StoreFiles.names(real))
        .containsExactlyInAnyOrder("neighbour." + ext, "target." + ext + ".lock");
    assertThat(Files.readAllBytes(neighbour)).isEqualTo(VICTIM);
    SystemStates.save(TestStates.sample(3), link);
    assertThat(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void linkAtTheChecksum_isNotReadByLoad(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    // A link to the right digest: still not followed, so a checksum cannot live elsewhere.
    Path elsewhere = dir.resolve("elsewhere");
    Files.move(SystemStates.checksumPath(p), elsewhere);
    Files.createSymbolicLink(SystemStates.checksumPath(p), elsewhere);

    assertThatThrownBy(() -> SystemStates.load(p))
        .isInstanceOfSatisfying(
            StateLoadException.class,
            e -> assertThat(e.reason()).isEqualTo(StateLoadException.Reason.UNREADABLE))
        .hasMessageContaining("symbolic link")
        .hasMessageNotContaining(new String(Files.readAllBytes(elsewhere), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void linkAtTheBackup_isNotRestoredFrom(String ext) throws IOException {
    Path p = dir.resolve("state." + ext);
    SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    // A valid state, but reached through a link: recover does not follow it.
    Path elsewhere = dir.resolve("elsewhere." + ext);
    Files.move(SystemStates.backupPath(p), elsewhere);
    Files.createSymbolicLink(SystemStates.backupPath(p), elsewhere);
    Files.write(p, new byte[] {'x'}, java.nio.file.StandardOpenOption.APPEND);

    assertThatThrownBy(() -> SystemStates.recover(p))
        .hasMessageContaining("the backup failed too")
        .hasMessageContaining("symbolic link");
    assertThat(Files.isSymbolicLink(SystemStates.backupPath(p))).isTrue();
  }

  @Test
  void load_throughAFollowedLink_createsNoLockBesideAnythingButTheTarget() throws IOException {
    Path real = Files.createDirectory(dir.resolve("real")).resolve("target.json");
    SystemStates.save(TestStates.sample(1), real);
    Path link = Files.createSymbolicLink(dir.resolve("state.json"), real);

    SystemStates.load(link);

    assertThat(Files.exists(PathLocks.lockFile(link), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(StoreFiles.names(dir)).containsExactly("real", "state.json");
  }
}
