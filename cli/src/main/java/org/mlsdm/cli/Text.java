package org.mlsdm.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.mlsdm.state.StateCorruptionException;

/**
 * Makes text from files and names safe to print. A state file's id, a zip entry name, a checksum
 * file's text, a path or a library message can hold terminal escape sequences (clear the screen,
 * move the cursor, fake a line) or bidirectional overrides that reorder what the reader sees. Every
 * such character is printed as a visible {@code \}{@code uXXXX} escape instead: the C0 controls,
 * DEL, the C1 controls, the bidi embeddings, overrides, isolates and marks, and the line and
 * paragraph separators. The escape is also a valid JSON escape of the same character, so JSON
 * output stays equivalent.
 */
final class Text {
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

  private Text() {}

  /** Whether {@code c} must not reach a terminal as it is. */
  static boolean unsafe(int c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == 0x061c
        || c == 0x200e
        || c == 0x200f
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /** {@code s} with every unsafe character escaped, line breaks included; "null" for null. */
  static String escape(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (unsafe(c)) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(escaped(c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * A digest read from a checksum file, or a placeholder when the text is not one. The library
   * quotes up to 80 characters of a checksum file that is not a digest, and a {@code NAME.checksum}
   * can be a link to any file the user may read: its content is never echoed.
   */
  static String digest(String text) {
    return text != null && DIGEST.matcher(text).matches()
        ? text
        : "(not a SHA-256 digest; its content is not shown)";
  }

  /**
   * An exception's message for printing: a checksum mismatch is reworded with {@link #digest} for
   * the recorded digest (a stale file's names the {@code accept} command), and a message whose
   * cause is such a mismatch loses the non-digest text; every other message is used as it is (and
   * escaped where it is printed).
   */
  static String message(Throwable e) {
    if (e instanceof StateCorruptionException c && c.stale() && c.path() != null) {
      return StateFiles.stale(c.path(), digest(c.expected()), digest(c.actual()));
    }
    if (e instanceof StateCorruptionException c && c.actual() != null) {
      return "Checksum mismatch for "
          + path(c.path())
          + ": expected "
          + digest(c.expected())
          + ", actual "
          + digest(c.actual());
    }
    String message = e.getMessage();
    // A recovery or wrapped failure may quote a mismatch's message: take its non-digest text out.
    for (Throwable t = e.getCause(); t != null && message != null; t = t.getCause()) {
      if (t instanceof StateCorruptionException c
          && c.expected() != null
          && !c.expected().isEmpty()
          && !DIGEST.matcher(c.expected()).matches()) {
        message = message.replace(c.expected(), digest(c.expected()));
      }
    }
    return message;
  }

  /** A path for messages, escaped. */
  static String path(Path p) {
    // A staged copy of an S3 location is shown as that location.
    return escape(p == null ? "null" : Remote.display(p));
  }

  private static String escaped(char c) {
    return String.format(Locale.ROOT, "\\u%04x", (int) c);
  }

  /**
   * A print writer over {@code out} that escapes every unsafe character except the line feed, so
   * that whatever a command prints (a report row, a JSON string, a message) cannot drive the
   * terminal. Line feeds pass, and flush {@code out}, so output is not held back in a buffer when
   * the JVM exits.
   */
  static PrintWriter safeWriter(PrintWriter out) {
    return new PrintWriter(new EscapingWriter(out), true);
  }

  private static final class EscapingWriter extends FilterWriter {
    EscapingWriter(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      if (c == '\n') {
        out.write(c);
        out.flush();
      } else if (unsafe(c)) {
        out.write(escaped((char) c));
      } else {
        out.write(c);
      }
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        write(cbuf[i]);
      }
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        write(str.charAt(i));
      }
    }
  }
}
