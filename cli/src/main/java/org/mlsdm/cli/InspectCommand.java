package org.mlsdm.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mlsdm.state.JournalCheck;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inspect}: what a state file holds and how healthy it looks. */
@Command(
    name = "inspect",
    description = {
      "Show what a state file holds and how healthy it is (--json for scripts).",
      "The file's format and size, the schema version found and whether it was migrated on load,"
          + " every field of the state (vectors by their length and norm, the QILM by its rows),"
          + " the checksum status with both digests, the backup (whether it loads, its"
          + " updated_at), the journal (FILE.journal: the frames that apply, a torn tail, a stale"
          + " or corrupt journal) and the integrity warnings.",
      "The state shown is what a load returns: the base with its journal applied; the journal"
          + " row (and --json's journal field) gives the base alone beside it.",
      "A file whose checksum does not match is still shown (checksum: mismatch); use verify for"
          + " an exit code."
    })
final class InspectCommand implements Callable<Integer>, Remote.Direct {
  @Mixin Console console;
  @Mixin Options.StateFile target;

  @Option(names = "--json", description = "Print one JSON object, for scripts.")
  boolean json;

  @Override
  public Integer call() {
    Path file = target.file;
    PrintWriter out = console.out();
    Health health;
    try {
      health = Health.inspect(file, console.progress());
    } catch (StateLoadException e) {
      throw StateFiles.withRecoveryHint(e, file);
    }
    if (health.state() == null) {
      // What does not load is not shown; a checksum mismatch alone is (inspect's purpose).
      throw StateFiles.withRecoveryHint(health.failure(), file);
    }
    if (json) {
      writeJson(out, health);
    } else {
      writeText(out, health, Instant.now());
    }
    out.flush();
    return ExitCode.OK.code();
  }

  private static void writeText(PrintWriter out, Health h, Instant now) {
    Report.row(
        out,
        "file",
        Text.path(h.file()) + " (" + h.format() + ", " + Progress.bytes(h.size()) + ")");
    if (h.migrated()) {
      Report.row(
          out,
          "schema",
          "version "
              + h.versionFound()
              + " as found, migrated on load to "
              + SystemStates.CURRENT_SCHEMA_VERSION
              + " ('migrate' rewrites the file)");
    }
    StateView.text(out, SystemStates.toMap(h.current()), now);
    Report.row(out, "journal", h.journalText());
    Report.row(out, "checksum", h.checksumText());
    Report.row(out, "backup", h.backupText(now));
    if (h.warnings().isEmpty()) {
      Report.row(out, "integrity", "no warnings");
    } else {
      Report.row(out, "integrity", h.warnings().size() + " warning(s)");
      h.warnings().forEach(w -> Report.row(out, "  warning", Text.escape(w)));
    }
  }

  private static void writeJson(PrintWriter out, Health h) {
    try (JsonGenerator g =
        new JsonFactory()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .createGenerator(out)
            .useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("file", Remote.display(h.file()));
      g.writeStringField("format", h.format().toLowerCase(Locale.ROOT));
      g.writeNumberField("size_bytes", h.size());
      g.writeNumberField("version_found", h.versionFound());
      g.writeBooleanField("migrated", h.migrated());
      g.writeObjectFieldStart("state");
      StateView.json(g, SystemStates.toMap(h.current()));
      g.writeEndObject();
      writeJournal(g, h);
      g.writeObjectFieldStart("checksum");
      g.writeStringField("status", h.checksum().name().toLowerCase(Locale.ROOT));
      writeOptional(g, "expected", h.expected());
      writeOptional(g, "actual", h.actual());
      g.writeEndObject();
      g.writeObjectFieldStart("backup");
      g.writeBooleanField("present", h.backupPresent());
      if (h.backupPresent()) {
        g.writeBooleanField("loads", h.backupFailure() == null);
        writeOptional(g, "updated_at", h.backupUpdatedAt());
        writeOptional(g, "failure", h.backupFailure());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("warnings");
      for (String w : h.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.println();
  }

  /**
   * {@code journal}: its status, size, frames and torn bytes, why part of it does not apply, and
   * the QILM rows and {@code updated_at} of the base alone and, when the journal applies, with it.
   */
  private static void writeJournal(JsonGenerator g, Health h) throws IOException {
    JournalCheck j = h.journal();
    g.writeObjectFieldStart("journal");
    g.writeStringField("status", j.status().name().toLowerCase(Locale.ROOT));
    g.writeNumberField("bytes", j.bytes());
    g.writeNumberField("frames", j.frames());
    g.writeNumberField("torn_bytes", j.tornBytes());
    writeOptional(g, "problem", j.problem().orElse(null));
    g.writeObjectFieldStart("base");
    g.writeNumberField("qilm_rows", h.state().qilm().size());
    g.writeStringField("updated_at", h.state().updatedAt().toString());
    g.writeEndObject();
    if (j.state().isPresent()) {
      g.writeObjectFieldStart("applied");
      g.writeNumberField("qilm_rows", j.state().get().qilm().size());
      g.writeStringField("updated_at", j.state().get().updatedAt().toString());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeOptional(JsonGenerator g, String key, Object value) throws IOException {
    if (value != null) {
      g.writeStringField(key, value.toString());
    }
  }
}
