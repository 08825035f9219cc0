package org.mlsdm.state.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Locations, keys, the manifest format and configuration checks; no server needed. */
class S3LocationAndManifestTest {
  private static final S3Location LOC = S3Location.of("bucket", "a/b/state.npz", "pre/");
  private static final String DATA = LOC.dataPrefix() + "20261130T210000Z-" + "ab".repeat(16);
  private static final String SHA = "0123456789abcdef".repeat(4);

  @Test
  void keys_followTheDocumentedLayout() {
    assertThat(LOC.manifestKey(12))
        .isEqualTo("pre/a/b/state.npz/manifests/00000000000000000012.json");
    assertThat(LOC.generationOf(LOC.manifestKey(12))).isEqualTo(12);
    assertThat(LOC.generationOf("pre/a/b/state.npz/manifests/x/00000000000000000012.json"))
        .isEqualTo(-1);
    assertThat(LOC.isDataKey(DATA)).isTrue();
    assertThat(LOC.isDataKey(DATA + "/../x")).isFalse();
    assertThat(LOC.name()).isEqualTo("state.npz");
    assertThat(S3Location.parse(URI.create("s3://bucket/a/b/state.npz"), "").describe())
        .isEqualTo("s3://bucket/a/b/state.npz");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3://bucket/state.txt",
        "s3://bucket//state.json",
        "s3://bucket/a/../state.json",
        "s3://Bucket/state.json",
        "s3://bucket/state.json?x=1",
        "file:///tmp/state.json",
        "s3://bucket/"
      })
  void parse_refusesMalformedLocations_namingThem(String uri) {
    assertThatThrownBy(() -> S3Location.parse(URI.create(uri), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got");
  }

  @Test
  void manifest_roundTrips() throws Exception {
    Generation g =
        new Generation(
            7,
            6,
            DATA,
            42,
            SHA,
            Instant.parse("2026-11-30T21:00:00.123Z"),
            "w",
            OptionalLong.of(3),
            false);
    assertThat(Manifests.decode(Manifests.encode(g), "k", 7, LOC)).isEqualTo(g);
    Generation marker =
        new Generation(8, 7, "", 0, "", Instant.EPOCH, "w", OptionalLong.empty(), true);
    assertThat(Manifests.decode(Manifests.encode(marker), "k", 8, LOC)).isEqualTo(marker);
  }

  @Test
  void manifest_withDeltas_isFormat2AndRoundTrips_withoutIsFormat1AsBefore() throws Exception {
    Generation.Delta d1 =
        new Generation.Delta(LOC.dataPrefix() + "20261130T210001Z-" + "cd".repeat(16), 10, SHA);
    Generation.Delta d2 =
        new Generation.Delta(LOC.dataPrefix() + "20261130T210002Z-" + "ef".repeat(16), 20, SHA);
    Generation g =
        new Generation(
            9,
            8,
            DATA,
            42,
            SHA,
            Instant.parse("2026-11-30T21:00:00.123Z"),
            "w",
            OptionalLong.empty(),
            false,
            List.of(d1, d2));
    byte[] bytes = Manifests.encode(g);
    String json = new String(bytes, StandardCharsets.UTF_8);
    assertThat(json).startsWith("{\"format\":\"mlsdm-s3-manifest/2\"").contains("\"deltas\":[{");
    assertThat(Manifests.decode(bytes, "k", 9, LOC)).isEqualTo(g);
    assertThat(g.deltaBytes()).isEqualTo(30);
    // Without deltas the bytes are format 1's, which every older reader reads.
    Generation plain =
        new Generation(
            9, 8, DATA, 42, SHA, g.createdAt(), "w", OptionalLong.empty(), false, List.of());
    assertThat(new String(Manifests.encode(plain), StandardCharsets.UTF_8))
        .startsWith("{\"format\":\"mlsdm-s3-manifest/1\"")
        .doesNotContain("deltas");
    // An older reader refused any format but 1; format 1 naming deltas is refused here too.
    byte[] v1WithDeltas = json.replace("manifest/2", "manifest/1").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Manifests.decode(v1WithDeltas, "k", 9, LOC))
        .hasMessageContaining("deltas are present exactly in format mlsdm-s3-manifest/2");
    byte[] foreignDelta =
        json.replace(d2.key(), "elsewhere/data/x").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Manifests.decode(foreignDelta, "k", 9, LOC))
        .hasMessageContaining("names delta elsewhere/data/x, not a data key");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "{}",
        "{\"format\":\"mlsdm-s3-manifest/2\"}",
        "{\"format\":\"mlsdm-s3-manifest/3\"}",
        "{\"format\":\"mlsdm-s3-manifest/2\",\"deltas\":[]}",
        "{\"format\":\"mlsdm-s3-manifest/2\",\"deltas\":[{\"key\":\"D\",\"key\":\"D\"}]}",
        "{\"format\":\"mlsdm-s3-manifest/2\",\"deltas\":[{\"key\":\"D\",\"size\":0,"
            + "\"sha256\":\"S\"}]}",
        "{\"format\":\"mlsdm-s3-manifest/2\",\"deltas\":{}}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"format\":\"mlsdm-s3-manifest/1\"}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"extra\":1}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"generation\":-1}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"generation\":1.5}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"generation\":123456789012345678901234}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"generation\":1} trailing",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"generation\":1,\"previous\":0,"
            + "\"created_at\":\"2026-11-30T21:00:00Z\",\"writer\":\"w\"}",
        "{\"format\":\"mlsdm-s3-manifest/1\",\"generation\":1,\"previous\":1,\"data\":\"D\","
            + "\"size\":1,\"sha256\":\"S\",\"created_at\":\"2026-11-30T21:00:00Z\",\"writer\":\"w\"}"
      })
  void decode_refusesWhatTheStoreNeverWrites(String json) {
    byte[] bytes =
        json.replace("\"D\"", "\"" + DATA + "\"")
            .replace("\"S\"", "\"" + SHA + "\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Manifests.decode(bytes, "the-key", 1, LOC))
        .isInstanceOf(Manifests.ManifestException.class)
        .hasMessageContaining("manifest the-key");
  }

  @Test
  void config_refusesBadValues_namingParameterAndValue() {
    assertThatThrownBy(() -> S3StorageConfig.builder().retention(1))
        .hasMessage("retention must be >= 2, got 1");
    assertThatThrownBy(() -> S3StorageConfig.builder().partSize(1024))
        .hasMessageContaining("partSize must be in")
        .hasMessageContaining("got 1024");
    assertThatThrownBy(() -> S3StorageConfig.builder().gracePeriod(Duration.ofSeconds(-1)))
        .hasMessageContaining("gracePeriod must be >= 0");
    assertThatThrownBy(() -> S3StorageConfig.builder().endpoint(URI.create("ftp://x")))
        .hasMessageContaining("endpoint must be an http(s) URI, got ftp://x");
    assertThatThrownBy(() -> S3StorageConfig.builder().bucket("UPPER"))
        .hasMessageContaining("got UPPER");
    assertThat(S3StorageConfig.builder().build().writerId()).matches(".+/[0-9]+/[0-9a-f]{8}");
  }
}
