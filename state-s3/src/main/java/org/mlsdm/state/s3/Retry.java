package org.mlsdm.state.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Runs one S3 request with capped exponential backoff and full jitter. Transient: any 5xx, 429, a
 * 409 other than a conditional-write conflict, and client-side failures (timeouts, refused or reset
 * connections). Everything else is final and surfaces at once.
 */
final class Retry {
  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);
  private static final long BASE_MILLIS = 100;
  private static final long CAP_MILLIS = 2_000;

  private final int maxAttempts;

  Retry(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /** An S3 call; SDK exceptions are unchecked, I/O on returned streams is not. */
  interface Call<T> {
    T run() throws IOException;
  }

  /** Status of a service answer, or 0 when the request got no answer. */
  static int status(SdkException e) {
    return e instanceof AwsServiceException s ? s.statusCode() : 0;
  }

  static String code(SdkException e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      String c = s.awsErrorDetails().errorCode();
      return c == null ? "" : c;
    }
    return "";
  }

  /** Whether a conditional write lost (412), or S3's 409 for a concurrent conditional write. */
  static boolean isConditionFailure(SdkException e) {
    int s = status(e);
    return s == 412 || (s == 409 && "ConditionalRequestConflict".equals(code(e)));
  }

  static boolean isTransient(Throwable e) {
    if (e instanceof AbortedException) {
      return false;
    }
    if (e instanceof S3Exception || e instanceof AwsServiceException) {
      SdkException s = (SdkException) e;
      int status = status(s);
      return status >= 500 || status == 429 || (status == 409 && !isConditionFailure(s));
    }
    return e instanceof SdkClientException
        || (e instanceof IOException
            && !(e instanceof InterruptedIOException)
            && !(e instanceof Permanent));
  }

  <T> T call(String what, Call<T> call) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return unchecked(call);
      } catch (SdkException | IOException e) {
        if (!isTransient(e) || attempt >= maxAttempts) {
          throw e instanceof IOException io ? io : wrap(what, (SdkException) e, attempt);
        }
        LOG.debug("{} failed (attempt {}), retrying: {}", what, attempt, e.toString());
        sleep(attempt);
      }
    }
  }

  /**
   * Runs {@code call}, giving back the {@link IOException} inside an {@link UncheckedIOException}:
   * the SDK's URLConnection client lets a connection that dies mid-answer ("Premature EOF") escape
   * that way, unwrapped by the SDK, and it is as transient as any other reset connection.
   */
  static <T> T unchecked(Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  static void sleep(int attempt) throws InterruptedIOException {
    long ceiling = Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(attempt - 1, 20));
    long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
  }

  static IOException wrap(String what, SdkException e, int attempts) {
    int status = status(e);
    String answer =
        status == 0 ? "no answer (" + e.getMessage() + ")" : "HTTP " + status + " " + code(e);
    return new IOException(what + " failed after " + attempts + " attempt(s): " + answer, e);
  }
}
