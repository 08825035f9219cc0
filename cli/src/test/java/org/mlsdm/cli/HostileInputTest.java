package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * What the tool prints and does when names and files are hostile (issue 10): no {@code @file}
 * expansion, no control character reaches the terminal, no file content is echoed, output
 * directories are created, and bounds are checked before allocating.
 */
class HostileInputTest {
  private static final String CLEAR_SCREEN = "\u001b[2J";
  private static final String RIGHT_TO_LEFT_OVERRIDE = "\u202e";

  @TempDir Path dir;

  @Test
  void atFileArguments_areNotExpanded() throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-LINE\n");

    Cli.Run asFile = Cli.run("inspect", "@" + secret);
    Cli.Run asCommand = Cli.run("@" + secret);
    Cli.Run passwd = Cli.run("verify", "@/etc/passwd");

    assertThat(asFile.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(asFile.err()).contains("@" + secret).doesNotContain("TOP-SECRET");
    assertThat(asCommand.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(asCommand.err() + asCommand.out()).doesNotContain("TOP-SECRET");
    assertThat(passwd.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(passwd.err()).contains("@/etc/passwd").doesNotContain("root:");
  }

  @Test
  void anEscapeSequenceInAnId_isPrintedEscaped_inTextAndJson() {
    Path file = dir.resolve("s.json");
    SystemStates.save(SystemStates.createEmpty(2).withId("x" + CLEAR_SCREEN + "y"), file);

    Cli.Run text = Cli.run("inspect", file);
    Cli.Run json = Cli.run("inspect", "--json", file);
    Cli.Run diff = Cli.run("diff", "--metadata", file, file);

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out()).doesNotContain("\u001b").contains("'x\\u001b[2Jy'");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.out()).doesNotContain("\u001b");
    // The escape is JSON's own: a script still reads the id as written.
    assertThat(Cli.object(Cli.object(Cli.json(json.out())).get("state")))
        .containsEntry("id", "x" + CLEAR_SCREEN + "y");
    assertThat(diff.out()).doesNotContain("\u001b").contains("\\u001b[2J");
  }

  @Test
  void anEscapeSequenceOrBidiOverride_inAFileName_isPrintedEscaped() {
    Path file = dir.resolve("a" + CLEAR_SCREEN + "b" + RIGHT_TO_LEFT_OVERRIDE + "c.json");

    Cli.Run init = Cli.run("init", file, "--id", "n" + RIGHT_TO_LEFT_OVERRIDE + "m");
    Cli.Run verify = Cli.run("verify", file);
    Cli.Run missing = Cli.run("inspect", dir.resolve("m" + CLEAR_SCREEN + ".json"));
    Cli.Run badName = Cli.run("inspect", dir.resolve("m" + CLEAR_SCREEN + ".txt"));

    assertThat(init.exitCode()).as(init.toString()).isZero();
    for (Cli.Run r : new Cli.Run[] {init, verify, missing, badName}) {
      assertThat(r.out() + r.err())
          .as(r.toString())
          .doesNotContain("\u001b")
          .doesNotContain(RIGHT_TO_LEFT_OVERRIDE)
          .contains("\\u001b[2J");
    }
    assertThat(init.out()).contains("'n\\u202em'");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(badName.exitCode()).isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void aChecksumFileLinkedToAnotherFile_isNotEchoed() throws Exception {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 2, "a");
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-CONTENT of another file\n");
    Path checksum = SystemStates.checksumPath(file);
    Files.delete(checksum);
    Files.createSymbolicLink(checksum, secret);

    Cli.Run verify = Cli.run("verify", file);
    Cli.Run inspect = Cli.run("inspect", file);
    Cli.Run json = Cli.run("inspect", "--json", file);
    Cli.Run migrate = Cli.run("migrate", "--force", file);
    Cli.Run recover = Cli.run("recover", file);

    for (Cli.Run r : new Cli.Run[] {verify, inspect, json, migrate, recover}) {
      assertThat(r.out() + r.err()).as(r.toString()).doesNotContain("TOP-SECRET");
    }
    assertThat(verify.exitCode()).isNotZero();
  }

  @Test
  void initHugeDimension_isAUsageError_namingTheLimit() {
    Path file = dir.resolve("s.json");

    Cli.Run r = Cli.run("init", file, "--dimension", "2147483647");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--dimension must be in [1, 1000000], got 2147483647");
    assertThat(file).doesNotExist();
  }

  @Test
  void outputs_intoMissingDirectories_createThem() {
    Path simulated = dir.resolve("runs/a/state.json");
    Path initialized = dir.resolve("init/b/state.npz");
    Path converted = dir.resolve("conv/c/state.json");
    Path plot = dir.resolve("plots/d/norms.png");

    Cli.Run simulate =
        Cli.run("simulate", simulated, "--steps", "20", "--dimension", "2", "--plot", plot);
    Cli.Run init = Cli.run("init", initialized, "--dimension", "2");
    Cli.Run convert = Cli.run("convert", initialized, converted);

    assertThat(simulate.exitCode()).as(simulate.toString()).isZero();
    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(convert.exitCode()).as(convert.toString()).isZero();
    assertThat(SystemStates.load(simulated).qilm().size()).isEqualTo(20);
    assertThat(SystemStates.load(initialized).memoryState().dimension()).isEqualTo(2);
    assertThat(SystemStates.load(converted).memoryState().dimension()).isEqualTo(2);
    assertThat(plot).isRegularFile();
  }

  @Test
  void anOutputDirectoryThatCannotBeCreated_isOneClearError() throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "not a directory");

    Cli.Run r = Cli.run("simulate", blocker.resolve("sub/state.json"), "--steps", "5");

    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE.code());
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("cannot create the directory").contains("sub");
  }

  @Test
  void aConvertWhoseReadBackCheckFails_leavesOutAsItWas() {
    Path in = dir.resolve("a.json");
    Cli.saved(in, 3, "a");
    Path fresh = dir.resolve("fresh.npz");
    Path existing = dir.resolve("old.npz");
    Cli.saved(existing, 2, "old");
    byte[] before = Cli.bytes(existing);
    byte[] checksumBefore = Cli.bytes(SystemStates.checksumPath(existing));

    Cli.Run first = Cli.run(ConvertCommandTest.failingReadBack(), "convert", in, fresh);
    Cli.Run second =
        Cli.run(ConvertCommandTest.failingReadBack(), "convert", "--force", in, existing);

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCode.FAILURE.code());
    assertThat(first.err()).contains("verification failed").contains("was not written");
    assertThat(fresh).doesNotExist();
    assertThat(SystemStates.checksumPath(fresh)).doesNotExist();
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCode.FAILURE.code());
    assertThat(Cli.bytes(existing)).isEqualTo(before);
    assertThat(Cli.bytes(SystemStates.checksumPath(existing))).isEqualTo(checksumBefore);
    assertThat(SystemStates.backupPath(existing)).doesNotExist();
    // Nothing of the staging is left beside OUT (lock files aside, which loads leave today).
    assertThat(dir.toFile().list())
        .filteredOn(name -> !name.endsWith(".lock"))
        .containsExactlyInAnyOrder("a.json", "a.json.checksum", "old.npz", "old.npz.checksum");
  }

  @Test
  void parameterDefaults_comeFromTheLibrary_andShowInHelp() {
    Path file = dir.resolve("s.json");

    Cli.Run help = Cli.run("init", "--help");
    Cli.Run init = Cli.run("init", file);

    assertThat(help.out())
        .contains("(default: " + MemoryParameters.DEFAULTS.lambdaL1() + ")")
        .contains("(default: " + MemoryParameters.DEFAULTS.gating23() + ")");
    assertThat(init.exitCode()).as(init.toString()).isZero();
    SystemStateRecord state = SystemStates.load(file);
    assertThat(state.memoryState().parameters()).isEqualTo(MemoryParameters.DEFAULTS);
  }

  @Test
  void aLibraryRefusalDuringTheWork_isNotAUsageError() {
    // Exit 2 is for what picocli and the converters refuse while parsing; after that, a library
    // IllegalArgumentException is a failure of the work.
    assertThat(ErrorHandler.exitCode(new IllegalArgumentException("refused by the library")))
        .isEqualTo(ExitCode.FAILURE);
  }

  @Test
  void jsonOutput_ofAHostileId_staysValidJson() {
    Path file = dir.resolve("s.json");
    String id = "q\"\\" + RIGHT_TO_LEFT_OVERRIDE + "\u0085\u007f";
    SystemStates.save(SystemStates.createEmpty(1).withId(id), file);

    Cli.Run r = Cli.run("inspect", "--json", file);

    Map<String, Object> state = Cli.object(Cli.object(Cli.json(r.out())).get("state"));
    assertThat(state).containsEntry("id", id);
    assertThat(r.out()).doesNotContain(RIGHT_TO_LEFT_OVERRIDE).doesNotContain("\u0085");
  }

  /**
   * A backup that is a link to {@code /dev/zero}: copying or reading it never ends (a copy wrote
   * gigabytes once). The timeout only stops a broken build from hanging; the assertions are on what
   * the commands say.
   */
  @Test
  @Timeout(120)
  void aBackupLinkedToDevZero_isReportedWithoutBeingRead() throws Exception {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 2, "a");
    Path backup = SystemStates.backupPath(file);
    Files.createSymbolicLink(backup, Path.of("/dev/zero"));

    Cli.Run verify = Cli.run("verify", file);
    Cli.Run strict = Cli.run("verify", "--strict", file);
    Cli.Run inspect = Cli.run("inspect", file);
    Cli.flipByte(file);
    Cli.Run recover = Cli.run("recover", file);

    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.out()).contains("backup").contains("not a regular file");
    assertThat(strict.exitCode()).as(strict.toString()).isEqualTo(ExitCode.WARNINGS.code());
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out()).contains("not a regular file");
    assertThat(recover.exitCode()).as(recover.toString()).isEqualTo(ExitCode.UNRECOVERABLE.code());
    assertThat(recover.err().lines()).hasSize(1);
    assertThat(recover.err()).contains("not a regular file").contains("s.json.backup");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(Files::isRegularFile))
          .allSatisfy(p -> assertThat(Files.size(p)).isLessThan(1 << 20));
    }
  }

  @Test
  @Timeout(120)
  void aStateFileLinkedToDevZero_orADirectory_isUnreadable_withoutBeingRead() throws Exception {
    Path zero = dir.resolve("zero.json");
    Files.createSymbolicLink(zero, Path.of("/dev/zero"));
    Path directory = Files.createDirectory(dir.resolve("d.npz"));

    for (String command : new String[] {"inspect", "verify", "migrate"}) {
      Cli.Run r = Cli.run(command, zero);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.UNREADABLE.code());
      assertThat(r.err()).contains("not a regular file (a link to a device");
    }
    Cli.Run r = Cli.run("inspect", directory);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.UNREADABLE.code());
    assertThat(r.err()).contains("not a regular file (a directory)");
  }

  @Test
  void anEscapeSequenceInAZipEntryName_isPrintedEscaped() throws Exception {
    Path file = dir.resolve("s.npz");
    String evil = "evil" + CLEAR_SCREEN + RIGHT_TO_LEFT_OVERRIDE;
    // Two entries for one key: the reader's error names both.
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (String name : new String[] {evil, evil + ".npy"}) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(new byte[] {1, 2, 3});
        zip.closeEntry();
      }
    }

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.MALFORMED.code());
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("evil\\u001b[2J\\u202e.npy");
    assertThat(r.err()).doesNotContain("\u001b").doesNotContain(RIGHT_TO_LEFT_OVERRIDE);
  }
}
