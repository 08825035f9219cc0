package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

class InspectCommandTest {
  @TempDir Path dir;

  @Test
  void inspect_showsEveryField_ofAPythonWrittenFile() throws Exception {
    Path file = Cli.pythonFile(dir, "state.json");

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("version      1")
        .contains("id           'python-agent'")
        .contains("created_at   2026-11-26T10:35:19.917208Z")
        .contains("updated_at   2026-11-26T10:35:19.918680Z")
        .contains("dimension    4")
        .contains(
            "lambda_l1=0.5 lambda_l2=0.1 lambda_l3=0.01 theta_l1=1.5 theta_l2=2.0 gating12=0.5"
                + " gating23=0.3")
        .contains("qilm         3 rows")
        .contains("checksum     ok")
        .contains("backup       present, 1.1 KiB")
        .contains("(JSON, " + Progress.bytes(Files.size(file)) + ")")
        .contains("integrity    no warnings");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void inspect_json_isOneObjectWithTheSameFacts() {
    Path file = Cli.pythonFile(dir, "state.json");

    Cli.Run r = Cli.run("inspect", "--json", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    Map<String, Object> json = Cli.object(Cli.json(r.out()));
    assertThat(json)
        .containsEntry("version", 1)
        .containsEntry("migrated", false)
        .containsEntry("id", "python-agent")
        .containsEntry("dimension", 4)
        .containsEntry("qilm_rows", 3)
        .containsEntry("checksum", "ok")
        .containsEntry("format", "json")
        .containsEntry("created_at", "2026-11-26T10:35:19.917208Z")
        .containsEntry("warnings", List.of());
    assertThat(Cli.object(json.get("parameters"))).containsEntry("theta_l1", 1.5).hasSize(7);
    Map<String, Object> norms = Cli.object(json.get("norms"));
    double l1 =
        Levels.norm(
            new double[] {
              -0.7931224751578991, 0.24057128353827487, -1.8963263495990657, 1.3957717101086942
            });
    assertThat(((Number) norms.get("l1")).doubleValue()).isEqualTo(l1);
    assertThat(((Number) norms.get("l2")).doubleValue())
        .isCloseTo(Math.sqrt(2.5 * 2.5 + 9), within(1e-12));
    assertThat(((Number) norms.get("l3")).doubleValue()).isZero();
    Map<String, Object> backup = Cli.object(json.get("backup"));
    assertThat(backup.get("present")).isEqualTo(true);
    assertThat(((Number) backup.get("age_seconds")).longValue()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void inspect_legacyManagerFile_isMigrated_withoutChecksumOrBackup() {
    Path file = Cli.pythonFile(dir, "manager-legacy.json");

    Cli.Run r = Cli.run("inspect", "--json", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    Map<String, Object> json = Cli.object(Cli.json(r.out()));
    assertThat(json)
        .containsEntry("version", 1)
        .containsEntry("migrated", true)
        .containsEntry("checksum", "absent")
        .containsEntry("qilm_rows", 2);
    assertThat(Cli.object(json.get("backup"))).containsEntry("present", false);
  }

  @Test
  void inspect_legacyFile_saysItWasMigratedOnLoad() {
    Path file = Cli.pythonFile(dir, "manager-legacy.json");

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("version      1 (migrated on load from an older schema version");
  }

  @Test
  void inspect_pythonNpz_readsThroughThePickleReader() {
    Path file = Cli.pythonFile(dir, "state.npz");

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("'python-agent'")
        .contains("(NPZ, ")
        .contains("checksum     absent");
  }

  @Test
  void inspect_checksumMismatch_stillShowsTheState_andSaysMismatch() {
    Path file = dir.resolve("s.json");
    Cli.saved(file, 3, "agent");
    // A change the JSON reader still accepts: the id's first letter.
    Cli.write(
        file,
        new String(Cli.bytes(file), java.nio.charset.StandardCharsets.UTF_8)
            .replace("\"agent\"", "\"Agent\""));

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("id           'Agent'")
        .contains("checksum     MISMATCH: ")
        .contains("Checksum mismatch");
  }

  @Test
  void inspect_integrityWarnings_areListed() {
    Path file = dir.resolve("s.json");
    SystemStateRecord empty = SystemStates.createEmpty(2);
    SystemStates.save(
        empty
            .withMemoryState(
                new MemoryStateRecord(
                    2,
                    empty.memoryState().parameters(),
                    new double[] {1e11, 0},
                    new double[2],
                    new double[2]))
            .withQilm(new QilmStateRecord(new double[][] {{}}, new double[] {0.5})),
        file);

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("integrity    2 warning(s)").contains("very large");
  }

  @Test
  void inspect_missingFile_exitsNotFound() {
    Cli.Run r = Cli.run("inspect", dir.resolve("nope.json"));

    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
    assertThat(r.err()).contains("not found");
  }

  @Test
  void inspect_malformedFile_exitsMalformed() {
    Path file = dir.resolve("s.json");
    Cli.write(file, "{\"version\": 1, ");

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).isEqualTo(ExitCode.MALFORMED.code());
    assertThat(r.err().lines()).hasSize(1);
  }
}
