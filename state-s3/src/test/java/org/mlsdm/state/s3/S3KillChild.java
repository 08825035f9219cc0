package org.mlsdm.state.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.OptionalLong;

/**
 * The writer {@link S3KillTest} kills: saves {@code size} seeded bytes to the state and, at step
 * {@code step} of the save, prints {@code AT <step>} and waits to be killed.
 *
 * <p>Arguments: endpoint, state URI, step name, size, seed.
 */
final class S3KillChild {
  private S3KillChild() {}

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    URI state = URI.create(args[1]);
    S3StateStorage.Step stop = S3StateStorage.Step.valueOf(args[2]);
    int size = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    try (S3StorageProvider p =
        new S3StorageProvider(
            S3Testing.config(endpoint).partSize(S3StorageConfig.MIN_PART_SIZE).build())) {
      S3StateStorage s = p.open(state);
      s.setHooks(
          step -> {
            if (step == stop) {
              System.out.println("AT " + step);
              System.out.flush();
              sleepForever();
            }
          });
      byte[] bytes = S3Testing.randomBytes(seed, size);
      try (S3StateStorage.S3Write w = s.begin()) {
        OutputStream out = w.out();
        out.write(bytes);
        w.commit(S3Testing.sha256(bytes), OptionalLong.empty());
      }
      System.out.println("DONE");
    }
  }

  private static void sleepForever() throws IOException {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
