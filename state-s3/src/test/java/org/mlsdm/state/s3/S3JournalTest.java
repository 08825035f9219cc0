package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mlsdm.state.s3.ceph.CephCluster;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.Journal;

/** The journal as delta objects: durability at sync, prefixes under truncation, racing writers. */
@ExtendWith(CephCluster.class)
class S3JournalTest {
  private static String bucket;
  private static S3StorageProvider provider;

  @BeforeAll
  static void setUp() {
    try (var raw = S3Testing.rawClient()) {
      bucket = S3Testing.newBucket(raw, "journal");
    }
    provider = new S3StorageProvider(S3Testing.config().build());
  }

  @AfterAll
  static void tearDown() {
    if (provider != null) {
      provider.close();
    }
  }

  /** A fresh storage instance, as another process would open it. */
  private static Journal journal(String name) throws IOException {
    return provider.open(URI.create("s3://" + bucket + "/" + name + ".json")).journal();
  }

  private static void append(Journal j, String s) throws IOException {
    j.append(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
  }

  private static String readAll(Journal j) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SeekableByteChannel ch = j.read()) {
      ByteBuffer buf = ByteBuffer.allocate(3);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void appends_becomeVisibleToOthersAtSync() throws IOException {
    Journal writer = journal("visible");
    append(writer, "abc");
    append(writer, "de");
    assertThat(writer.size()).isEqualTo(5);
    assertThat(readAll(writer)).isEqualTo("abcde");
    assertThat(journal("visible").size()).isZero();
    writer.sync();
    append(writer, "fgh");
    writer.sync();
    Journal reader = journal("visible");
    assertThat(reader.size()).isEqualTo(8);
    assertThat(readAll(reader)).isEqualTo("abcdefgh");
  }

  @Test
  void truncate_cutsInsideASegment_andToZero() throws IOException {
    Journal j = journal("truncate");
    for (String s : new String[] {"abc", "defgh", "ij"}) {
      append(j, s);
      j.sync();
    }
    append(j, "unsynced");
    j.truncate(5);
    assertThat(readAll(journal("truncate"))).isEqualTo("abcde");
    assertThat(j.size()).isEqualTo(5);
    assertThatThrownBy(() -> j.truncate(6)).isInstanceOf(IllegalArgumentException.class);
    j.truncate(0);
    assertThat(journal("truncate").size()).isZero();
    append(j, "new");
    j.sync();
    assertThat(readAll(journal("truncate"))).isEqualTo("new");
  }

  @Test
  void racingWriters_everyAcknowledgedSyncIsInTheJournal_wholeAndOnce() throws Exception {
    int writers = 8;
    int rounds = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier barrier = new CyclicBarrier(writers);
    ConcurrentHashMap<String, Boolean> acked = new ConcurrentHashMap<>();
    AtomicInteger conflicts = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        Journal j = journal("race");
        done.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < rounds; r++) {
                    String frame = "[w" + writer + "r" + r + "]";
                    barrier.await();
                    append(j, frame);
                    try {
                      j.sync();
                      acked.put(frame, true);
                    } catch (ConcurrentUpdateException e) {
                      conflicts.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    String all = readAll(journal("race"));
    List<String> frames = new ArrayList<>();
    for (String f : all.split("(?<=\\])")) {
      if (!f.isEmpty()) {
        frames.add(f);
      }
    }
    assertThat(frames).doesNotHaveDuplicates();
    assertThat(frames).containsExactlyInAnyOrderElementsOf(acked.keySet());
    assertThat(acked.size() + conflicts.get()).isEqualTo(writers * rounds);
    System.out.printf(
        "S3JournalTest race: %d writers x %d syncs, %d acknowledged (all in the journal, once),"
            + " %d ConcurrentUpdateExceptions%n",
        writers, rounds, acked.size(), conflicts.get());
  }
}
