package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine;

class ConvertCommandTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"a.json, b.npz", "a.npz, b.json", "a.json, b.JSON", "a.npz, b.NPZ"})
  void convert_writesTheSameState_inTheOtherFormat(String inName, String outName) {
    Path in = dir.resolve(inName);
    Path out = dir.resolve(outName);
    SystemStateRecord source = Cli.saved(in, 4, "agent");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("converted " + in).contains("verified: ");
    SystemStateRecord converted = SystemStates.load(out);
    assertThat(ConvertCommand.sameContent(source, converted)).isTrue();
    assertThat(SystemStates.checksumPath(out)).exists();
  }

  @Test
  void convert_pythonPickledNpz_toJson() {
    Path in = Cli.pythonFile(dir, "state.npz");
    Path out = dir.resolve("from-python.json");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(SystemStates.load(out).id()).isEqualTo("python-agent");
    assertThat(Cli.run("diff", Cli.pythonFile(dir, "state.json"), out).exitCode()).isZero();
  }

  @Test
  void convert_legacyFile_isMigratedOnTheWay() {
    Path in = Cli.pythonFile(dir, "manager-legacy.json");
    Path out = dir.resolve("current.json");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(SystemStates.load(out).qilm().size()).isEqualTo(2);
  }

  @Test
  void convert_existingOut_isRefused_unlessForce() {
    Path in = dir.resolve("a.json");
    Path out = dir.resolve("b.json");
    Cli.saved(in, 3, "new");
    Cli.saved(out, 3, "old");
    byte[] old = Cli.bytes(out);

    Cli.Run refused = Cli.run("convert", in, out);
    assertThat(refused.exitCode()).isEqualTo(ExitCode.EXISTS.code());
    assertThat(Cli.bytes(out)).isEqualTo(old);

    Cli.Run forced = Cli.run("convert", "--force", in, out);
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(SystemStates.load(out).id()).isEqualTo("new");
    assertThat(Cli.bytes(SystemStates.backupPath(out))).isEqualTo(old);
  }

  @Test
  void convert_sameFile_isAUsageError() {
    Path in = dir.resolve("a.json");
    Cli.saved(in, 3, "a");

    Cli.Run r = Cli.run("convert", "--force", in, dir.resolve("x/../a.json"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("same file");
  }

  @Test
  void convert_unsupportedOutName_failsBeforeReading() {
    Cli.Run r = Cli.run("convert", dir.resolve("missing.json"), dir.resolve("b.csv"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("Unsupported file format");
  }

  @Test
  void convert_corruptIn_exits5_andWritesNothing() {
    Path in = dir.resolve("a.json");
    Cli.saved(in, 3, "a");
    Cli.flipByte(in);
    Path out = dir.resolve("b.json");

    Cli.Run r = Cli.run("convert", in, out);

    assertThat(r.exitCode()).isEqualTo(ExitCode.CORRUPT.code());
    assertThat(out).doesNotExist();
  }

  @Test
  void convert_missingIn_exits3() {
    assertThat(Cli.run("convert", dir.resolve("a.json"), dir.resolve("b.json")).exitCode())
        .isEqualTo(ExitCode.NOT_FOUND.code());
  }

  /** Makes convert's read-back check see a different state, as a faulty encoder would give. */
  static Consumer<CommandLine> failingReadBack() {
    return cmd -> {
      ConvertCommand convert = cmd.getSubcommands().get("convert").getCommand();
      convert.readBack = state -> state.withId("not-what-was-written");
    };
  }

  @Test
  void convert_pythonFileWithLabelledPhases_keepsTheLabels() {
    Path from = Cli.pythonFile(dir, "manager-labelled.json");
    Path to = dir.resolve("labelled.npz");

    Cli.Run r = Cli.run("convert", from, to);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    SystemStateRecord converted = SystemStates.load(to);
    assertThat(converted.qilm().hasLabels()).isTrue();
    assertThat(converted.qilm().phaseList())
        .isEqualTo(SystemStates.load(from).qilm().phaseList())
        .hasSize(5);
  }
}
