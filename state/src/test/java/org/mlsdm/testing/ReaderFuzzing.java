package org.mlsdm.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.io.Sha256;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.store.StateCodec;
import org.mlsdm.state.internal.store.StateStore;

/** The body every codec fuzz test shares: read both ways, then decode as a load would. */
public final class ReaderFuzzing {
  private ReaderFuzzing() {}

  /**
   * Reads {@code input} with {@code codec}'s full reader and its one-pass hashing reader (the
   * store's load path), and decodes the map as {@code SystemStates.load} does. Only {@link
   * StateLoadException} is an accepted outcome and is swallowed; anything else escapes. Where the
   * one-pass reader returns a map it must equal the full reader's, with the input's SHA-256.
   */
  public static SystemStateRecord readAndDecode(StateCodec codec, byte[] input, Path source)
      throws IOException {
    Decoded full = null;
    StateLoadException refused = null;
    try (BytesChannel ch = new BytesChannel(input)) {
      full = codec.read(ch, source.toString());
    } catch (StateLoadException e) {
      refused = e;
    }
    try (BytesChannel ch = new BytesChannel(input)) {
      StateCodec.Hashed fast = codec.readHashing(ch, true);
      if (fast != null) {
        if (refused != null) {
          throw new AssertionError(
              "the one-pass reader accepted what the full reader refuses: " + refused.getMessage());
        }
        if (!same(fast.decoded().asMap(), full.asMap())) {
          throw new AssertionError("the one-pass reader read other values than the full reader");
        }
        if (!sha256(input).equals(fast.sha256())) {
          throw new AssertionError("the one-pass reader's digest is not the input's SHA-256");
        }
      }
    } catch (StateLoadException acceptedToo) {
      // The store reports it as is: a documented outcome.
    }
    if (refused != null) {
      return null;
    }
    try {
      return StateStore.decode(full, source, LoadOptions.defaults()).record();
    } catch (StateLoadException expected) {
      return null;
    }
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      if (!new ArrayList<>(ma.keySet()).equals(new ArrayList<>(mb.keySet()))) {
        return false;
      }
      for (Object k : ma.keySet()) {
        if (!same(ma.get(k), mb.get(k))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      if (la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!same(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof double[] da && b instanceof double[] db) {
      return Arrays.equals(da, db);
    }
    if (a instanceof long[] la && b instanceof long[] lb) {
      return Arrays.equals(la, lb);
    }
    if (a instanceof double[][] da && b instanceof double[][] db) {
      return Arrays.deepEquals(da, db);
    }
    return Objects.equals(a, b) && (a == null || a.getClass() == b.getClass());
  }

  private static String sha256(byte[] input) {
    MessageDigest md = Sha256.newDigest();
    return HexFormat.of().formatHex(md.digest(input));
  }
}
