package org.mlsdm.state.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.mlsdm.state.s3.Manifests.ManifestException;
import org.mlsdm.state.spi.ConcurrentUpdateException;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StoredVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One state in an S3 bucket, stored as numbered generations: immutable data objects under unique
 * keys, and one small manifest per generation that commits it. Works with any server that answers
 * {@code If-None-Match: *} on PUT with 412 when the key exists (AWS S3 since 2024, Ceph RGW).
 *
 * <h2>Objects</h2>
 *
 * For {@code s3://BUCKET/KEY} with key prefix {@code P}:
 *
 * <pre>
 * P KEY/data/&lt;UTC time&gt;-&lt;32 random hex&gt;   the bytes of one write, or one checkpoint's delta;
 *                                             never overwritten
 * P KEY/manifests/&lt;20-digit generation&gt;.json  commits that generation (see {@link Manifests})
 * </pre>
 *
 * A checkpoint (see {@link S3Journal}) publishes a generation that names the same data object as
 * the one it extends and one more delta object; a compaction is a save.
 *
 * <h2>One save, step by step</h2>
 *
 * <pre>
 * step                                        a crash after this step leaves / readers see
 * 1 bytes stream into a PUT (≤ one part) or   an orphaned upload or object; gc removes it after
 *   a multipart upload, Content-MD5 on each   the grace period → the previous generation
 * 2 the data object is complete               an unreferenced data object → previous generation
 * 3 list manifests after the expected (or     nothing new
 *   last known) generation: h = the newest;
 *   with an expected generation g, h ≠ g is
 *   a ConcurrentUpdateException
 * 4 PUT manifests/(h+1) with If-None-Match: * the new generation, whole: its manifest names a
 *   (the commit)                              complete object with its size and SHA-256
 * 5 prune generations beyond the retention    a few superseded generations remain until the
 *   (the rule below)                          next commit or gc prunes them
 * </pre>
 *
 * A 412 in step 4 means another writer took h+1: with an expected generation the save fails with
 * {@link ConcurrentUpdateException}; without one, steps 3–4 repeat with the new newest generation,
 * so every writer gets a generation of its own and no acknowledged save is lost. A 412 whose slot
 * holds this write's own manifest (a retried PUT whose first attempt landed) is a success. A 409 on
 * step 4 with the slot still empty is retried. The newest generation is the highest manifest;
 * readers never see a partial one, because a manifest is created only after its data is complete.
 *
 * <h2>Retention and pruning</h2>
 *
 * After each commit, and in {@link #gc()}, a generation g is pruned (its manifest deleted, then its
 * data object) only when both hold: g is not among the newest {@code retention} generations, and
 * the generation after g was created more than the grace period ago (server time); of the objects g
 * names, only those no retained generation names are deleted with it. A reader that picked g while
 * it was the newest thus has the whole grace period to read it; a reader of an older generation
 * that loses that race gets an {@link IOException} naming the vanished key, never wrong bytes.
 *
 * <h2>Timing rule</h2>
 *
 * A write must create its manifest within half the grace period of sending its first data byte;
 * otherwise it fails cleanly and publishes nothing. This is what lets {@link #gc()} delete
 * unreferenced data objects and uploads older than the grace period without racing live writers,
 * and what keeps a pruned manifest slot from being reused by a writer that listed long ago.
 *
 * <h2>Retries</h2>
 *
 * Every request is retried with capped exponential backoff and jitter on 5xx, 429, a 409 that is
 * not a conditional-write conflict, timeouts and broken connections ({@code maxAttempts} per
 * request). Quirks of servers are handled by what they answer, never by which server it is.
 */
public final class S3StateStorage implements StateStorage {
  static final Logger LOG = LoggerFactory.getLogger(S3StateStorage.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter DATA_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The steps of a save a test can stop at (the kill tests). */
  enum Step {
    DATA_STARTED,
    PART_UPLOADED,
    DATA_UPLOADED,
    MANIFEST_CREATED
  }

  /** Called at each {@link Step}; a test seam. */
  interface Hooks {
    void at(Step step) throws IOException;
  }

  /** Stands for a manifest of another writer that was not read. */
  private static final Generation OTHER_WRITER =
      new Generation(1, 0, "", 0, "", Instant.EPOCH, "another writer", OptionalLong.empty(), true);

  /** What the ZIP reader reads first: the end record and the longest archive comment. */
  private static final int ZIP_TAIL = 22 + 0xFFFF;

  /**
   * Background I/O: the part in flight of each write, a commit's early listing, a load's early GET.
   */
  static final ExecutorService IO =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "mlsdm-s3-io");
            t.setDaemon(true);
            return t;
          });

  private final S3Client s3;
  private final S3StorageConfig config;
  private final S3Location loc;
  private final Retry retry;
  private final AtomicLong knownHighest = new AtomicLong();
  // Pruning bookkeeping from the last full listing: the lowest generation left (-1: unknown), and
  // the System.nanoTime() before which no generation beyond the retention leaves its grace.
  private volatile long knownLowest = -1;
  private volatile long nextPruneNanos;
  // The manifest last published or read as the newest, with its ETag (see known()).
  private volatile Known lastKnown;
  private volatile Hooks hooks = step -> {};
  private final java.util.Map<Listed, Generation> manifestCache =
      new java.util.concurrent.ConcurrentHashMap<>();

  S3StateStorage(S3Client s3, S3StorageConfig config, S3Location loc) {
    this.s3 = s3;
    this.config = config;
    this.loc = loc;
    this.retry = new Retry(config.maxAttempts());
  }

  void setHooks(Hooks hooks) {
    this.hooks = hooks;
  }

  void hook(Step step) throws IOException {
    hooks.at(step);
  }

  S3Location location() {
    return loc;
  }

  @Override
  public String describe() {
    return loc.describe();
  }

  @Override
  public String name() {
    return loc.name();
  }

  // ---- reading ---------------------------------------------------------------------------

  /** A manifest key as listed; {@code eTag} is null when the server gave none. */
  record Listed(long generation, String key, Instant lastModified, long size, String eTag) {}

  /** A listing and the server's clock at the time. */
  record Listing(List<Listed> manifests, Instant serverNow) {}

  /** Manifests above {@code after} (all when negative), ascending. */
  Listing listManifests(long after) throws IOException {
    List<Listed> out = new ArrayList<>();
    String token = null;
    Instant now = null;
    do {
      ListObjectsV2Request.Builder b =
          ListObjectsV2Request.builder().bucket(loc.bucket).prefix(loc.manifestsPrefix());
      if (token != null) {
        b.continuationToken(token);
      } else if (after >= 0) {
        b.startAfter(loc.manifestKey(after));
      }
      ListObjectsV2Request req = b.build();
      ListObjectsV2Response r =
          retry.call("LIST " + loc.manifestsPrefix(), () -> s3.listObjectsV2(req));
      if (now == null) {
        now = serverDate(r.sdkHttpResponse());
      }
      for (S3Object o : r.contents()) {
        long g = loc.generationOf(o.key());
        if (g > after) {
          out.add(
              new Listed(g, o.key(), o.lastModified(), o.size() == null ? 0 : o.size(), o.eTag()));
        }
      }
      token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
    } while (token != null);
    out.sort((x, y) -> Long.compare(x.generation(), y.generation()));
    if (!out.isEmpty()) {
      knownHighest.accumulateAndGet(out.get(out.size() - 1).generation(), Math::max);
    }
    return new Listing(out, now);
  }

  private static Instant serverDate(SdkHttpResponse response) {
    return response
        .firstMatchingHeader("Date")
        .map(
            d -> {
              try {
                return ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
              } catch (RuntimeException e) {
                return null;
              }
            })
        .orElseGet(Instant::now);
  }

  /**
   * Reads and checks one manifest, refusing one larger than {@link Manifests#MAX_BYTES} unread.
   *
   * @throws ManifestException if it is not a manifest this store would write
   * @throws Permanent if it vanished (pruned or deleted meanwhile)
   */
  Generation readManifest(long generation) throws IOException {
    String key = loc.manifestKey(generation);
    byte[] bytes;
    try {
      bytes = readManifestBytes(key).bytes();
    } catch (EmptyManifest e) {
      throw new ManifestException(e.getMessage(), e.getCause());
    }
    return Manifests.decode(bytes, key, generation, loc);
  }

  /** A manifest as published or read, and the ETag the server gave it. */
  private record Known(Generation generation, String eTag) {}

  /** A manifest's bytes as read, and the ETag the server sent with them (null when none). */
  private record ManifestBytes(byte[] bytes, String eTag) {}

  private ManifestBytes readManifestBytes(String key) throws IOException {
    return retry.call(
        "GET " + key,
        () -> {
          try (ResponseInputStream<GetObjectResponse> in =
              S3Errors.get(
                  () -> {
                    try {
                      return s3.getObject(
                          GetObjectRequest.builder()
                              .bucket(loc.bucket)
                              .key(key)
                              .range("bytes=0-" + Manifests.MAX_BYTES)
                              .build());
                    } catch (SdkException e) {
                      if (Retry.status(e) == 416) {
                        // No byte satisfies the range: the object is empty.
                        throw new EmptyManifest(key, e);
                      }
                      throw e;
                    }
                  },
                  key,
                  null)) {
            Long total = totalLength(in.response());
            if (total != null && total > Manifests.MAX_BYTES) {
              in.abort();
              throw new ManifestException(
                  "manifest " + key + " has " + total + " bytes, more than " + Manifests.MAX_BYTES);
            }
            byte[] b = in.readNBytes(Manifests.MAX_BYTES + 1);
            if (b.length > Manifests.MAX_BYTES) {
              in.abort();
            }
            return new ManifestBytes(b, in.response().eTag());
          }
        });
  }

  /** Carries a 416 for an empty manifest out of the SDK call, to become a ManifestException. */
  private static final class EmptyManifest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EmptyManifest(String key, Throwable cause) {
      super("manifest " + key + " is empty", cause);
    }
  }

  private static Long totalLength(GetObjectResponse r) {
    String range = r.contentRange();
    if (range != null && range.lastIndexOf('/') >= 0 && !range.endsWith("*")) {
      try {
        return Long.parseLong(range.substring(range.lastIndexOf('/') + 1).trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return r.contentLength();
  }

  /**
   * Every readable generation, newest first, deletion markers included; manifests that are not
   * valid are left out (and logged).
   *
   * @return the generations, newest first
   * @throws IOException if the bucket cannot be listed or a manifest cannot be read
   */
  public List<Generation> generations() throws IOException {
    List<Listed> all = listManifests(-1).manifests();
    List<Generation> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        out.add(readManifest(all.get(i).generation()));
      } catch (Permanent e) {
        LOG.warn(
            "Skipping generation {} of {}: {}",
            all.get(i).generation(),
            describe(),
            e.getMessage());
      }
    }
    return out;
  }

  /**
   * The newest generation: the highest manifest. Empty when there is none or it is a deletion
   * marker.
   *
   * @throws IOException naming the manifest when the highest one is not valid ({@code recover},
   *     through {@link #candidates()}, then falls back to older generations)
   */
  Optional<StoredVersion> current() throws IOException {
    List<Listed> all = listManifests(-1).manifests();
    if (all.isEmpty()) {
      return Optional.empty();
    }
    Listed newest = all.get(all.size() - 1);
    Generation g = known(newest);
    if (g == null) {
      ManifestBytes read;
      try {
        read = readManifestBytes(newest.key());
      } catch (EmptyManifest e) {
        throw new ManifestException(e.getMessage(), e.getCause());
      }
      g = Manifests.decode(read.bytes(), newest.key(), newest.generation(), loc);
      remember(g, read.eTag());
    }
    return g.deleted() ? Optional.empty() : Optional.of(version(g, StoredVersion.Kind.CURRENT));
  }

  /**
   * The manifest this instance last wrote or read as the newest, when it is the very object the
   * listing names as the newest now: the same generation and the same ETag. Else null, and the
   * caller reads the manifest after the listing.
   *
   * <p>Why this keeps "a reader sees the newest complete generation": the listing stays the only
   * authority on which generation is newest; this only saves reading that manifest again (a round
   * trip per load). A manifest is created once ({@code If-None-Match: *}) and never rewritten; its
   * key is reused only after a delete removed it, and a manifest created there again has other
   * bytes (its creation time and random data key), hence another ETag. So the remembered bytes are
   * those a GET after the listing would return.
   */
  private Generation known(Listed newest) {
    Known k = lastKnown;
    if (k == null
        || k.generation().generation() != newest.generation()
        || newest.eTag() == null
        || !unquoted(k.eTag()).equals(unquoted(newest.eTag()))) {
      return null;
    }
    return k.generation();
  }

  private void remember(Generation g, String eTag) {
    lastKnown = eTag == null ? null : new Known(g, eTag);
  }

  private static String unquoted(String eTag) {
    return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
        ? eTag.substring(1, eTag.length() - 1)
        : eTag;
  }

  /** The newest valid generation below the current one (or below a deletion marker). */
  Optional<StoredVersion> backup() throws IOException {
    return candidates().stream().filter(v -> v.kind() == StoredVersion.Kind.BACKUP).findFirst();
  }

  /**
   * Every valid, non-deleted generation, newest first: the highest manifest as {@code CURRENT}
   * (when valid), the next as {@code BACKUP}, the rest as {@code GENERATION}.
   */
  List<StoredVersion> candidates() throws IOException {
    List<Listed> all = listManifests(-1).manifests();
    List<StoredVersion> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      Generation g;
      try {
        g = readManifest(all.get(i).generation());
      } catch (Permanent e) {
        LOG.warn("Recovery skips {}: {}", all.get(i).key(), e.getMessage());
        continue;
      }
      if (g.deleted()) {
        continue;
      }
      StoredVersion.Kind kind;
      if (i == all.size() - 1) {
        kind = StoredVersion.Kind.CURRENT;
      } else if (out.stream().noneMatch(v -> v.kind() == StoredVersion.Kind.BACKUP)) {
        kind = StoredVersion.Kind.BACKUP;
      } else {
        kind = StoredVersion.Kind.GENERATION;
      }
      out.add(version(g, kind));
    }
    return out;
  }

  private S3Version version(Generation g, StoredVersion.Kind kind) {
    return new S3Version(this, g, kind);
  }

  /**
   * Opens a generation's data object without the hash check at the end of a sequential read, for
   * tools that compare the bytes with {@link Generation#sha256()} themselves (a verify command that
   * must report a mismatch rather than fail on it). Its size is still bounded by the manifest.
   *
   * @param g a generation of this state (from {@link #generations()}), not a deletion marker
   * @return a read-only channel over the generation's bytes
   * @throws IllegalArgumentException if {@code g} is a deletion marker
   */
  public SeekableByteChannel openUnverified(Generation g) {
    return openUnverified(g, null);
  }

  SeekableByteChannel openUnverified(Generation g, Prefetch prefetch) {
    if (g.deleted()) {
      throw new IllegalArgumentException("generation " + g.generation() + " is a deletion marker");
    }
    return channel(g, null, prefetch);
  }

  SeekableByteChannel open(Generation g, Prefetch prefetch) {
    return channel(g, g.sha256(), prefetch);
  }

  private RangedChannel channel(Generation g, String sha256, Prefetch prefetch) {
    RangedChannel ch =
        new RangedChannel(
            s3,
            retry,
            loc.bucket,
            g.dataKey(),
            "manifest " + loc.manifestKey(g.generation()),
            g.size(),
            sha256);
    return prefetch == null ? ch : ch.withPrefetch(prefetch);
  }

  /**
   * Where a load of this state's data object starts reading: at 0 for JSON (one sequential read),
   * at the archive's tail for NPZ (the ZIP reader looks for its end record first).
   */
  private long firstRead(long size) {
    return loc.key.toLowerCase(java.util.Locale.ROOT).endsWith(".npz")
        ? Math.max(0, size - ZIP_TAIL)
        : 0;
  }

  /**
   * A view over the manifests as listed when it is asked: nothing is held, and what it returns is
   * immutable once published, so it is always {@linkplain ReadView#stable() stable}.
   *
   * @return the view
   */
  @Override
  public ReadView read() {
    return new ReadView() {
      private Prefetch prefetch;

      /**
       * The newest generation, as {@link S3StateStorage#current()} finds it. When this instance
       * knows a manifest, the GET of its data object goes out beside the listing and is handed to
       * the version's channel when the listing names that manifest as the newest ({@link
       * Prefetch}); it is aborted otherwise, and at the latest when this view closes.
       */
      @Override
      public Optional<StoredVersion> current() throws IOException {
        Known k = lastKnown;
        // An empty state has no data object to fetch.
        Prefetch p =
            k == null || k.generation().deleted() || k.generation().size() == 0
                ? null
                : Prefetch.start(
                    s3, loc.bucket, k.generation().dataKey(), firstRead(k.generation().size()));
        Optional<StoredVersion> v;
        try {
          v = S3StateStorage.this.current();
        } catch (IOException | RuntimeException | Error e) {
          if (p != null) {
            p.abandon();
          }
          throw e;
        }
        if (p == null) {
          return v;
        }
        if (v.isPresent() && v.get() instanceof S3Version s && s.id().equals(p.key())) {
          if (prefetch != null) {
            prefetch.abandon();
          }
          prefetch = p;
          return Optional.of(s.withPrefetch(p));
        }
        p.abandon();
        return v;
      }

      @Override
      public Optional<StoredVersion> backup() throws IOException {
        return S3StateStorage.this.backup();
      }

      @Override
      public boolean stable() {
        return true;
      }

      @Override
      public void close() {
        if (prefetch != null) {
          prefetch.abandon();
          prefetch = null;
        }
      }
    };
  }

  /**
   * A writer's session. Writers are not excluded (commits are optimistic: one manifest per
   * generation, created with {@code If-None-Match: *}); {@link WriteSession#cleanUp()} is {@link
   * #gc()}, {@link WriteSession#delete(boolean)} publishes a deletion marker (or removes every
   * generation when the backup goes too).
   *
   * @return the session
   */
  @Override
  public WriteSession write() {
    return new WriteSession() {
      @Override
      public Write begin() {
        return S3StateStorage.this.begin();
      }

      @Override
      public List<StoredVersion> candidates() throws IOException {
        return S3StateStorage.this.candidates();
      }

      @Override
      public Optional<String> restore(StoredVersion source) throws IOException {
        return S3StateStorage.this.restore(source);
      }

      @Override
      public void cleanUp() throws IOException {
        gc();
      }

      @Override
      public void delete(boolean includeBackup) throws IOException {
        S3StateStorage.this.delete(includeBackup);
      }

      @Override
      public void close() {}
    };
  }

  // ---- writing ---------------------------------------------------------------------------

  /** Starts a write; its bytes stream to a new data object, invisible until the commit. */
  S3Write begin() {
    return new S3Write(new Upload(s3, retry, this, loc.bucket, newDataKey(), config.partSize()));
  }

  private String newDataKey() {
    byte[] r = new byte[16];
    RANDOM.nextBytes(r);
    return loc.dataPrefix() + DATA_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(r);
  }

  final class S3Write implements Write {
    private final Upload upload;
    private boolean committed;
    private boolean closed;

    S3Write(Upload upload) {
      this.upload = upload;
    }

    @Override
    public OutputStream out() {
      return upload;
    }

    /**
     * Publishes the written bytes as a new generation. {@code keepBackup} is implied: the previous
     * generation stays under the retention rule.
     */
    @Override
    public Published commit(boolean keepBackup, OptionalLong expectedGeneration)
        throws IOException {
      return commit(null, expectedGeneration);
    }

    /**
     * Publishes the written bytes, checking them against {@code sha256} first when it is not null
     * (a mismatch publishes nothing).
     */
    Published commit(String sha256, OptionalLong expectedGeneration) throws IOException {
      if (committed || closed) {
        throw new IllegalStateException("write to " + describe() + " already committed or closed");
      }
      // The listing that finds the next generation goes out while the last bytes do.
      long listed = System.nanoTime();
      long after = listAfter(expectedGeneration);
      Future<Listing> early = IO.submit(() -> listManifests(after));
      String actual;
      try {
        actual = upload.finish();
      } catch (IOException | RuntimeException e) {
        early.cancel(true);
        throw e;
      }
      if (sha256 != null && !actual.equals(sha256)) {
        upload.abandon();
        throw new IOException(
            "commit of "
                + describe()
                + ": the SHA-256 given ("
                + sha256
                + ") is not that of the bytes written ("
                + actual
                + "); nothing published");
      }
      hook(Step.DATA_UPLOADED);
      long g;
      try {
        g =
            publish(
                    upload.key(),
                    upload.size(),
                    actual,
                    expectedGeneration,
                    OptionalLong.empty(),
                    Math.min(listed, upload.startedNanos()),
                    early,
                    List.of())
                .generation();
      } catch (ConcurrentUpdateException | DeadlineException e) {
        upload.abandon();
        throw e;
      }
      committed = true;
      hook(Step.MANIFEST_CREATED);
      pruneQuietly(g);
      return new Published(g, actual);
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (!committed) {
          upload.abandon();
        }
      }
    }
  }

  /** The write took too long to publish safely; nothing was published. */
  static final class DeadlineException extends IOException {
    private static final long serialVersionUID = 1L;

    DeadlineException(String message) {
      super(message);
    }
  }

  /**
   * Steps 3–4: creates the next manifest naming {@code dataKey} and {@code deltas}.
   *
   * @return the generation published
   */
  private Generation publish(
      String dataKey,
      long size,
      String sha256,
      OptionalLong expected,
      OptionalLong restoredFrom,
      long startedNanos,
      Future<Listing> early,
      List<Generation.Delta> deltas)
      throws IOException {
    long after = listAfter(expected);
    for (int conflicts = 0; ; ) {
      List<Listed> above;
      if (early != null) {
        above = await(early).manifests();
        early = null;
      } else {
        above = listManifests(after).manifests();
      }
      long highest;
      if (expected.isPresent()) {
        long e = expected.getAsLong();
        boolean holds =
            e == 0 ? above.isEmpty() : above.size() == 1 && above.get(0).generation() == e;
        if (!holds) {
          throw new ConcurrentUpdateException(
              describe()
                  + ": expected generation "
                  + e
                  + " to be the newest, but the newest is "
                  + (above.isEmpty()
                      ? "older (" + e + " is gone)"
                      : above.get(above.size() - 1).generation()));
        }
        highest = e;
      } else {
        highest = above.isEmpty() ? Math.max(after, 0) : above.get(above.size() - 1).generation();
      }
      long slot = highest + 1;
      checkDeadline(startedNanos);
      Generation g =
          new Generation(
              slot,
              highest,
              dataKey,
              size,
              sha256,
              Instant.now(),
              config.writerId(),
              restoredFrom,
              dataKey.isEmpty(),
              deltas);
      int[] attempts = {0};
      try {
        putManifest(g, attempts);
        knownHighest.accumulateAndGet(slot, Math::max);
        return g;
      } catch (IOException ex) {
        boolean refusedFirstTry =
            attempts[0] == 1 && ex.getCause() instanceof SdkException s && Retry.status(s) == 412;
        // Only a retried PUT can find its own manifest, and only a 409 an empty slot: a 412 on
        // the first attempt means another writer's manifest is there.
        Optional<Generation> there = refusedFirstTry ? Optional.of(OTHER_WRITER) : peek(slot);
        if (there.isPresent() && isSame(there.get(), g)) {
          // A retried PUT whose first attempt landed: this write owns the slot.
          knownHighest.accumulateAndGet(slot, Math::max);
          return g;
        }
        boolean conditionFailed =
            ex.getCause() instanceof SdkException s && Retry.isConditionFailure(s);
        if (!conditionFailed) {
          throw ex;
        }
        if (there.isEmpty()) {
          // 409 from a concurrent conditional write, and the slot is still free: try it again.
          Retry.sleep(Math.min(++conflicts, 6));
          if (expected.isEmpty()) {
            after = highest;
          }
          continue;
        }
        if (expected.isPresent()) {
          throw new ConcurrentUpdateException(
              describe()
                  + ": generation "
                  + slot
                  + " was published by "
                  + (there.get().equals(OTHER_WRITER) ? "another writer" : there.get().writer())
                  + " first (expected generation "
                  + highest
                  + " to be the newest)");
        }
        after = slot;
      }
    }
  }

  private long listAfter(OptionalLong expected) {
    return expected.isPresent() ? expected.getAsLong() - 1 : knownHighest.get();
  }

  private static Listing await(Future<Listing> listing) throws IOException {
    try {
      return listing.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while listing manifests");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("listing manifests failed", e.getCause());
    }
  }

  private static boolean isSame(Generation a, Generation b) {
    return a.dataKey().equals(b.dataKey())
        && a.deltas().equals(b.deltas())
        && a.writer().equals(b.writer())
        && a.createdAt().equals(b.createdAt());
  }

  private Optional<Generation> peek(long generation) {
    try {
      return Optional.of(readManifest(generation));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void putManifest(Generation g, int[] attempts) throws IOException {
    byte[] body = Manifests.encode(g);
    String key = loc.manifestKey(g.generation());
    String md5 = md5(body);
    PutObjectResponse created =
        retry.call(
            "PUT " + key,
            () -> {
              attempts[0]++;
              return s3.putObject(
                  PutObjectRequest.builder()
                      .bucket(loc.bucket)
                      .key(key)
                      .ifNoneMatch("*")
                      .contentType("application/json")
                      .contentLength((long) body.length)
                      .contentMD5(md5)
                      .build(),
                  RequestBody.fromBytes(body));
            });
    try {
      // Remembered as a reader would decode it, so a later load sees the same values.
      remember(Manifests.decode(body, key, g.generation(), loc), created.eTag());
    } catch (ManifestException e) {
      lastKnown = null;
    }
  }

  private void checkDeadline(long startedNanos) throws DeadlineException {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
    Duration limit = config.gracePeriod().dividedBy(2);
    if (elapsed.compareTo(limit) > 0) {
      throw new DeadlineException(
          "write of "
              + describe()
              + " took "
              + elapsed.toMillis()
              + " ms from its first data byte to its manifest, more than half the grace period ("
              + limit.toMillis()
              + " ms); gc may already remove its data, so nothing was published");
    }
  }

  private static String md5(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }

  /**
   * Republishes {@code source}'s bytes as a new generation: a server-side copy to a new data
   * object, then a manifest as for a save (no expected generation).
   *
   * @throws IllegalArgumentException if {@code source} is not a version of this state
   * @throws IOException if the source's data is gone (pruned meanwhile) or the copy fails
   */
  Optional<String> restore(StoredVersion source) throws IOException {
    if (!(source instanceof S3Version v)
        || !v.location().base.equals(loc.base)
        || !v.location().bucket.equals(loc.bucket)) {
      throw new IllegalArgumentException(
          "restore takes a version of " + describe() + ", got " + source.describe());
    }
    Optional<StoredVersion> replaced;
    try {
      replaced = current();
    } catch (Permanent e) {
      replaced = Optional.empty();
    }
    Generation from = v.manifest();
    String dataKey = newDataKey();
    long started = System.nanoTime();
    if (from.size() > 0) {
      copy(from, dataKey);
    }
    long g;
    try {
      g =
          publish(
                  dataKey,
                  from.size(),
                  from.sha256(),
                  OptionalLong.empty(),
                  OptionalLong.of(from.generation()),
                  started,
                  null,
                  from.deltas())
              .generation();
    } catch (DeadlineException e) {
      deleteQuietly(dataKey);
      throw e;
    }
    pruneQuietly(g);
    return replaced.map(StoredVersion::describe);
  }

  private void copy(Generation from, String dataKey) throws IOException {
    retry.call(
        "COPY " + from.dataKey() + " to " + dataKey,
        () ->
            S3Errors.get(
                () ->
                    s3.copyObject(
                        CopyObjectRequest.builder()
                            .sourceBucket(loc.bucket)
                            .sourceKey(from.dataKey())
                            .destinationBucket(loc.bucket)
                            .destinationKey(dataKey)
                            .build()),
                from.dataKey(),
                "manifest " + loc.manifestKey(from.generation())));
  }

  /**
   * Deletes the state: publishes a deletion marker as a new generation (so readers see "no state"
   * at once), then, when {@code includeBackup}, removes every generation below it and the marker
   * itself. Without {@code includeBackup}, older generations stay for {@code recover} until pruned.
   * Missing is fine.
   */
  void delete(boolean includeBackup) throws IOException {
    List<Listed> all = listManifests(-1).manifests();
    if (all.isEmpty()) {
      return;
    }
    long marker =
        publish(
                "",
                0,
                "",
                OptionalLong.empty(),
                OptionalLong.empty(),
                System.nanoTime(),
                null,
                List.of())
            .generation();
    if (!includeBackup) {
      return;
    }
    List<Listed> listed = listManifests(-1).manifests();
    Set<String> keep = referencedBy(listed.stream().filter(m -> m.generation() > marker).toList());
    for (Listed m : listed) {
      if (m.generation() <= marker) {
        removeGeneration(m, keep);
      }
    }
    knownHighest.set(0);
    knownLowest = -1;
    lastKnown = null;
  }

  /**
   * Deletes a manifest, then the objects it names that are not in {@code keep} (those a retained
   * generation names: checkpoints share their base and earlier deltas): a crash between leaves only
   * orphans for gc.
   */
  private void removeGeneration(Listed m, Set<String> keep) throws IOException {
    Optional<Generation> g = cached(m);
    String key = m.key();
    retry.call(
        "DELETE " + key,
        () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(loc.bucket).key(key).build()));
    if (g.isPresent()) {
      for (String object : objectsOf(g.get())) {
        if (!keep.contains(object)) {
          retry.call(
              "DELETE " + object,
              () ->
                  s3.deleteObject(
                      DeleteObjectRequest.builder().bucket(loc.bucket).key(object).build()));
        }
      }
    }
  }

  /** The data object and delta objects a generation names. */
  private static List<String> objectsOf(Generation g) {
    List<String> out = new ArrayList<>();
    if (!g.deleted()) {
      out.add(g.dataKey());
    }
    for (Generation.Delta d : g.deltas()) {
      out.add(d.key());
    }
    return out;
  }

  /**
   * Every object the listed manifests name. A manifest that is not valid vouches for nothing; one
   * that cannot be read for a transient reason fails the call, so nothing it names is removed.
   */
  private Set<String> referencedBy(List<Listed> manifests) throws IOException {
    Set<String> out = new HashSet<>();
    for (Listed m : manifests) {
      cached(m).ifPresent(g -> out.addAll(objectsOf(g)));
    }
    return out;
  }

  /**
   * A listed manifest, read once: manifests are immutable while they exist, and a slot reused after
   * a deletion of every generation is listed with another modification time.
   */
  private Optional<Generation> cached(Listed m) throws IOException {
    Generation hit = manifestCache.get(m);
    if (hit != null) {
      return Optional.of(hit);
    }
    Generation g;
    try {
      g = readManifest(m.generation());
    } catch (Permanent e) {
      // Not a valid manifest, or pruned meanwhile: it vouches for no object.
      LOG.warn("{}: {}", describe(), e.getMessage());
      return Optional.empty();
    }
    if (manifestCache.size() > 4096) {
      manifestCache.clear();
    }
    manifestCache.put(m, g);
    return Optional.of(g);
  }

  private void deleteQuietly(String key) {
    try {
      retry.call(
          "DELETE " + key,
          () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(loc.bucket).key(key).build()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not delete {}; gc will: {}", key, e.toString());
    }
  }

  /**
   * The journal of the newest generation as of its first use: the delta objects its manifest names
   * (see {@link S3Journal}).
   */
  @Override
  public Journal journal() {
    return new S3Journal(this, null);
  }

  /**
   * The journal of {@code base}: the delta objects its manifest names; a sync publishes the next
   * generation with {@code base} as the expected generation.
   *
   * @throws IllegalArgumentException if {@code base} is not a version of this state
   */
  @Override
  public Journal journal(StoredVersion base) {
    if (!(base instanceof S3Version v)
        || !v.location().base.equals(loc.base)
        || !v.location().bucket.equals(loc.bucket)) {
      throw new IllegalArgumentException(
          "journal takes a version of " + describe() + ", got " + base.describe());
    }
    return new S3Journal(this, v.manifest());
  }

  /** The highest generation (a deletion marker included), or empty when there is none. */
  Optional<Generation> newest() throws IOException {
    List<Listed> all = listManifests(-1).manifests();
    return all.isEmpty()
        ? Optional.empty()
        : Optional.of(readManifest(all.get(all.size() - 1).generation()));
  }

  /**
   * Commits a checkpoint (see {@link S3Journal}): uploads {@code body} (when not null) as a new
   * delta object, then publishes the generation after {@code head} naming head's data object,
   * {@code deltas} and the new delta, with {@code head} as the expected generation.
   *
   * @return the generation published
   * @throws ConcurrentUpdateException if {@code head} is no longer the newest; nothing is published
   *     and the delta object is deleted (or left for gc)
   */
  Generation publishDelta(Generation head, List<Generation.Delta> deltas, byte[] body)
      throws IOException {
    long started = System.nanoTime();
    List<Generation.Delta> all = new ArrayList<>(deltas);
    String key = null;
    if (body != null && body.length > 0) {
      key = newDataKey();
      putDelta(key, body);
      all.add(new Generation.Delta(key, body.length, sha256(body)));
      hook(Step.DATA_UPLOADED);
    }
    Generation g;
    try {
      g =
          publish(
              head.dataKey(),
              head.size(),
              head.sha256(),
              OptionalLong.of(head.generation()),
              OptionalLong.empty(),
              started,
              null,
              all);
    } catch (ConcurrentUpdateException | DeadlineException e) {
      if (key != null) {
        deleteQuietly(key);
      }
      throw e;
    }
    hook(Step.MANIFEST_CREATED);
    pruneQuietly(g.generation());
    return g;
  }

  /** Creates a delta object; its key is random, so a 412 can only be a retried PUT that landed. */
  private void putDelta(String key, byte[] body) throws IOException {
    String md5 = md5(body);
    try {
      retry.call(
          "PUT " + key,
          () ->
              s3.putObject(
                  PutObjectRequest.builder()
                      .bucket(loc.bucket)
                      .key(key)
                      .ifNoneMatch("*")
                      .contentLength((long) body.length)
                      .contentMD5(md5)
                      .build(),
                  RequestBody.fromBytes(body)));
    } catch (IOException e) {
      if (!(e.getCause() instanceof SdkException s && Retry.isConditionFailure(s))) {
        throw e;
      }
    }
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** A delta's bytes, checked against its SHA-256 when read from 0 to the end. */
  SeekableByteChannel openDelta(Generation.Delta d) {
    return new RangedChannel(s3, retry, loc.bucket, d.key(), "a manifest", d.size(), d.sha256());
  }

  /** The first {@code length} bytes of a delta. */
  byte[] readDelta(Generation.Delta d, long length) throws IOException {
    return retry.call(
        "GET " + d.key(),
        () ->
            S3Errors.get(
                    () ->
                        s3.getObjectAsBytes(
                            GetObjectRequest.builder()
                                .bucket(loc.bucket)
                                .key(d.key())
                                .range("bytes=0-" + (length - 1))
                                .build()),
                    d.key(),
                    null)
                .asByteArray());
  }

  /** Nothing to release: the client belongs to the provider or to the caller. */
  @Override
  public void close() {}

  // ---- retention and gc ------------------------------------------------------------------

  /**
   * Prunes after a commit of {@code published}, skipping the listing when it cannot find anything:
   * when the generations since the lowest one seen are within the retention, or when the last
   * listing showed that nothing beyond the retention leaves its grace period before a known time.
   */
  private void pruneQuietly(long published) {
    long lowest = knownLowest;
    if (lowest > 0 && published - lowest + 1 <= config.retention()) {
      return;
    }
    if (lowest > 0 && System.nanoTime() - nextPruneNanos < 0) {
      return;
    }
    try {
      prune();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Pruning {} failed; the next commit or gc retries: {}", describe(), e.toString());
    }
  }

  /**
   * Applies the retention rule (class Javadoc) once.
   *
   * @return the number of generations removed
   * @throws IOException if listing or deleting fails
   */
  public int prune() throws IOException {
    return prune(listManifests(-1));
  }

  private int prune(Listing l) throws IOException {
    List<Listed> all = l.manifests();
    Instant cutoff = l.serverNow().minus(config.gracePeriod());
    int prunable = 0;
    long next = System.nanoTime() + config.gracePeriod().toNanos();
    for (int i = 0; i < all.size() - config.retention(); i++) {
      Instant superseded = all.get(i + 1).lastModified();
      if (superseded.isAfter(cutoff)) {
        // The first generation still in its grace period: nothing is prunable before it leaves.
        next = System.nanoTime() + Duration.between(cutoff, superseded).toNanos();
        break;
      }
      prunable++;
    }
    int pruned = 0;
    if (prunable > 0) {
      // Objects a retained generation names stay: a checkpoint's generation names the same base
      // and earlier deltas as the generations before it.
      Set<String> keep = referencedBy(all.subList(prunable, all.size()));
      for (; pruned < prunable; pruned++) {
        removeGeneration(all.get(pruned), keep);
      }
    }
    knownLowest = all.size() > pruned ? all.get(pruned).generation() : -1;
    nextPruneNanos = next;
    return pruned;
  }

  /**
   * Removes what crashed or abandoned writes left: multipart uploads under this state's data prefix
   * started before the grace period, and data objects no manifest names and older than the grace
   * period; then applies the retention rule. By the timing rule (class Javadoc) no live write can
   * still publish a manifest naming what this removes.
   *
   * @return what was removed
   * @throws IOException if listing or deleting fails; what was removed so far stays removed
   */
  public GcReport gc() throws IOException {
    Listing manifests = listManifests(-1);
    Instant cutoff = manifests.serverNow().minus(config.gracePeriod());
    int aborted = 0;
    String keyMarker = null;
    String uploadMarker = null;
    do {
      ListMultipartUploadsRequest.Builder b =
          ListMultipartUploadsRequest.builder().bucket(loc.bucket).prefix(loc.dataPrefix());
      if (keyMarker != null) {
        b.keyMarker(keyMarker).uploadIdMarker(uploadMarker);
      }
      ListMultipartUploadsRequest req = b.build();
      ListMultipartUploadsResponse r =
          retry.call("LIST uploads " + loc.dataPrefix(), () -> s3.listMultipartUploads(req));
      for (MultipartUpload u : r.uploads()) {
        if (loc.isDataKey(u.key()) && u.initiated() != null && u.initiated().isBefore(cutoff)) {
          retry.call(
              "AbortMultipartUpload " + u.key(),
              () ->
                  S3Errors.ignoreMissing(
                      () ->
                          s3.abortMultipartUpload(
                              AbortMultipartUploadRequest.builder()
                                  .bucket(loc.bucket)
                                  .key(u.key())
                                  .uploadId(u.uploadId())
                                  .build())));
          aborted++;
        }
      }
      boolean more = Boolean.TRUE.equals(r.isTruncated());
      keyMarker = more ? r.nextKeyMarker() : null;
      uploadMarker = more ? r.nextUploadIdMarker() : null;
    } while (keyMarker != null);

    // Data and delta objects alike: a manifest that is not valid (or was pruned meanwhile) vouches
    // for none.
    Set<String> referenced = referencedBy(manifests.manifests());
    int deleted = 0;
    String token = null;
    do {
      ListObjectsV2Request.Builder b =
          ListObjectsV2Request.builder().bucket(loc.bucket).prefix(loc.dataPrefix());
      if (token != null) {
        b.continuationToken(token);
      }
      ListObjectsV2Request req = b.build();
      ListObjectsV2Response r = retry.call("LIST " + loc.dataPrefix(), () -> s3.listObjectsV2(req));
      for (S3Object o : r.contents()) {
        if (loc.isDataKey(o.key())
            && !referenced.contains(o.key())
            && o.lastModified().isBefore(cutoff)) {
          retry.call(
              "DELETE " + o.key(),
              () ->
                  s3.deleteObject(
                      DeleteObjectRequest.builder().bucket(loc.bucket).key(o.key()).build()));
          deleted++;
        }
      }
      token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
    } while (token != null);
    int pruned = prune(listManifests(-1));
    return new GcReport(aborted, deleted, pruned);
  }
}
