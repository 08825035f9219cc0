package org.mlsdm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.StateLocation;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.s3.Generation;
import org.mlsdm.state.s3.S3StateStorage;
import org.mlsdm.state.s3.S3StorageConfig;
import org.mlsdm.state.s3.S3StorageProvider;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StateStorageProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code s3://bucket/key.json|npz} locations on the command line, reached in one of two ways.
 *
 * <p><b>Directly</b>, for the commands marked {@link Direct} ({@code recover}, {@code inspect},
 * {@code verify}): the run {@linkplain StateStorageProvider#register registers} an S3 provider
 * built from {@code --endpoint-url}, {@code --retain} and the SDK's default credentials with the
 * library, and the command calls the {@link StateLocation} operations of {@code SystemStates} on
 * {@link #location(Path)}. Nothing is downloaded: {@code recover} considers every retained
 * generation whose data verifies and republishes the newest such one, {@code inspect} and {@code
 * verify} read the newest generation and compare it with its manifest.
 *
 * <p><b>Staged</b>, for every other command, because each of them needs a local file: {@code init}
 * and {@code migrate} refuse or keep an existing file and its backup by the local rules, {@code
 * convert} and {@code diff} read two states and may write one, {@code simulate --whole-file} saves
 * whole files, {@code compact} rewrites a local journal. Before such a command runs, the newest
 * generation is downloaded as the main file (with the SHA-256 its manifest records as the checksum
 * file) and the generation before it as the backup; after it succeeded, a staged file whose bytes
 * changed is published as a new generation, conditional on the generation it was staged from
 * (another writer in between makes the command fail with a conflict rather than lose that writer's
 * save). {@code simulate --whole-file} publishes at every checkpoint through {@link #checkpointed};
 * a plain {@code simulate} is direct: its {@code Checkpointer} on the location publishes each
 * checkpoint as a delta object and a generation.
 *
 * <p>One instance per command run, made current for the parsing thread by {@link #open}, so that
 * the file-name converter can stage the locations it meets (a direct command's location is
 * registered the same way, and never downloaded).
 */
final class Remote implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Remote.class);
  private static final ThreadLocal<Remote> CURRENT = new ThreadLocal<>();

  private final Map<Path, Staged> staged = new LinkedHashMap<>();
  private Path dir;
  private S3StorageProvider provider;
  private StateStorageProvider.Registration registration;
  private URI endpoint;
  private Integer retain;

  /** One staged location. */
  private static final class Staged {
    final URI uri;
    final Path local;
    S3StateStorage storage;
    String stagedSha256;
    OptionalLong generation = OptionalLong.empty();

    Staged(URI uri, Path local) {
      this.uri = uri;
      this.local = local;
    }
  }

  /**
   * A command that works on its S3 location through the library's {@link StateLocation} API ({@link
   * #location(Path)}) rather than on a staged copy.
   */
  interface Direct {
    /**
     * Whether this run reaches S3 directly; a command whose options need a local file says no.
     *
     * @return true by default
     */
    default boolean reachesS3Directly() {
      return true;
    }
  }

  private Remote() {}

  /** Starts a run: locations the converter meets on this thread are staged in the new instance. */
  static Remote open() {
    Remote r = new Remote();
    CURRENT.set(r);
    return r;
  }

  /** An instance for a command that works on S3 directly, outside the staging of a run. */
  static Remote detached() {
    return new Remote();
  }

  /** The run the current thread is in, or null outside one. */
  static Remote current() {
    return CURRENT.get();
  }

  /** Whether a command-line argument names an S3 location rather than a file. */
  static boolean isS3(String arg) {
    return arg.regionMatches(true, 0, "s3://", 0, 5);
  }

  /**
   * Parses an {@code s3://bucket/key} argument.
   *
   * @throws IllegalArgumentException if it is not such a URI
   */
  static URI parse(String arg) {
    try {
      URI uri = new URI(arg);
      if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
        throw new IllegalArgumentException(
            "Expected s3://BUCKET/KEY, got '" + Text.escape(arg) + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "Malformed S3 location '" + Text.escape(arg) + "': " + e.getReason(), e);
    }
  }

  /**
   * The local path standing for an S3 location in the current run (the same path for the same
   * location), created under a private temporary directory.
   */
  static Path stage(String arg) {
    Remote r = CURRENT.get();
    if (r == null) {
      throw new IllegalStateException("S3 locations are read only inside a command run");
    }
    return r.stageLocation(parse(arg));
  }

  private Path stageLocation(URI uri) {
    for (Staged s : staged.values()) {
      if (s.uri.equals(uri)) {
        return s.local;
      }
    }
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("mlsdm-s3-");
      }
      // One subdirectory per location, so that two locations with the same key never collide.
      String key = uri.getPath();
      Path local =
          Files.createDirectories(dir.resolve(Integer.toString(staged.size())))
              .resolve(key.substring(key.lastIndexOf('/') + 1));
      staged.put(local, new Staged(uri, local));
      return local;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a staging directory: " + e.getMessage(), e);
    }
  }

  /** The options this run reads its storage configuration from. */
  void configure(URI endpoint, Integer retain) {
    this.endpoint = endpoint;
    this.retain = retain;
  }

  /**
   * Lets the library reach this run's S3 locations directly: registers the run's provider for the
   * {@code s3} scheme until {@link #close()}. Replaces {@link #download()} and {@link #publish()}
   * for a {@link Direct} command.
   */
  void direct() {
    if (registration == null) {
      registration = StateStorageProvider.register(provider());
    }
  }

  /**
   * The S3 location a path of the current run stands for.
   *
   * @return it, or empty for a local path (or outside a run)
   */
  static Optional<StateLocation> location(Path path) {
    Remote r = CURRENT.get();
    Staged s = r == null ? null : r.staged.get(path);
    return s == null ? Optional.empty() : Optional.of(StateLocation.of(s.uri));
  }

  /** Whether any location of this run is on S3. */
  boolean any() {
    return !staged.isEmpty();
  }

  /**
   * The S3 location a staged path (or a file beside it) stands for, for messages; the path itself
   * otherwise.
   */
  static String display(Path path) {
    Remote r = CURRENT.get();
    if (r != null && r.dir != null && path.startsWith(r.dir)) {
      Path parent = path.getParent();
      for (Staged s : r.staged.values()) {
        if (s.local.getParent().equals(parent)) {
          String uri = s.uri.toString();
          return uri.substring(0, uri.lastIndexOf('/') + 1) + path.getFileName();
        }
      }
    }
    return path.toString();
  }

  /** Downloads every staged location's newest generation and the one before it. */
  void download() throws IOException {
    for (Staged s : staged.values()) {
      s.storage = storage(s.uri);
      List<Generation> live = live(s.storage);
      if (live.isEmpty()) {
        continue;
      }
      Generation current = live.get(0);
      if (current.deltas().isEmpty()) {
        copy(s.storage, current, s.local);
        Files.writeString(
            s.local.resolveSibling(s.local.getFileName() + ".checksum"),
            current.sha256() + "\n",
            StandardCharsets.US_ASCII);
      } else {
        // Checkpoints since the base (delta objects): the staged file is the state they make,
        // loaded (each object verified) and saved whole, so that no command sees the base alone.
        StateStorageProvider.Registration registration = StateStorageProvider.register(provider());
        try {
          SystemStates.save(
              SystemStates.load(StateLocation.of(s.uri), LoadOptions.defaults()), s.local);
        } finally {
          registration.close();
        }
      }
      if (live.size() > 1) {
        copy(s.storage, live.get(1), s.local.resolveSibling(s.local.getFileName() + ".backup"));
      }
      s.stagedSha256 = sha256(s.local);
      s.generation = OptionalLong.of(newest(s.storage));
    }
  }

  /** Publishes the staged files whose bytes changed since they were downloaded. */
  void publish() throws IOException {
    for (Staged s : staged.values()) {
      publish(s);
    }
  }

  /** Whether {@code path} is the local stand-in of an S3 location in the current command. */
  static boolean isStaged(Path path) {
    Remote r = CURRENT.get();
    return r != null && r.staged.containsKey(path);
  }

  /** Publishes {@code path} now if it stands for an S3 location (a checkpoint of simulate). */
  static void checkpointed(Path path) {
    Remote r = CURRENT.get();
    Staged s = r == null ? null : r.staged.get(path);
    if (s != null) {
      try {
        r.publish(s);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot publish the checkpoint to " + s.uri + ": " + e.getMessage(), e);
      }
    }
  }

  private void publish(Staged s) throws IOException {
    if (!Files.isRegularFile(s.local)) {
      return;
    }
    String sha = sha256(s.local);
    if (sha.equals(s.stagedSha256)) {
      return;
    }
    if (s.storage == null) {
      s.storage = storage(s.uri);
    }
    StateStorage.Published published;
    try (StateStorage.WriteSession session = s.storage.write();
        StateStorage.Write w = session.begin()) {
      OutputStream out = w.out();
      Files.copy(s.local, out);
      published = w.commit(true, s.generation);
    }
    s.stagedSha256 = published.sha256();
    s.generation = OptionalLong.of(published.generation());
  }

  /** The storage of one location, with this run's endpoint and retention. */
  S3StateStorage storage(URI uri) {
    return provider().open(uri);
  }

  /** The provider with this run's endpoint and retention, built on first use. */
  private S3StorageProvider provider() {
    if (provider == null) {
      S3StorageConfig.Builder b = S3StorageConfig.builder();
      Optional<URI> e =
          endpoint != null ? Optional.of(endpoint) : S3StorageConfig.fromEnvironment().endpoint();
      e.ifPresent(b::endpoint);
      if (retain != null) {
        b.retention(retain);
      }
      provider = new S3StorageProvider(b.build());
    }
    return provider;
  }

  /** The generations that hold data, newest first (deletion markers hide what is below them). */
  static List<Generation> live(S3StateStorage storage) throws IOException {
    List<Generation> out = new ArrayList<>();
    for (Generation g : storage.generations()) {
      if (g.deleted()) {
        break;
      }
      out.add(g);
    }
    return out;
  }

  private static long newest(S3StateStorage storage) throws IOException {
    return storage.generations().stream()
        .map(Generation::generation)
        .max(Comparator.naturalOrder())
        .orElse(0L);
  }

  /** Downloads one generation's bytes as they are: a verify run must see a mismatch, not fail. */
  static void copy(S3StateStorage storage, Generation g, Path target) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    try (SeekableByteChannel in = storage.openUnverified(g);
        InputStream stream = Channels.newInputStream(in)) {
      Files.copy(stream, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Verifies a generation's bytes against its manifest, reading them once. */
  static Optional<String> mismatch(S3StateStorage storage, Generation g) throws IOException {
    MessageDigest md = sha256Digest();
    long n = 0;
    try (SeekableByteChannel in = storage.openUnverified(g)) {
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      int r;
      while ((r = in.read(buf)) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
        n += r;
      }
    }
    String actual = HexFormat.of().formatHex(md.digest());
    if (n != g.size()) {
      return Optional.of("size " + n + " where the manifest says " + g.size());
    }
    return actual.equals(g.sha256())
        ? Optional.empty()
        : Optional.of("SHA-256 " + actual + " where the manifest says " + g.sha256());
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Removes the staging directory and closes the client; the current run ends. */
  @Override
  public void close() {
    if (CURRENT.get() == this) {
      CURRENT.remove();
    }
    if (registration != null) {
      registration.close();
    }
    if (provider != null) {
      provider.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // A leftover temporary directory is harmless; the command's outcome stands.
        LOG.warn("Could not remove {}: {}", dir, e.getMessage());
      }
    }
  }
}
