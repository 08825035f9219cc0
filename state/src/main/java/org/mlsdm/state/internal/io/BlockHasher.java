package org.mlsdm.state.internal.io;

import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * SHA-256 of a stream of blocks, computed in order on a {@link Workers} thread while the caller
 * fills the next blocks (a save serializing, a load parsing). The blocks come from a ring of {@code
 * ring} buffers; {@link #next} hands out the next one once its previous contents are hashed, so the
 * lag, and the memory, are bounded by the ring.
 */
public final class BlockHasher {
  private final MessageDigest digest = Sha256.newDigest();
  private final int blockSize;
  private final byte[][] blocks;
  private final CompletableFuture<?>[] hashed;
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
  private int current = -1;
  private final Workers workers;

  /** A hasher of {@code ring} buffers of {@code blockSize} bytes each, on the shared workers. */
  public BlockHasher(int blockSize, int ring) {
    this(blockSize, ring, Workers.shared());
  }

  /** A hasher of {@code ring} buffers of {@code blockSize} bytes each, on {@code workers}. */
  public BlockHasher(int blockSize, int ring, Workers workers) {
    this.workers = workers;
    this.blockSize = blockSize;
    this.blocks = new byte[ring][];
    this.hashed = new CompletableFuture<?>[ring];
  }

  /** The next block to fill, free to overwrite. */
  public byte[] next() {
    current = (current + 1) % blocks.length;
    if (hashed[current] != null) {
      hashed[current].join();
    } else {
      blocks[current] = new byte[blockSize];
    }
    return blocks[current];
  }

  /** Hashes the first {@code n} bytes of the block last returned by {@link #next}. */
  public void hash(int n) {
    byte[] block = blocks[current];
    tail = tail.thenRunAsync(() -> digest.update(block, 0, n), workers);
    hashed[current] = tail;
  }

  /** The lowercase hex digest of everything hashed, once the last block is. */
  public CompletableFuture<String> digest() {
    return tail.thenApply(done -> Sha256.hex(digest.digest()));
  }
}
