package org.mlsdm.state.internal.io;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a checksum file. The store writes the bare digest (64 lowercase hex digits); it also
 * reads the one-line form of {@code sha256sum} ({@code <hex> <name>} in text mode, {@code <hex>
 * *<name>} in binary mode), so that a checksum written by that tool is not taken for corruption.
 *
 * <pre>
 * accepted (one line, optional final newline or CRLF, surrounding spaces ignored, hex in any case)
 *   HEX
 *   HEX  NAME           NAME: the state file's name, optionally after a directory ("./", "dir/")
 *   HEX *NAME
 * refused (not a digest: the checksum then matches no file)
 *   anything longer than 256 bytes, a second line, a NAME of another file, sha256sum's escaped
 *   form (a leading backslash), any other text
 * </pre>
 *
 * A line naming another file is refused rather than ignored: {@code sha256sum *.json > x.checksum}
 * style files would otherwise vouch for whichever file happened to be listed first.
 */
public final class ChecksumText {
  /** The longest checksum file read; anything longer is not a digest. */
  public static final int MAX_BYTES = 256;

  private static final Pattern LINE =
      Pattern.compile("([0-9a-fA-F]{64})(?: {2}| \\*)([^\\n\\r]+)\\r?\\n?");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private ChecksumText() {}

  /**
   * The digest a checksum file's bytes state for the state file named {@code stateName}.
   *
   * @param raw the file's first bytes, at most {@link #MAX_BYTES} + 1 of them
   * @param stateName the state file's name (without directory)
   * @return the lowercase hex digest, or null when the bytes state none for that file
   */
  public static String parse(byte[] raw, String stateName) {
    if (raw.length > MAX_BYTES) {
      return null;
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1).stripLeading();
    String bare = text.stripTrailing();
    if (HEX.matcher(bare).matches()) {
      return bare.toLowerCase(Locale.ROOT);
    }
    Matcher m = LINE.matcher(text);
    if (!m.matches() || !namesState(m.group(2), stateName)) {
      return null;
    }
    return m.group(1).toLowerCase(Locale.ROOT);
  }

  private static boolean namesState(String name, String stateName) {
    int slash = name.lastIndexOf('/');
    return name.substring(slash + 1).equals(stateName);
  }
}
