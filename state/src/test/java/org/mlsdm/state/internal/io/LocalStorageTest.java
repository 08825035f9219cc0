package org.mlsdm.state.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.spi.Journal;
import org.mlsdm.state.spi.StateStorage;
import org.mlsdm.state.spi.StateStorageProvider;
import org.mlsdm.state.spi.StoredVersion;
import org.mlsdm.testing.StoreFiles;

/** The local directory behind the storage SPI: discovery, commit, read views and the journal. */
class LocalStorageTest {
  @TempDir Path dir;

  private static byte[] bytes(SeekableByteChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // read until full or at the end
    }
    return buf.array();
  }

  @Test
  void serviceLoader_findsTheFileProvider() {
    List<String> schemes =
        ServiceLoader.load(StateStorageProvider.class).stream().map(p -> p.get().scheme()).toList();
    assertThat(schemes).contains("file");
  }

  @Test
  void provider_refusesSettingsAndOtherSchemes() {
    LocalStorageProvider p = new LocalStorageProvider();
    URI uri = dir.resolve("s.json").toUri();
    assertThatThrownBy(() -> p.open(uri, Map.of("retention", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> p.open(URI.create("s3://b/s.json"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commit_publishesWithChecksumAndBackup_readViewSeesBoth() throws IOException {
    Path main = dir.resolve("s.json");
    try (StateStorage s = new LocalStorageProvider().open(main.toUri())) {
      String first = commit(s, "first", true);
      String second = commit(s, "second", true);

      try (StateStorage.ReadView view = s.read()) {
        StoredVersion current = view.current().orElseThrow();
        assertThat(current.kind()).isEqualTo(StoredVersion.Kind.CURRENT);
        assertThat(current.recordedSha256()).hasValue(second);
        assertThat(current.size()).isEqualTo(6);
        try (SeekableByteChannel ch = current.open()) {
          assertThat(new String(bytes(ch), StandardCharsets.UTF_8)).isEqualTo("second");
        }
        StoredVersion backup = view.backup().orElseThrow();
        assertThat(backup.recordedSha256()).isEmpty();
        assertThat(Sha256.of(backup.open())).isEqualTo(first);
        assertThat(view.stable()).isTrue();
      }
    }
    assertThat(Files.readString(Companions.checksum(main)))
        .isEqualTo(Sha256.of(Files.newByteChannel(main)));
  }

  private static String commit(StateStorage s, String text, boolean keepBackup) throws IOException {
    try (StateStorage.WriteSession session = s.write();
        StateStorage.Write w = session.begin()) {
      w.out().write(text.getBytes(StandardCharsets.UTF_8));
      return w.commit(keepBackup, OptionalLong.empty()).sha256();
    }
  }

  @Test
  void abandonedWrite_leavesNothingAndChangesNothing() throws IOException {
    Path main = dir.resolve("s.json");
    try (StateStorage s = new LocalStorageProvider().open(main.toUri())) {
      commit(s, "kept", true);
      byte[] before = Files.readAllBytes(main);
      try (StateStorage.WriteSession session = s.write();
          StateStorage.Write w = session.begin()) {
        w.out().write(new byte[] {1, 2, 3});
      }
      assertThat(Files.readAllBytes(main)).isEqualTo(before);
      assertThat(StoreFiles.temps(dir)).isEmpty();
    }
  }

  @Test
  void readView_withoutLockFile_createsNothingAndIsStable() throws IOException {
    Path main = Files.writeString(dir.resolve("s.json"), "{}");
    try (StateStorage s = new LocalStorageProvider().open(main.toUri());
        StateStorage.ReadView view = s.read()) {
      assertThat(view.current()).isPresent();
      assertThat(view.stable()).isTrue();
      assertThat(StoreFiles.names(dir)).containsExactly("s.json");
    }
  }

  @Test
  void readView_lockFileAppearsMeanwhile_isNotStable() throws IOException {
    Path main = Files.writeString(dir.resolve("s.json"), "{}");
    try (StateStorage s = new LocalStorageProvider().open(main.toUri());
        StateStorage.ReadView view = s.read()) {
      Files.createFile(Companions.lock(main));
      assertThat(view.stable()).isFalse();
    }
  }

  @Test
  void restore_keepsTheReplacedMainAside() throws IOException {
    Path main = dir.resolve("s.json");
    try (StateStorage s = new LocalStorageProvider().open(main.toUri())) {
      commit(s, "old", true);
      commit(s, "new", true);
      Files.writeString(main, "damaged");
      try (StateStorage.WriteSession session = s.write()) {
        List<StoredVersion> candidates = session.candidates();
        assertThat(candidates)
            .extracting(StoredVersion::kind)
            .containsExactly(StoredVersion.Kind.CURRENT, StoredVersion.Kind.BACKUP);
        Optional<String> kept = session.restore(candidates.get(1));
        assertThat(Files.readString(Path.of(kept.orElseThrow()))).isEqualTo("damaged");
      }
      assertThat(Files.readString(main)).isEqualTo("old");
    }
  }

  @Test
  void journal_appendSyncTruncateRead() throws IOException {
    Path main = dir.resolve("s.json");
    try (StateStorage s = new LocalStorageProvider().open(main.toUri());
        Journal j = s.journal()) {
      assertThat(j.size()).isZero();
      try (SeekableByteChannel empty = j.read()) {
        assertThat(empty.size()).isZero();
      }
      assertThat(StoreFiles.names(dir)).isEmpty();
      j.append(ByteBuffer.wrap("frame1".getBytes(StandardCharsets.US_ASCII)));
      j.append(ByteBuffer.wrap("frame2".getBytes(StandardCharsets.US_ASCII)));
      j.sync();
      assertThat(j.size()).isEqualTo(12);
      j.truncate(6);
      try (SeekableByteChannel ch = j.read()) {
        assertThat(new String(bytes(ch), StandardCharsets.US_ASCII)).isEqualTo("frame1");
      }
      assertThatThrownBy(() -> j.truncate(7)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Files.readString(Companions.journal(main))).isEqualTo("frame1");
  }
}
