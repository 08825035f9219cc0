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
        .contains("memory_state\n  dimension  4\n  lambda_l1  0.5\n  lambda_l2  0.1\n")
        .contains("  theta_l1   1.5\n  theta_l2   2.0\n  gating12   0.5\n  gating23   0.3\n")
        .contains("  state_l3   4 values, norm 0\n")
        .contains("qilm\n  memory     3 rows of 4\n  phases     3 values, norm ")
        .contains("checksum     ok")
        .contains("backup       loads (updated_at ")
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
        .containsEntry("version_found", 1)
        .containsEntry("migrated", false)
        .containsEntry("format", "json")
        .containsEntry("warnings", List.of());
    assertThat(Cli.object(json.get("checksum"))).containsEntry("status", "ok");
    Map<String, Object> state = Cli.object(json.get("state"));
    assertThat(state)
        .containsEntry("version", 1)
        .containsEntry("id", "python-agent")
        .containsEntry("created_at", "2026-11-26T10:35:19.917208Z");
    Map<String, Object> memory = Cli.object(state.get("memory_state"));
    assertThat(memory).containsEntry("dimension", 4).containsEntry("theta_l1", 1.5);
    assertThat(Cli.object(Cli.object(state.get("qilm")).get("memory"))).containsEntry("rows", 3);
    double l1 =
        Levels.norm(
            new double[] {
              -0.7931224751578991, 0.24057128353827487, -1.8963263495990657, 1.3957717101086942
            });
    assertThat(((Number) Cli.object(memory.get("state_l1")).get("norm")).doubleValue())
        .isEqualTo(l1);
    assertThat(((Number) Cli.object(memory.get("state_l2")).get("norm")).doubleValue())
        .isCloseTo(Math.sqrt(2.5 * 2.5 + 9), within(1e-12));
    assertThat(Cli.object(memory.get("state_l3"))).containsEntry("norm", 0.0);
    Map<String, Object> backup = Cli.object(json.get("backup"));
    assertThat(backup).containsEntry("present", true).containsEntry("loads", true);
    assertThat(backup.get("updated_at")).isNotNull();
  }

  @Test
  void inspect_legacyManagerFile_isMigrated_withoutChecksumOrBackup() {
    Path file = Cli.pythonFile(dir, "manager-legacy.json");

    Cli.Run r = Cli.run("inspect", "--json", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    Map<String, Object> json = Cli.object(Cli.json(r.out()));
    assertThat(json).containsEntry("migrated", true);
    assertThat(Cli.object(json.get("checksum"))).containsEntry("status", "missing");
    Map<String, Object> state = Cli.object(json.get("state"));
    assertThat(state).containsEntry("version", 1);
    assertThat(Cli.object(Cli.object(state.get("qilm")).get("memory"))).containsEntry("rows", 2);
    assertThat(Cli.object(json.get("backup"))).containsEntry("present", false);
  }

  @Test
  void inspect_legacyFile_saysItWasMigratedOnLoad() {
    Path file = Cli.pythonFile(dir, "manager-legacy.json");

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("schema       version 0 as found, migrated on load to 1 ('migrate' rewrites")
        .contains("version      1\n");
  }

  @Test
  void inspect_pythonNpz_readsThroughThePickleReader() {
    Path file = Cli.pythonFile(dir, "state.npz");

    Cli.Run r = Cli.run("inspect", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("'python-agent'")
        .contains("(NPZ, ")
        .contains("checksum     missing");
  }

  @Test
  void inspect_validChangeBehindTheChecksum_showsTheState_andSaysStale() {
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
        .contains("checksum     STALE: the file loads and validates, but s.json.checksum expects ")
        .containsPattern("expects [0-9a-f]{64}, the file's is [0-9a-f]{64}")
        .contains("'mlsdm-state accept " + file + "' accepts it");
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

  @Test
  void inspect_pythonFilesWithLabelledPhases_showTheLabels() {
    for (String name : List.of("manager-labelled.json", "manager-labelled.npz")) {
      Path file = Cli.pythonFile(dir, name);

      Cli.Run text = Cli.run("inspect", file);
      Cli.Run json = Cli.run("inspect", "--json", file);

      assertThat(text.exitCode()).as(text.toString()).isZero();
      assertThat(text.out())
          .as(name)
          .contains("  memory     5 rows of 4")
          .contains("  phases     [wake, wake, wake, sleep, sleep]");
      assertThat(json.exitCode()).as(json.toString()).isZero();
      // Labels as a JSON array of strings, not one string.
      Map<String, Object> state = Cli.object(Cli.object(Cli.json(json.out())).get("state"));
      assertThat(Cli.object(state.get("qilm")).get("phases"))
          .as(name)
          .isEqualTo(List.of("wake", "wake", "wake", "sleep", "sleep"));
    }
  }
}
