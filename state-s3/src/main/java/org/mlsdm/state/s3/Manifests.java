package org.mlsdm.state.s3;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The manifest format: one small JSON object per generation, UTF-8, at most {@link #MAX_BYTES}.
 *
 * <pre>
 * {"format":"mlsdm-s3-manifest/1",
 *  "generation":12,                      equal to the number in the manifest's key
 *  "previous":11,                        newest generation when it was published, 0 for none
 *  "data":"P KEY/data/20261130T210000Z-0123…", under this state's data/ prefix
 *  "size":3145728,                       the data object's length
 *  "sha256":"9f86d0…",                   64 lowercase hex digits of the data
 *  "created_at":"2026-11-30T21:00:00.123Z",
 *  "writer":"host/4711/1a2b3c4d",
 *  "restored_from":5}                    optional: restore() republished generation 5
 * A deletion marker has "deleted":true and no data, size or sha256.
 *
 * {"format":"mlsdm-s3-manifest/2", …     the same fields, and (incremental checkpoints):
 *  "deltas":[{"key":"P KEY/data/…",      1 to {@link #MAX_DELTAS} delta objects since the data
 *             "size":4242,               object, oldest first; each under the data/ prefix, with
 *             "sha256":"…"}, …]}         its length and SHA-256; concatenated they are the journal
 * </pre>
 *
 * A generation without deltas is written as format 1, byte for byte as before, so older readers
 * read every whole-file save. Format 2 is written only when there are deltas: an older reader
 * refuses it (unknown format) rather than load the base without its checkpoints.
 *
 * <p>Parsing is strict: every field once, no others, numbers within range, strings bounded;
 * anything else is a {@link ManifestException} naming the key and the problem.
 */
final class Manifests {
  static final String FORMAT = "mlsdm-s3-manifest/1";
  static final String FORMAT_DELTAS = "mlsdm-s3-manifest/2";

  /**
   * The most deltas one manifest names; the journal asks for a compaction at this count. Each takes
   * about 170 bytes for a short state key, so a full manifest is about 22 KB.
   */
  static final int MAX_DELTAS = 128;

  /** Larger manifests are refused unread; ours are about 350 bytes plus 170 per delta. */
  static final int MAX_BYTES = 256 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(MAX_BYTES)
                  .maxNestingDepth(3)
                  .maxNumberLength(20)
                  .build())
          .build();

  private Manifests() {}

  /** A manifest that is not one this store would write. */
  static final class ManifestException extends Permanent {
    private static final long serialVersionUID = 1L;

    ManifestException(String message) {
      super(message);
    }

    ManifestException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static byte[] encode(Generation g) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      out.writeStartObject();
      out.writeStringField("format", g.deltas().isEmpty() ? FORMAT : FORMAT_DELTAS);
      out.writeNumberField("generation", g.generation());
      out.writeNumberField("previous", g.previous());
      if (g.deleted()) {
        out.writeBooleanField("deleted", true);
      } else {
        out.writeStringField("data", g.dataKey());
        out.writeNumberField("size", g.size());
        out.writeStringField("sha256", g.sha256());
      }
      out.writeStringField("created_at", g.createdAt().toString());
      out.writeStringField("writer", g.writer());
      if (g.restoredFrom().isPresent()) {
        out.writeNumberField("restored_from", g.restoredFrom().getAsLong());
      }
      if (!g.deltas().isEmpty()) {
        out.writeArrayFieldStart("deltas");
        for (Generation.Delta d : g.deltas()) {
          out.writeStartObject();
          out.writeStringField("key", d.key());
          out.writeNumberField("size", d.size());
          out.writeStringField("sha256", d.sha256());
          out.writeEndObject();
        }
        out.writeEndArray();
      }
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Parses and checks a manifest read from {@code key}.
   *
   * @param expectedGeneration the generation the key names
   * @throws ManifestException naming the key and what is wrong
   */
  static Generation decode(byte[] bytes, String key, long expectedGeneration, S3Location loc)
      throws ManifestException {
    if (bytes.length > MAX_BYTES) {
      throw new ManifestException(
          "manifest " + key + " has " + bytes.length + " bytes, more than " + MAX_BYTES);
    }
    String format = null;
    Long generation = null;
    Long previous = null;
    String data = null;
    Long size = null;
    String sha256 = null;
    String createdAt = null;
    String writer = null;
    Long restoredFrom = null;
    Boolean deleted = null;
    List<Generation.Delta> deltas = null;
    Set<String> seen = new HashSet<>();
    try (JsonParser in = JSON.createParser(bytes)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new ManifestException("manifest " + key + " is not a JSON object");
      }
      JsonToken t;
      while ((t = in.nextToken()) == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        if (!seen.add(field)) {
          throw new ManifestException("manifest " + key + " repeats field " + field);
        }
        JsonToken v = in.nextToken();
        switch (field) {
          case "format" -> format = text(in, v, key, field);
          case "generation" -> generation = number(in, v, key, field);
          case "previous" -> previous = number(in, v, key, field);
          case "data" -> data = text(in, v, key, field);
          case "size" -> size = number(in, v, key, field);
          case "sha256" -> sha256 = text(in, v, key, field);
          case "created_at" -> createdAt = text(in, v, key, field);
          case "writer" -> writer = text(in, v, key, field);
          case "restored_from" -> restoredFrom = number(in, v, key, field);
          case "deleted" -> {
            if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
              throw new ManifestException("manifest " + key + ": deleted must be a boolean");
            }
            deleted = v == JsonToken.VALUE_TRUE;
          }
          case "deltas" -> deltas = deltas(in, v, key, loc);
          default ->
              throw new ManifestException("manifest " + key + " has an unknown field " + field);
        }
      }
      if (t != JsonToken.END_OBJECT || in.nextToken() != null) {
        throw new ManifestException("manifest " + key + " has content after its object");
      }
    } catch (ManifestException e) {
      throw e;
    } catch (IOException e) {
      throw new ManifestException("manifest " + key + " is not valid JSON: " + e.getMessage(), e);
    }
    if (!FORMAT.equals(format) && !FORMAT_DELTAS.equals(format)) {
      throw new ManifestException(
          "manifest "
              + key
              + " has format "
              + format
              + "; supported: "
              + FORMAT
              + ", "
              + FORMAT_DELTAS);
    }
    require(
        FORMAT.equals(format) == (deltas == null),
        key,
        "deltas are present exactly in format " + FORMAT_DELTAS);
    require(
        generation != null && previous != null && createdAt != null && writer != null,
        key,
        "generation, previous, created_at and writer are required");
    boolean isDeleted = Boolean.TRUE.equals(deleted);
    if (isDeleted) {
      require(
          data == null && size == null && sha256 == null,
          key,
          "a deletion marker has no data, size or sha256");
    } else {
      require(
          data != null && size != null && sha256 != null,
          key,
          "data, size and sha256 are required");
    }
    if (generation != expectedGeneration) {
      throw new ManifestException(
          "manifest " + key + " says generation " + generation + ", its key " + expectedGeneration);
    }
    if (!isDeleted && !loc.isDataKey(data)) {
      throw new ManifestException(
          "manifest " + key + " names data " + data + ", not a data key of " + loc.describe());
    }
    Instant created;
    try {
      created = Instant.parse(createdAt);
    } catch (DateTimeParseException e) {
      throw new ManifestException(
          "manifest " + key + ": created_at is not an instant: " + createdAt, e);
    }
    try {
      return new Generation(
          generation,
          previous,
          isDeleted ? "" : data,
          isDeleted ? 0 : size,
          isDeleted ? "" : sha256,
          created,
          writer,
          restoredFrom == null ? OptionalLong.empty() : OptionalLong.of(restoredFrom),
          isDeleted,
          deltas == null ? List.of() : deltas);
    } catch (IllegalArgumentException e) {
      throw new ManifestException("manifest " + key + ": " + e.getMessage(), e);
    }
  }

  /** The deltas array: 1 to MAX_DELTAS objects of exactly key, size and sha256. */
  private static List<Generation.Delta> deltas(
      JsonParser in, JsonToken v, String key, S3Location loc) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      throw new ManifestException("manifest " + key + ": deltas must be an array");
    }
    List<Generation.Delta> out = new ArrayList<>();
    JsonToken t;
    while ((t = in.nextToken()) == JsonToken.START_OBJECT) {
      if (out.size() == MAX_DELTAS) {
        throw new ManifestException(
            "manifest " + key + " names more than " + MAX_DELTAS + " deltas");
      }
      String dkey = null;
      Long size = null;
      String sha = null;
      Set<String> fields = new HashSet<>();
      JsonToken f;
      while ((f = in.nextToken()) == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        JsonToken fv = in.nextToken();
        String where = "deltas[" + out.size() + "]." + field;
        if (!fields.add(field)) {
          throw new ManifestException("manifest " + key + " repeats field " + where);
        }
        switch (field) {
          case "key" -> dkey = text(in, fv, key, where);
          case "size" -> size = number(in, fv, key, where);
          case "sha256" -> sha = text(in, fv, key, where);
          default ->
              throw new ManifestException("manifest " + key + " has an unknown field " + where);
        }
      }
      require(
          f == JsonToken.END_OBJECT && dkey != null && size != null && sha != null,
          key,
          "deltas[" + out.size() + "] needs exactly key, size and sha256");
      if (!loc.isDataKey(dkey)) {
        throw new ManifestException(
            "manifest " + key + " names delta " + dkey + ", not a data key of " + loc.describe());
      }
      try {
        out.add(new Generation.Delta(dkey, size, sha));
      } catch (IllegalArgumentException e) {
        throw new ManifestException(
            "manifest " + key + ": deltas[" + out.size() + "]: " + e.getMessage(), e);
      }
    }
    require(t == JsonToken.END_ARRAY && !out.isEmpty(), key, "deltas must be a non-empty array");
    return out;
  }

  private static void require(boolean ok, String key, String what) throws ManifestException {
    if (!ok) {
      throw new ManifestException("manifest " + key + ": " + what);
    }
  }

  private static String text(JsonParser in, JsonToken v, String key, String field)
      throws IOException {
    if (v != JsonToken.VALUE_STRING) {
      throw new ManifestException("manifest " + key + ": " + field + " must be a string");
    }
    String s = in.getText();
    if (s.length() > 1024) {
      throw new ManifestException(
          "manifest " + key + ": " + field + " has " + s.length() + " chars, more than 1024");
    }
    return s;
  }

  private static long number(JsonParser in, JsonToken v, String key, String field)
      throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT
        || (in.getNumberType() != JsonParser.NumberType.INT
            && in.getNumberType() != JsonParser.NumberType.LONG)) {
      throw new ManifestException(
          "manifest " + key + ": " + field + " must be an integer within 64 bits");
    }
    long n = in.getLongValue();
    if (n < 0) {
      throw new ManifestException("manifest " + key + ": " + field + " must be >= 0, got " + n);
    }
    return n;
  }
}
