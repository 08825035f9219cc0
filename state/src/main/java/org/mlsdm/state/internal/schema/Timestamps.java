package org.mlsdm.state.internal.schema;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import org.mlsdm.state.StateValidationException;

/**
 * Timestamps as files carry them: written as ISO-8601 UTC with exactly six fraction digits and a
 * {@code Z}; read with any offset ({@code Z}, {@code +02:00}) or none (then UTC), a {@code T} or a
 * space between date and time, and zero to nine fraction digits.
 */
public final class Timestamps {
  /** Longer strings are not timestamps; bounds the parser's work on hostile input. */
  static final int MAX_LENGTH = 64;

  private static final DateTimeFormatter WRITE =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
          .appendLiteral('Z')
          .toFormatter()
          .withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter READ =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffsetId()
          .optionalEnd()
          .toFormatter();

  private Timestamps() {}

  /** Formats as the files store it: ISO-8601 UTC with microseconds and {@code Z}. */
  public static String format(Instant t) {
    return WRITE.format(t.truncatedTo(ChronoUnit.MICROS));
  }

  /**
   * Parses a timestamp, naming {@code field} on failure.
   *
   * @throws StateValidationException if the text is not an ISO-8601 date-time
   */
  static Instant parse(String field, String text) {
    if (text.length() > MAX_LENGTH) {
      throw new StateValidationException(
          field, field + " is not an ISO-8601 timestamp: " + text.length() + " characters");
    }
    try {
      TemporalAccessor t = READ.parse(text.trim());
      if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
        return OffsetDateTime.from(t).toInstant();
      }
      return LocalDateTime.from(t).toInstant(ZoneOffset.UTC);
    } catch (java.time.DateTimeException e) {
      throw new StateValidationException(
          field, field + " is not an ISO-8601 timestamp, got '" + text + "'");
    }
  }
}
