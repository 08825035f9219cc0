package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/**
 * A stale file (it loads and validates but does not match its checksum, as after the Python
 * system's NPZ save over a Java-written state) through the tool: verify, inspect and recover say
 * "stale" and name {@code accept}; recover keeps it; {@code accept} takes it, and refuses a file
 * that does not load.
 */
class AcceptCommandTest {
  @TempDir Path dir;

  /** The Python system's state.npz written over a Java-written state.npz with a backup. */
  private Path pythonNpzOverJava() throws IOException {
    Path file = dir.resolve("state.npz");
    Cli.saved(file, 3, "java-first");
    Cli.saved(file, 3, "java-second");
    Path python = Cli.pythonFile(Files.createDirectory(dir.resolve("py")), "state.npz");
    Files.move(python, file, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  private static SystemStateRecord asItIs(Path file) {
    return SystemStates.load(file, LoadOptions.defaults().withVerifyChecksum(false));
  }

  @Test
  void verify_staleFile_exits13_sayingStaleAndHowToAccept() throws IOException {
    Path file = pythonNpzOverJava();

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(13);
    assertThat(r.err())
        .contains(file + " is stale: it loads and validates")
        .contains("run 'mlsdm-state accept " + file + "'")
        .doesNotContain("recover");
  }

  @Test
  void inspect_staleFile_showsTheStateAndStaleWithTheAcceptCommand() throws IOException {
    Path file = pythonNpzOverJava();

    Cli.Run text = Cli.run("inspect", file);
    Cli.Run json = Cli.run("inspect", "--json", file);

    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.out())
        .contains("STALE: the file loads and validates")
        .contains("'mlsdm-state accept " + file + "' accepts it");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    Map<String, Object> checksum = Cli.object(Cli.object(Cli.json(json.out())).get("checksum"));
    assertThat(checksum).containsEntry("status", "stale").containsKeys("expected", "actual");
    assertThat(checksum.get("expected")).isNotEqualTo(checksum.get("actual"));
  }

  @Test
  void loadingCommand_staleFile_exits13() throws IOException {
    Path file = pythonNpzOverJava();

    Cli.Run r = Cli.run("convert", file, dir.resolve("out.json"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(13);
    assertThat(r.err()).contains("is stale").contains("mlsdm-state accept");
    assertThat(dir.resolve("out.json")).doesNotExist();
  }

  @Test
  void recover_staleFile_keepsItAsItIs_exits13() throws IOException {
    Path file = pythonNpzOverJava();
    byte[] python = Cli.bytes(file);
    byte[] backup = Cli.bytes(SystemStates.backupPath(file));

    Cli.Run r = Cli.run("recover", file);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(13);
    assertThat(r.out())
        .contains("found: " + file + " is stale (it loads and validates, but its checksum differs)")
        .contains("kept " + file + " as it is")
        .contains("run 'mlsdm-state accept " + file + "'")
        .doesNotContain("restored " + file);
    assertThat(Cli.bytes(file)).isEqualTo(python);
    assertThat(Cli.bytes(SystemStates.backupPath(file))).isEqualTo(backup);
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("damaged"));
    }
  }

  @Test
  void accept_staleFile_recordsItsChecksum_thenVerifyPasses() throws IOException {
    Path file = pythonNpzOverJava();
    byte[] python = Cli.bytes(file);
    SystemStateRecord expected = asItIs(file);

    Cli.Run r = Cli.run("accept", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("accepted " + file + ": state.npz.checksum now records ")
        .contains("verified: " + file + " loads and matches state.npz.checksum");
    assertThat(Cli.bytes(file)).isEqualTo(python);
    assertThat(SystemStates.load(file)).isEqualTo(expected);
    Cli.Run verify = Cli.run("verify", file);
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.out()).contains("checksum").contains("ok");
  }

  @Test
  void accept_fileWithoutChecksum_writesOne() {
    Path file = Cli.pythonFile(dir, "state.npz");

    Cli.Run r = Cli.run("accept", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("accepted " + file + ": wrote state.npz.checksum");
    assertThat(SystemStates.load(file)).isEqualTo(asItIs(file));
  }

  @Test
  void accept_soundFile_changesNothing() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    byte[] sum = Cli.bytes(SystemStates.checksumPath(file));

    Cli.Run r = Cli.run("accept", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("already matches s.json.checksum; nothing changed");
    assertThat(Cli.bytes(SystemStates.checksumPath(file))).isEqualTo(sum);
  }

  @Test
  void accept_corruptFile_isRefused_andNothingIsWritten() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "a");
    Cli.saved(file, 3, "b");
    Cli.flipByte(file);
    byte[] sum = Cli.bytes(SystemStates.checksumPath(file));

    Cli.Run r = Cli.run("accept", file);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
    assertThat(r.err()).contains("not accepting " + file);
    assertThat(Cli.bytes(SystemStates.checksumPath(file))).isEqualTo(sum);
    assertThat(Cli.run("verify", file).exitCode()).isEqualTo(5);
  }

  @Test
  void accept_missingFile_exits3() {
    Cli.Run r = Cli.run("accept", dir.resolve("none.json"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
  }
}
