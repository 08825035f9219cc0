package org.mlsdm.state.s3;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A GET of a data object sent before the listing has confirmed that the object is the one a load
 * will read: the data object of the generation this storage instance last wrote or read, sent on a
 * background thread while the caller lists the manifests. When the listing names that generation as
 * the newest (a process that saves and loads, or loads again while nothing changed), the response
 * is already arriving when the load starts reading; otherwise it is aborted.
 *
 * <p>Nothing here decides what is read: the listing still chooses the generation, and the bytes
 * handed over are those of that generation's immutable data object, checked against its manifest by
 * {@link RangedChannel} like any other response. A prefetch that fails is simply not used (the
 * channel then sends its own GET, with retries), so its errors never reach the caller.
 *
 * <p>A response nobody claims is aborted: by {@link #abandon()} when it has arrived, else by the
 * background thread as soon as it arrives. So no connection is left open by a load that did not
 * read, or that read elsewhere first (an NPZ reader starting at the archive's tail).
 */
final class Prefetch {
  private final String key;
  private final long from;
  private final CompletableFuture<ResponseInputStream<GetObjectResponse>> response;
  private boolean done;

  private Prefetch(S3Client s3, String bucket, String key, long from) {
    this.key = key;
    this.from = from;
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(bucket).key(key).range("bytes=" + from + "-").build();
    this.response = CompletableFuture.supplyAsync(() -> s3.getObject(request), S3StateStorage.IO);
  }

  /**
   * Sends the GET of {@code key} from byte {@code from} in the background.
   *
   * @param s3 the client
   * @param bucket the bucket
   * @param key the data object
   * @param from the first byte wanted
   * @return the prefetch, to claim or abandon
   */
  static Prefetch start(S3Client s3, String bucket, String key, long from) {
    return new Prefetch(s3, bucket, key, from);
  }

  /** The data object it reads. */
  String key() {
    return key;
  }

  /** The first byte of its range. */
  long from() {
    return from;
  }

  /**
   * Takes the response over, waiting for it to arrive. Null when it failed, was already claimed or
   * abandoned, or the wait was interrupted (the interrupt status is kept): the caller then sends
   * its own GET.
   *
   * @return the response, the caller's to read and close; or null
   */
  ResponseInputStream<GetObjectResponse> claim() {
    synchronized (this) {
      if (done) {
        return null;
      }
    }
    ResponseInputStream<GetObjectResponse> r;
    try {
      r = response.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon();
      return null;
    } catch (ExecutionException e) {
      abandon();
      return null;
    }
    synchronized (this) {
      if (done) {
        // Abandoned meanwhile: abandon() aborts it.
        return null;
      }
      done = true;
      return r;
    }
  }

  /** Gives the response up: aborted now if it arrived, else by its thread when it arrives. */
  void abandon() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
    }
    // Runs now if the response is there, else on the thread that receives it; a failed GET has
    // nothing to abort.
    var unused = response.thenAccept(ResponseInputStream::abort);
  }
}
