package org.mlsdm.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;

/** {@link MemoryManager#save} and {@link MemoryManager#load} through the store, in both formats. */
class MemoryManagerPersistenceTest {
  private static final MemoryParameters OTHER =
      new MemoryParameters(0.2, 0.05, 0.005, 0.5, 1.5, 0.7, 0.4);

  @TempDir Path dir;

  private static MemoryManager fedManager(int dimension, MemoryParameters parameters) {
    MemoryManager m = new MemoryManager(dimension, parameters);
    for (int step = 0; step < 20; step++) {
      float[] event = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        event[i] = (float) Math.sin(step * 7.1 + i) * (1 + step % 5);
      }
      m.processEvent(event, step * 0.125);
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"state.json", "state.npz", "STATE.JSON"})
  void saveThenLoad_intoAnotherManager_restoresEverything(String name) {
    Path file = dir.resolve(name);
    MemoryManager original = fedManager(5, OTHER);
    original.setId("agent-7");
    ManagerContent content = ManagerContent.of(original);

    SystemStateRecord saved = original.save(file);
    MemoryManager other = new MemoryManager(5);
    SystemStateRecord loaded = other.load(file);

    assertThat(loaded).isEqualTo(saved);
    assertThat(saved.id()).isEqualTo("agent-7");
    assertThat(saved.memoryState()).isEqualTo(content.memory());
    assertThat(saved.qilm()).isEqualTo(content.qilm());
    assertThat(ManagerContent.of(other)).isEqualTo(content);
    assertThat(other.parameters()).isEqualTo(OTHER);
    assertThat(ManagerContent.of(original)).isEqualTo(content);
  }

  @ParameterizedTest
  @ValueSource(strings = {"state.json", "state.npz"})
  void load_thenProcessEvents_continuesLikeTheOriginal(String name) {
    Path file = dir.resolve(name);
    MemoryManager original = fedManager(4, MemoryParameters.DEFAULTS);
    original.save(file);
    MemoryManager other = new MemoryManager(4);

    other.load(file);
    float[] event = {3f, -2f, 0.5f, 9f};
    original.processEvent(event, 1.0);
    other.processEvent(event, 1.0);

    assertThat(ManagerContent.of(other)).isEqualTo(ManagerContent.of(original));
  }

  @ParameterizedTest
  @ValueSource(strings = {"missing.json", "missing.npz"})
  void load_missingFile_throwsAndChangesNothing(String name) {
    MemoryManager m = fedManager(3, MemoryParameters.DEFAULTS);
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.load(dir.resolve(name)))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("not found");

    assertThat(ManagerContent.of(m)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"state.json", "state.npz"})
  void load_dimensionMismatch_throwsAndChangesNothing(String name) {
    Path file = dir.resolve(name);
    fedManager(4, OTHER).save(file);
    MemoryManager m = fedManager(3, MemoryParameters.DEFAULTS);
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension");

    assertThat(ManagerContent.of(m)).isEqualTo(before);
    assertThat(m.parameters()).isEqualTo(MemoryParameters.DEFAULTS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"state.json", "state.npz"})
  void load_corruptFile_throwsAndChangesNothing(String name) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "{\"version\": 1, \"memory_state\": [", StandardCharsets.UTF_8);
    MemoryManager m = fedManager(3, MemoryParameters.DEFAULTS);
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.load(file)).isInstanceOf(StateLoadException.class);

    assertThat(ManagerContent.of(m)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"state.txt", "state"})
  void saveAndLoad_unsupportedFormat_throwBeforeTouchingAnything(String name) {
    Path file = dir.resolve(name);
    MemoryManager m = fedManager(3, MemoryParameters.DEFAULTS);
    ManagerContent before = ManagerContent.of(m);

    assertThatThrownBy(() -> m.save(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported file format");
    assertThatThrownBy(() -> m.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unsupported file format");

    assertThat(ManagerContent.of(m)).isEqualTo(before);
    assertThat(Files.exists(file)).isFalse();
  }
}
