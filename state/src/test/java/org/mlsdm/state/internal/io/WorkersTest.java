package org.mlsdm.state.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The workers are an injectable component: hashing runs on the ones given. */
class WorkersTest {
  @Test
  void blockHasher_runsOnTheGivenWorkers_andHashesLikeSha256() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "test-worker");
              t.setDaemon(true);
              return t;
            });
    try {
      Workers counting =
          new Workers() {
            @Override
            public <T> Future<T> submit(Callable<T> task) {
              tasks.incrementAndGet();
              return pool.submit(task);
            }

            @Override
            public void execute(Runnable command) {
              tasks.incrementAndGet();
              pool.execute(command);
            }
          };
      byte[] data = new byte[10_000];
      new Random(1).nextBytes(data);
      BlockHasher h = new BlockHasher(1024, 4, counting);
      int off = 0;
      while (off < data.length) {
        byte[] block = h.next();
        int n = Math.min(block.length, data.length - off);
        System.arraycopy(data, off, block, 0, n);
        h.hash(n);
        off += n;
      }

      assertThat(h.digest().join()).isEqualTo(Sha256.hex(Sha256.newDigest().digest(data)));
      assertThat(tasks.get()).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shared_threadsAreDaemons() throws Exception {
    Thread t = Workers.await(Workers.shared().submit(Thread::currentThread));
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).isEqualTo("mlsdm-state-worker");
  }

  @Test
  void sha256_ofStreamAndChannelAgree() throws Exception {
    byte[] text = "abc".getBytes(StandardCharsets.US_ASCII);
    String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertThat(Sha256.of(new java.io.ByteArrayInputStream(text))).isEqualTo(expected);
    assertThat(Sha256.isDigest(expected)).isTrue();
    assertThat(Sha256.isDigest(expected.toUpperCase(java.util.Locale.ROOT))).isFalse();
  }
}
