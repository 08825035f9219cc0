package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;

/** {@code simulate}'s incremental checkpoints, {@code compact}, and the journal in reports. */
class CompactCommandTest {
  @TempDir Path dir;

  private static Path journal(Path file) {
    return file.resolveSibling(file.getFileName() + ".journal");
  }

  @Test
  void simulate_appendsToTheJournal_andCompactFoldsItIn() {
    Path file = dir.resolve("s.npz");
    Cli.Run run =
        Cli.run("simulate", file, "--steps", "750", "--checkpoint-every", "50", "--dimension", "8");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(journal(file)).exists();
    SystemStateRecord before = SystemStates.load(file);
    assertThat(before.qilm().size()).isEqualTo(750);

    Cli.Run inspect = Cli.run("inspect", file);
    assertThat(inspect.out())
        .containsPattern(
            "journal +\\d+ frame\\(s\\), .*, chains to the base; applied: 750 QILM rows")
        .containsPattern("memory +750 rows");
    Cli.Run verify = Cli.run("verify", file);
    assertThat(verify.out()).contains("journal").contains("chains to the base");

    Cli.Run compact = Cli.run("compact", file);
    assertThat(compact.exitCode()).as(compact.toString()).isZero();
    assertThat(compact.out()).contains("compacted " + file + ": ").contains("frame(s)");
    assertThat(journal(file)).doesNotExist();
    assertThat(SystemStates.load(file)).isEqualTo(before);
    assertThat(Cli.run("inspect", file).out()).containsPattern("journal +none");
  }

  @Test
  void simulate_wholeFile_neverWritesAJournal_andResumesIncrementally() {
    Path file = dir.resolve("s.json");
    Cli.Run run = Cli.run("simulate", file, "--steps", "300", "--dimension", "4", "--whole-file");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(journal(file)).doesNotExist();

    Cli.Run resumed = Cli.run("simulate", file, "--steps", "900", "--checkpoint-every", "50");
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    assertThat(SystemStates.load(file).qilm().size()).isEqualTo(900);

    Path straight = dir.resolve("straight.json");
    Cli.run("simulate", straight, "--steps", "900", "--dimension", "4", "--whole-file");
    assertThat(SystemStates.load(file).qilm()).isEqualTo(SystemStates.load(straight).qilm());
  }

  /** A state checkpointed by simulate: a base and a journal of several frames. */
  private Path journaled(String name) {
    Path file = dir.resolve(name);
    Cli.Run run =
        Cli.run("simulate", file, "--steps", "400", "--checkpoint-every", "50", "--dimension", "4");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(journal(file)).exists();
    return file;
  }

  @Test
  void inspectJson_journalField_givesTheBaseAloneAndTheStateWithTheJournalApplied() {
    Path file = journaled("s.json");
    SystemStateRecord base = SystemStates.load(copyOfBase(file));

    Cli.Run r = Cli.run("inspect", "--json", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    Map<String, Object> json = Cli.object(Cli.json(r.out()));
    Map<String, Object> j = Cli.object(json.get("journal"));
    assertThat(j).containsEntry("status", "applied").containsEntry("torn_bytes", 0);
    assertThat(((Number) j.get("frames")).intValue()).isPositive();
    assertThat(((Number) j.get("bytes")).longValue()).isEqualTo(Cli.bytes(journal(file)).length);
    assertThat(Cli.object(j.get("applied"))).containsEntry("qilm_rows", 400);
    assertThat(Cli.object(j.get("base")))
        .containsEntry("qilm_rows", base.qilm().size())
        .containsEntry("updated_at", base.updatedAt().toString());
    assertThat(base.qilm().size()).isLessThan(400);
    Map<String, Object> state = Cli.object(json.get("state"));
    assertThat(Cli.object(Cli.object(state.get("qilm")).get("memory"))).containsEntry("rows", 400);
  }

  @Test
  void verify_tornJournalTail_isARemark_andStrictFails12() {
    Path file = journaled("s.npz");
    byte[] whole = Cli.bytes(journal(file));
    Cli.write(journal(file), Arrays.copyOf(whole, whole.length - 3));

    Cli.Run r = Cli.run("verify", file);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("OK, with remarks").contains("torn tail of ");
    assertThat(Cli.run("verify", "--strict", file).exitCode()).isEqualTo(12);
    assertThat(Cli.bytes(journal(file))).as("verify writes nothing").hasSize(whole.length - 3);

    Map<String, Object> j =
        Cli.object(Cli.object(Cli.json(Cli.run("inspect", "--json", file).out())).get("journal"));
    assertThat(j).containsEntry("status", "torn");
    assertThat(((Number) j.get("torn_bytes")).intValue()).isPositive();
  }

  @Test
  void verify_staleJournal_isARemark() {
    Path file = journaled("s.json");
    byte[] old = Cli.bytes(journal(file));
    Cli.run("compact", file);
    Cli.write(journal(file), old);

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("OK, with remarks").contains("STALE, not applied");
    assertThat(Cli.run("verify", "--strict", file).exitCode()).isEqualTo(12);
  }

  @Test
  void verify_corruptJournalFrame_exits5_andInspectShowsTheBaseAlone() {
    Path file = journaled("s.json");
    byte[] b = Cli.bytes(journal(file));
    // A byte inside the first frame's payload: that frame fails its CRC32C with others after it.
    b[40 + 52 + 3] ^= 0x10;
    Cli.write(journal(file), b);

    Cli.Run r = Cli.run("verify", file);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(r.err()).contains("corrupt").contains("move " + journal(file) + " aside");
    Cli.Run inspect = Cli.run("inspect", file);
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out()).containsPattern("journal +CORRUPT");
  }

  /** The base alone, copied where no journal is beside it. */
  private Path copyOfBase(Path file) {
    Path copy = dir.resolve("base-" + file.getFileName());
    Cli.write(copy, Cli.bytes(file));
    return copy;
  }
}
