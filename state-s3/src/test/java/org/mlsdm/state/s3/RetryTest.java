package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The retry loop's classification of failures; no server needed. */
class RetryTest {

  @Test
  void uncheckedIoFromTheHttpClient_isRetriedLikeAResetConnection() throws IOException {
    // The SDK's URLConnection client lets "Premature EOF" escape as an UncheckedIOException when
    // radosgw dies mid-answer; it must be retried, not thrown past the caller's IOException
    // handling.
    AtomicInteger calls = new AtomicInteger();
    String answer =
        new Retry(3)
            .call(
                "GET k",
                () -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new UncheckedIOException(new IOException("Premature EOF"));
                  }
                  return "ok";
                });
    assertThat(answer).isEqualTo("ok");
    assertThat(calls).hasValue(2);
  }

  @Test
  void uncheckedIoThatPersists_surfacesAsTheIoExceptionAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();
    IOException cause = new IOException("Premature EOF");
    assertThatThrownBy(
            () ->
                new Retry(2)
                    .call(
                        "GET k",
                        () -> {
                          calls.incrementAndGet();
                          throw new UncheckedIOException(cause);
                        }))
        .isSameAs(cause);
    assertThat(calls).hasValue(2);
  }

  @Test
  void clientFailures_areTransient_permanentAnswersAreNot() {
    assertThat(Retry.isTransient(SdkClientException.create("connection reset"))).isTrue();
    assertThat(Retry.isTransient(new IOException("reset"))).isTrue();
    assertThat(Retry.isTransient(new Permanent("gone", null))).isFalse();
  }
}
