package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.internal.io.LocalStorageProvider;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StateStorageProvider;
import org.mlsdm.testing.TestStates;

/**
 * {@link StateStorageProvider#register}: a configured provider serves its scheme for the {@link
 * StateLocation} operations until its registration is closed; and the exceptions and metrics of a
 * URI location name it as written, not as {@code Path.of} folds it.
 */
// The registrations are held open by try-with-resources and never referenced inside.
@SuppressWarnings("try")
class StorageRegistrationTest {
  @TempDir Path dir;

  /**
   * A provider of a scheme no module installs, keeping each state as a local file in a directory of
   * its own (its "configuration") while describing it by its URI, as an object store does.
   */
  static final class DirectoryProvider implements StateStorageProvider {
    final String scheme;
    final Path root;
    final AtomicInteger opens = new AtomicInteger();

    DirectoryProvider(String scheme, Path root) {
      this.scheme = scheme;
      this.root = root;
    }

    @Override
    public String scheme() {
      return scheme;
    }

    @Override
    public StateStorage open(URI location, Map<String, String> settings) throws IOException {
      opens.incrementAndGet();
      Path file = root.resolve(location.getHost()).resolve(location.getPath().substring(1));
      Files.createDirectories(file.getParent());
      return new Described(new LocalStorageProvider().open(file), location.toString());
    }
  }

  /** A storage that names itself by its URI; everything else is the local storage's. */
  static final class Described implements StateStorage {
    private final StateStorage local;
    private final String uri;

    Described(StateStorage local, String uri) {
      this.local = local;
      this.uri = uri;
    }

    @Override
    public String describe() {
      return uri;
    }

    @Override
    public String name() {
      return local.name();
    }

    @Override
    public ReadView read() throws IOException {
      return local.read();
    }

    @Override
    public WriteSession write() throws IOException {
      return local.write();
    }

    @Override
    public Journal journal() throws IOException {
      return local.journal();
    }

    @Override
    public void close() throws IOException {
      local.close();
    }
  }

  @Test
  void register_makesTheProviderServeItsScheme_untilTheRegistrationIsClosed() throws Exception {
    StateLocation l = StateLocation.parse("regone://bucket/agents/a1.json");
    DirectoryProvider p = new DirectoryProvider("regone", dir);
    assertThatThrownBy(() -> SystemStates.load(l, LoadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No state storage for the scheme 'regone'");

    SystemStateRecord saved;
    try (StateStorageProvider.Registration r = StateStorageProvider.register(p)) {
      saved = SystemStates.save(TestStates.sample(1), l, SaveOptions.defaults());
      assertThat(SystemStates.load(l, LoadOptions.defaults())).isEqualTo(saved);
      assertThat(SystemStates.inspect(l, LoadOptions.defaults()).state()).hasValue(saved);
      assertThat(SystemStates.recoverReport(l).source()).isEqualTo(RecoveryResult.Source.MAIN);
    }
    assertThat(p.opens).hasValue(4);
    // The provider's own configuration decided where the bytes went.
    assertThat(SystemStates.load(dir.resolve("bucket/agents/a1.json"))).isEqualTo(saved);

    assertThatThrownBy(() -> SystemStates.load(l, LoadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'regone'");
  }

  @Test
  void register_newestWins_andClosingItBringsBackTheEarlierOne() throws Exception {
    StateLocation l = StateLocation.parse("regtwo://b/s.npz");
    DirectoryProvider first = new DirectoryProvider("regtwo", dir.resolve("first"));
    DirectoryProvider second = new DirectoryProvider("RegTwo", dir.resolve("second"));
    try (StateStorageProvider.Registration r1 = StateStorageProvider.register(first)) {
      StateStorageProvider.Registration r2 = StateStorageProvider.register(second);
      SystemStates.save(TestStates.sample(2), l, SaveOptions.defaults());
      assertThat(dir.resolve("second/b/s.npz")).exists();
      assertThat(dir.resolve("first/b/s.npz")).doesNotExist();
      r2.close();
      r2.close();
      SystemStates.save(TestStates.sample(3), l, SaveOptions.defaults());
      assertThat(dir.resolve("first/b/s.npz")).exists();
    }
    assertThat(first.opens).hasValue(1);
    assertThat(second.opens).hasValue(1);
  }

  @Test
  void register_refusesTheFileSchemeAndNull() {
    DirectoryProvider file = new DirectoryProvider("file", dir);
    assertThatThrownBy(() -> StateStorageProvider.register(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file scheme is built in");
    assertThatThrownBy(() -> StateStorageProvider.register(new DirectoryProvider("x", dir)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 'x'");
    assertThatThrownBy(() -> StateStorageProvider.register(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void checksumMismatch_atAUriLocation_namesItWithItsDoubleSlash() throws Exception {
    StateLocation l = StateLocation.parse("regthree://bucket/c/state.json");
    List<String> events = new CopyOnWriteArrayList<>();
    List<Path> legacy = new CopyOnWriteArrayList<>();
    StateMetrics listener =
        new StateMetrics() {
          @Override
          public void onSave(StateLocation location, long bytes, Duration d, int attempts) {
            events.add("save " + location);
          }

          @Override
          public void onChecksumFailure(
              StateLocation location, String source, String expected, String actual) {
            events.add("checksum " + location + " " + source);
          }

          @Override
          public void onLoad(Path path, long bytes, Duration duration, boolean migrated) {
            legacy.add(path);
          }
        };
    try (StateStorageProvider.Registration r =
            StateStorageProvider.register(new DirectoryProvider("regthree", dir));
        StateMetrics.Registration m = StateMetrics.register(listener)) {
      SystemStates.save(TestStates.sample(4), l, SaveOptions.defaults());
      SystemStates.load(l, LoadOptions.defaults());
      Path file = dir.resolve("bucket/c/state.json");
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 1;
      Files.write(file, bytes);

      assertThatThrownBy(() -> SystemStates.load(l, LoadOptions.defaults()))
          .isInstanceOfSatisfying(
              StateCorruptionException.class,
              e -> {
                assertThat(e.getMessage())
                    .startsWith("Checksum mismatch for regthree://bucket/c/state.json: expected ");
                assertThat(e.location()).isEqualTo("regthree://bucket/c/state.json");
              });
      assertThat(events)
          .containsExactly(
              "save regthree://bucket/c/state.json",
              "checksum regthree://bucket/c/state.json regthree://bucket/c/state.json");
      // A listener of the Path form still hears of URI locations, as before: through Path.of.
      assertThat(legacy).containsExactly(Path.of("regthree://bucket/c/state.json"));

      SystemStates.delete(l, true);
      assertThatThrownBy(() -> SystemStates.recoverReport(l))
          .isInstanceOf(StateRecoveryException.class)
          .hasMessageContaining("Cannot recover regthree://bucket/c/state.json: ")
          .hasMessageContaining("not found: regthree://bucket/c/state.json");
    }
  }

  @Test
  void corruptionException_pathConstructor_keepsItsMessageAndLocation() {
    Path p = Path.of("dir", "s.json");
    StateCorruptionException e = new StateCorruptionException(p, "aa", "bb");
    assertThat(e.getMessage()).isEqualTo("Checksum mismatch for " + p + ": expected aa, actual bb");
    assertThat(e.path()).isEqualTo(p);
    assertThat(e.location()).isEqualTo(p.toString());
  }
}
