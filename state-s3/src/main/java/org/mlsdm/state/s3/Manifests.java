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
import java.util.HashSet;
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
 * </pre>
 *
 * Parsing is strict: every field once, no others, numbers within range, strings bounded; anything
 * else is a {@link ManifestException} naming the key and the problem.
 */
final class Manifests {
  static final String FORMAT = "mlsdm-s3-manifest/1";

  /** Larger manifests are refused unread; ours are about 350 bytes. */
  static final int MAX_BYTES = 16 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(MAX_BYTES)
                  .maxNestingDepth(2)
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
      out.writeStringField("format", FORMAT);
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
    if (!FORMAT.equals(format)) {
      throw new ManifestException(
          "manifest " + key + " has format " + format + "; supported: " + FORMAT);
    }
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
          isDeleted);
    } catch (IllegalArgumentException e) {
      throw new ManifestException("manifest " + key + ": " + e.getMessage(), e);
    }
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
