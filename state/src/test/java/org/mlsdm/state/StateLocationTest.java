package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.testing.TestStates;

/** Locations: parsing, and the operations of {@link SystemStates} on a location. */
class StateLocationTest {
  @TempDir Path dir;

  @Test
  void parse_plainPath_isLocal() {
    StateLocation l = StateLocation.parse("some/dir/state.json");
    assertThat(l.scheme()).isEqualTo("file");
    assertThat(l.path()).hasValue(Path.of("some/dir/state.json"));
    assertThat(l.name()).isEqualTo("state.json");
    assertThat(l.toString()).isEqualTo("some/dir/state.json");
  }

  @Test
  void parse_s3Uri_keepsTheDoubleSlashThatPathOfWouldFold() {
    StateLocation l = StateLocation.parse("s3://bucket/agents/a1.npz");
    assertThat(l.scheme()).isEqualTo("s3");
    assertThat(l.path()).isEmpty();
    assertThat(l.uri()).isEqualTo(URI.create("s3://bucket/agents/a1.npz"));
    assertThat(l.name()).isEqualTo("a1.npz");
    assertThat(l.toString()).isEqualTo("s3://bucket/agents/a1.npz");
  }

  @Test
  void parse_fileUri_isLocal() {
    Path p = dir.resolve("s.json");
    assertThat(StateLocation.parse(p.toUri().toString()).path()).hasValue(p);
  }

  @Test
  void parse_uriWithoutAName_refused() {
    assertThatThrownBy(() -> StateLocation.parse("s3://bucket/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no state");
    assertThatThrownBy(() -> StateLocation.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void operations_onALocalLocation_matchThePathOnes() {
    Path p = dir.resolve("state.npz");
    StateLocation l = StateLocation.of(p);
    SystemStateRecord saved = SystemStates.save(TestStates.sample(1), l, SaveOptions.defaults());

    assertThat(SystemStates.load(p)).isEqualTo(saved);
    assertThat(SystemStates.load(l, LoadOptions.defaults())).isEqualTo(saved);
    assertThat(SystemStates.inspect(l, LoadOptions.defaults()).state()).hasValue(saved);
    assertThat(SystemStates.recoverReport(l).source()).isEqualTo(RecoveryResult.Source.MAIN);
    SystemStates.delete(l, true);
    assertThat(p).doesNotExist();
  }

  @Test
  void unknownScheme_failsNamingTheSchemesAvailable() {
    StateLocation l = StateLocation.parse("nosuch://bucket/state.json");
    assertThatThrownBy(() -> SystemStates.load(l, LoadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nosuch'")
        .hasMessageContaining("file");
    assertThatThrownBy(() -> SystemStates.save(TestStates.sample(2), l, SaveOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("available");
  }

  @Test
  void unsupportedExtension_onAUri_failsBeforeTheStorage() {
    StateLocation l = StateLocation.parse("nosuch://bucket/state.txt");
    assertThatThrownBy(() -> SystemStates.load(l, LoadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported file format");
  }
}
