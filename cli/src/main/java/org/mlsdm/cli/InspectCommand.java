package org.mlsdm.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inspect}: what a state file holds and how healthy it looks. */
@Command(
    name = "inspect",
    description = {
      "Show what a state file holds and how healthy it is (--json for scripts).",
      "Schema version, id, timestamps, dimension and parameters, the norms of"
          + " the memory levels L1/L2/L3, the QILM row count, the file size, the checksum status,"
          + " the backup and its age, and integrity warnings.",
      "A file whose checksum does not match is still shown (checksum: mismatch); use verify for"
          + " an exit code."
    })
final class InspectCommand implements Callable<Integer> {
  @Mixin Console console;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The state file (a .json or .npz file name).")
  Path file;

  @Option(names = "--json", description = "Print one JSON object, for scripts.")
  boolean json;

  /** Everything the report shows, gathered once for either layout. */
  private record Facts(
      SystemStateRecord state,
      StateFiles.Checked checked,
      List<String> warnings,
      StateFiles.Backup backup,
      long size,
      Instant now) {}

  @Override
  public Integer call() {
    PrintWriter out = console.out();
    Progress progress = console.progress();
    StateFiles.Checked checked = StateFiles.loadChecked(file, progress);
    SystemStateRecord state = checked.state();
    List<String> warnings = SystemStates.validateIntegrity(state);
    StateFiles.Backup backup = StateFiles.backup(file);
    long size = Progress.sizeOrZero(file);
    Instant now = Instant.now();
    Facts facts = new Facts(state, checked, warnings, backup, size, now);
    if (json) {
      writeJson(out, facts);
    } else {
      writeText(out, facts);
    }
    out.flush();
    return ExitCode.OK.code();
  }

  private void writeText(PrintWriter out, Facts facts) {
    SystemStateRecord state = facts.state();
    MemoryStateRecord m = state.memoryState();
    Report.row(
        out,
        "file",
        file + " (" + StateFiles.format(file) + ", " + Progress.bytes(facts.size()) + ")");
    Report.row(
        out,
        "version",
        state.version()
            + (facts.checked().migrated()
                ? " (migrated on load from an older schema version; 'migrate' rewrites the file)"
                : ""));
    Report.row(out, "id", Report.id(state.id()));
    Report.row(
        out,
        "created_at",
        state.createdAt() + " (" + Report.ago(state.createdAt(), facts.now()) + ")");
    Report.row(
        out,
        "updated_at",
        state.updatedAt() + " (" + Report.ago(state.updatedAt(), facts.now()) + ")");
    Report.row(out, "dimension", Integer.toString(m.dimension()));
    Report.row(out, "parameters", Report.parameters(m.parameters()));
    Report.row(out, "norms", Report.norms(m));
    Report.row(out, "qilm", state.qilm().size() + " rows");
    Report.row(out, "journal", StateFiles.journal(file));
    String checksum =
        switch (facts.checked().checksum()) {
          case OK -> "ok (" + SystemStates.checksumPath(file).getFileName() + ")";
          case ABSENT -> "absent (no " + SystemStates.checksumPath(file).getFileName() + ")";
          case MISMATCH -> "MISMATCH: " + facts.checked().mismatch();
        };
    Report.row(out, "checksum", checksum);
    Report.row(
        out,
        "backup",
        facts.backup().present()
            ? "present, "
                + Progress.bytes(facts.backup().size())
                + ", written "
                + Report.ago(facts.backup().modified(), facts.now())
                + " ("
                + facts.backup().modified().truncatedTo(ChronoUnit.SECONDS)
                + ")"
            : "none");
    if (facts.warnings().isEmpty()) {
      Report.row(out, "integrity", "no warnings");
    } else {
      Report.row(out, "integrity", facts.warnings().size() + " warning(s)");
      facts.warnings().forEach(w -> Report.row(out, "  warning", w));
    }
  }

  private void writeJson(PrintWriter out, Facts facts) {
    SystemStateRecord state = facts.state();
    MemoryStateRecord m = state.memoryState();
    MemoryParameters p = m.parameters();
    try (JsonGenerator g =
        new JsonFactory()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .createGenerator(out)
            .useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("file", file.toString());
      g.writeStringField("format", StateFiles.format(file).toLowerCase(Locale.ROOT));
      g.writeNumberField("size_bytes", facts.size());
      g.writeNumberField("version", state.version());
      g.writeBooleanField("migrated", facts.checked().migrated());
      g.writeStringField("id", state.id());
      g.writeStringField("created_at", state.createdAt().toString());
      g.writeStringField("updated_at", state.updatedAt().toString());
      g.writeNumberField("dimension", m.dimension());
      g.writeObjectFieldStart("parameters");
      g.writeNumberField("lambda_l1", p.lambdaL1());
      g.writeNumberField("lambda_l2", p.lambdaL2());
      g.writeNumberField("lambda_l3", p.lambdaL3());
      g.writeNumberField("theta_l1", p.thetaL1());
      g.writeNumberField("theta_l2", p.thetaL2());
      g.writeNumberField("gating12", p.gating12());
      g.writeNumberField("gating23", p.gating23());
      g.writeEndObject();
      g.writeObjectFieldStart("norms");
      g.writeNumberField("l1", Levels.norm(m.stateL1()));
      g.writeNumberField("l2", Levels.norm(m.stateL2()));
      g.writeNumberField("l3", Levels.norm(m.stateL3()));
      g.writeEndObject();
      g.writeNumberField("qilm_rows", state.qilm().size());
      g.writeStringField("checksum", facts.checked().checksum().label());
      g.writeObjectFieldStart("backup");
      g.writeBooleanField("present", facts.backup().present());
      if (facts.backup().present()) {
        g.writeNumberField("size_bytes", facts.backup().size());
        g.writeStringField("modified_at", facts.backup().modified().toString());
        g.writeNumberField(
            "age_seconds",
            Math.max(0, Duration.between(facts.backup().modified(), facts.now()).toSeconds()));
      }
      g.writeEndObject();
      g.writeArrayFieldStart("warnings");
      for (String w : facts.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.println();
  }
}
