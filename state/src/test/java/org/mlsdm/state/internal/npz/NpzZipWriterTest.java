package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzZipWriterTest {
  @TempDir Path dir;

  @Test
  void write_archiveNeedingZip64_failsClearlyBeforeWritingAnything() {
    // declared 8 * 70,000 * 70,000 bytes; the rows are never touched because the size check
    // comes first
    NpyWriter huge = NpyWriter.matrix(new double[70_000][], 70_000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(
            () ->
                ZipArchiveWriter.write(
                    List.of(new ZipArchiveWriter.Entry("qilm.memory.npy", huge)), out))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("zip64");
    assertThat(out.size()).isZero();
  }

  @Test
  void write_entriesAreStoredWithExactSizesAndCrcsThatJavaUtilZipAccepts() throws IOException {
    Path file = NpzTesting.write(NpzTesting.STATE_JSON, dir.resolve("s.npz"));

    try (ZipFile zip = new ZipFile(file.toFile())) {
      List<? extends ZipEntry> entries = zip.stream().toList();
      assertThat(entries)
          .extracting(ZipEntry::getName)
          .startsWith("version.npy", "id.npy")
          .allMatch(n -> n.endsWith(".npy"))
          .hasSize(17);
      for (ZipEntry e : entries) {
        assertThat(e.getMethod()).isEqualTo(ZipEntry.STORED);
        assertThat(zip.getInputStream(e).readAllBytes()).hasSize((int) e.getSize());
      }
    }
  }
}
