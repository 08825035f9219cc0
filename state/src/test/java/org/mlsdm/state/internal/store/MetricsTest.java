package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.LoadOptions;
import org.mlsdm.state.SaveOptions;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateMetrics;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.testing.TestStates;

/** The {@link StateMetrics} hook (issue 11, item 6): each event reaches the listener once. */
// A registration scopes a listener to its try block without being named in it.
@SuppressWarnings("try")
class MetricsTest {
  @TempDir Path dir;

  /** Records every call as a line. */
  static final class Recorder implements StateMetrics {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onSave(Path path, long bytes, Duration duration, int attempts) {
      events.add("save " + path.getFileName() + " " + bytes + " " + attempts);
    }

    @Override
    public void onLoad(Path path, long bytes, Duration duration, boolean migrated) {
      events.add("load " + path.getFileName() + " " + bytes + " " + migrated);
    }

    @Override
    public void onRetry(Path path, int attempt, Throwable cause) {
      events.add("retry " + path.getFileName() + " " + attempt);
    }

    @Override
    public void onRecovery(Path path, Path source) {
      events.add("recovery " + path.getFileName() + " from " + source.getFileName());
    }

    @Override
    public void onChecksumFailure(Path path, String expected, String actual) {
      events.add("checksum " + path.getFileName() + " " + expected.equals(actual));
    }
  }

  @Test
  void saveAndLoad_reportSizesAttemptsAndMigration() throws Exception {
    Recorder r = new Recorder();
    Path p = dir.resolve("s.json");
    try (StateMetrics.Registration reg = StateMetrics.register(r)) {
      SystemStates.save(TestStates.sample(1), p);
      SystemStates.load(p);
    }
    long size = Files.size(p);

    assertThat(r.events)
        .containsExactly("save s.json " + size + " 1", "load s.json " + size + " false");
  }

  @Test
  void save_failedAttempt_reportsTheRetryAndTheAttempts() {
    Recorder r = new Recorder();
    Path p = dir.resolve("s.npz");
    StateStore store =
        new StateStore(new FaultyFileOps(RealFileOps.INSTANCE).failOnce(1), Clock.systemUTC());
    try (StateMetrics.Registration reg = StateMetrics.register(r)) {
      store.save(TestStates.sample(1), p, SaveOptions.defaults().withRetryBackoff(Duration.ZERO));
    }

    assertThat(r.events).hasSize(2);
    assertThat(r.events.get(0)).isEqualTo("retry s.npz 1");
    assertThat(r.events.get(1)).startsWith("save s.npz ").endsWith(" 2");
  }

  @Test
  void corruptMain_reportsTheChecksumFailureAndTheRecovery() throws Exception {
    Path p = dir.resolve("s.json");
    SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    // Damage, not a valid rewrite: a stale file would be kept by recover, with no recovery event.
    Files.writeString(p, Files.readString(p).replace("\"version\": 1", "\"version\": ?"));
    Recorder r = new Recorder();
    try (StateMetrics.Registration reg = StateMetrics.register(r)) {
      assertThatThrownBy(() -> SystemStates.load(p, LoadOptions.defaults()))
          .isInstanceOf(StateCorruptionException.class);
      SystemStates.recover(p);
    }

    assertThat(r.events)
        .containsExactly(
            "checksum s.json false", "checksum s.json false", "recovery s.json from s.json.backup");
  }

  @Test
  void listenerThatThrows_neverFailsTheOperation_andClosedRegistrationHearsNothing()
      throws Exception {
    Recorder r = new Recorder();
    StateMetrics.Registration reg = StateMetrics.register(r);
    reg.close();
    reg.close();
    Path p = dir.resolve("s.json");
    try (StateMetrics.Registration bad =
        StateMetrics.register(
            new StateMetrics() {
              @Override
              public void onSave(Path path, long bytes, Duration duration, int attempts) {
                throw new IllegalStateException("listener bug");
              }
            })) {
      SystemStates.save(TestStates.sample(1), p);
    }

    assertThat(SystemStates.load(p)).isEqualTo(SystemStates.load(p));
    assertThat(r.events).isEmpty();
  }
}
