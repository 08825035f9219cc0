package org.mlsdm.state.s3;

import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns the answers that are facts about objects into {@link Permanent} exceptions. */
final class S3Errors {
  private S3Errors() {}

  /**
   * Runs a read of {@code key}; a 404 becomes a {@link Permanent} naming the key and what named it
   * ({@code "manifest KEY"}), or null.
   */
  static <T> T get(Supplier<T> read, String key, String namedBy) throws Permanent {
    try {
      return read.get();
    } catch (SdkException e) {
      if (Retry.status(e) == 404) {
        throw new Permanent(
            (namedBy == null
                    ? "object " + key + " is missing (pruned or deleted meanwhile?)"
                    : "data object " + key + " named by " + namedBy + " is missing")
                + ": HTTP 404 "
                + Retry.code(e),
            e);
      }
      throw e;
    }
  }

  /** Runs a removal for which "already gone" (404) is success. */
  static <T> T ignoreMissing(Supplier<T> removal) {
    try {
      return removal.get();
    } catch (SdkException e) {
      if (Retry.status(e) == 404) {
        return null;
      }
      throw e;
    }
  }
}
