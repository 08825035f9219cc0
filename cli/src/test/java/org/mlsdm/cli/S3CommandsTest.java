package org.mlsdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.s3.Generation;
import org.mlsdm.state.s3.S3StateStorage;
import org.mlsdm.state.s3.S3StorageConfig;
import org.mlsdm.state.s3.S3StorageProvider;
import org.mlsdm.state.s3.ceph.CephCluster;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The commands on {@code s3://} locations, against the build's Ceph cluster. */
@ExtendWith(CephCluster.class)
class S3CommandsTest {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static URI endpoint;
  private static S3Client s3;

  @TempDir Path dir;

  @BeforeAll
  static void credentials() {
    endpoint = CephCluster.get().endpoint();
    // The CLI takes credentials from the SDK's default chain; system properties are part of it.
    System.setProperty("aws.accessKeyId", CephCluster.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", CephCluster.SECRET_KEY);
    System.setProperty("aws.region", "us-east-1");
    s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            // Ceph 16 refuses the SDK's default aws-chunked trailing checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(CephCluster.ACCESS_KEY, CephCluster.SECRET_KEY)))
            .build();
  }

  private static String bucket() {
    String name =
        ("cli-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet())
            .toLowerCase(Locale.ROOT);
    s3.createBucket(b -> b.bucket(name));
    return name;
  }

  private static Cli.Run run(Object... args) {
    Object[] all = new Object[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--endpoint-url";
    all[args.length + 1] = endpoint;
    return Cli.run(all);
  }

  private static List<Generation> generations(String location) throws Exception {
    try (S3StorageProvider p =
        new S3StorageProvider(
            S3StorageConfig.builder()
                .endpoint(endpoint)
                .credentials(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CephCluster.ACCESS_KEY, CephCluster.SECRET_KEY)))
                .build())) {
      S3StateStorage storage = p.open(URI.create(location));
      return storage.generations();
    }
  }

  @Test
  void init_thenInspect_onS3_showsTheStateAndPublishesOneGeneration() throws Exception {
    String loc = "s3://" + bucket() + "/agents/a1.json";

    Cli.Run init = run("init", loc, "--id", "agent-one", "--dimension", "8");
    assertThat(init.exitCode()).as(init.toString()).isZero();
    assertThat(init.out()).contains(loc);

    Cli.Run inspect = run("inspect", loc);
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out()).contains("agent-one").contains(loc);

    List<Generation> gens = generations(loc);
    assertThat(gens).hasSize(1);
    assertThat(gens.get(0).generation()).isEqualTo(1);

    // init does not replace an existing state without --force, on S3 as on disk.
    Cli.Run again = run("init", loc, "--id", "other");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCode.EXISTS.code());
    assertThat(generations(loc)).hasSize(1);
  }

  @Test
  void convert_localToS3ToLocal_roundTripsTheState() throws Exception {
    Path local = dir.resolve("in.json");
    SystemStateRecord original = Cli.saved(local, 12, "round-trip");
    String loc = "s3://" + bucket() + "/rt/state.npz";
    Path back = dir.resolve("back.json");

    Cli.Run up = run("convert", local, loc);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(generations(loc)).hasSize(1);

    Cli.Run down = run("convert", loc, back);
    assertThat(down.exitCode()).as(down.toString()).isZero();

    // Every save stamps updated_at; everything else survives JSON -> NPZ on S3 -> JSON.
    Map<String, Object> expected = new HashMap<>(SystemStates.toMap(original));
    Map<String, Object> actual = new HashMap<>(SystemStates.toMap(SystemStates.load(back)));
    expected.remove("updated_at");
    actual.remove("updated_at");
    assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
  }

  @Test
  void generations_listsNumberTimeSizeChecksumAndId_newestFirst() throws Exception {
    String loc = "s3://" + bucket() + "/g/state.json";
    assertThat(run("init", loc, "--id", "first").exitCode()).isZero();
    assertThat(run("init", loc, "--id", "second", "--force").exitCode()).isZero();

    Cli.Run r = run("generations", loc);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Generation> gens = generations(loc);
    assertThat(gens).extracting(Generation::generation).containsExactly(2L, 1L);
    String[] lines = r.out().split("\n");
    assertThat(lines).hasSize(3);
    for (int i = 0; i < 2; i++) {
      Generation g = gens.get(i);
      assertThat(lines[i + 1])
          .startsWith(Long.toString(g.generation()))
          .contains(g.createdAt().toString())
          .contains(" " + g.size() + " ")
          .contains(g.sha256())
          .contains(g.dataKey());
    }
  }

  @Test
  void verify_ofACorruptedGeneration_fails_andRecoverFallsBackToThePreviousOne() throws Exception {
    String bucket = bucket();
    String loc = "s3://" + bucket + "/c/state.json";
    assertThat(run("init", loc, "--id", "good").exitCode()).isZero();
    assertThat(run("init", loc, "--id", "later", "--force").exitCode()).isZero();
    Generation newest = generations(loc).get(0);
    // Replace the newest generation's data object with other bytes of the same size.
    byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(newest.dataKey())).asByteArray();
    bytes[bytes.length / 2] ^= 1;
    s3.putObject(b -> b.bucket(bucket).key(newest.dataKey()), RequestBody.fromBytes(bytes));

    Cli.Run verify = run("verify", loc);
    assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.CORRUPT.code());
    Cli.Run listed = run("generations", loc, "--verify");
    assertThat(listed.exitCode()).as(listed.toString()).isEqualTo(ExitCode.CORRUPT.code());
    assertThat(listed.out()).contains("CORRUPT");

    Cli.Run recover = run("recover", loc);
    assertThat(recover.exitCode()).as(recover.toString()).isZero();
    Cli.Run after = run("inspect", loc);
    assertThat(after.exitCode()).as(after.toString()).isZero();
    assertThat(after.out()).contains("good").doesNotContain("later");
    assertThat(generations(loc)).extracting(Generation::generation).containsExactly(3L, 2L, 1L);
    assertThat(run("verify", loc).exitCode()).isZero();
  }

  @Test
  void recover_withTheTwoNewestGenerationsDamaged_republishesTheThirdAndNamesIt() throws Exception {
    String bucket = bucket();
    String loc = "s3://" + bucket + "/d/state.npz";
    for (String id : List.of("first", "second", "third")) {
      Cli.Run init = run("init", loc, "--id", id, "--force");
      assertThat(init.exitCode()).as(init.toString()).isZero();
    }
    List<Generation> gens = generations(loc);
    assertThat(gens).extracting(Generation::generation).containsExactly(3L, 2L, 1L);
    // The newest: other bytes of the same size; the one before: its data object gone.
    byte[] bytes =
        s3.getObjectAsBytes(b -> b.bucket(bucket).key(gens.get(0).dataKey())).asByteArray();
    bytes[bytes.length / 2] ^= 1;
    s3.putObject(b -> b.bucket(bucket).key(gens.get(0).dataKey()), RequestBody.fromBytes(bytes));
    s3.deleteObject(b -> b.bucket(bucket).key(gens.get(1).dataKey()));

    Cli.Run recover = run("recover", loc);

    assertThat(recover.exitCode()).as(recover.toString()).isZero();
    assertThat(recover.out())
        .contains(
            "found: " + loc + " is corrupt (checksum mismatch): expected " + gens.get(0).sha256())
        .contains("restored " + loc + " from generation 1 (the newest whose data verifies)")
        .contains("id 'first'")
        .contains("verified: " + loc + " now loads and matches its manifest");
    // Nothing was downloaded and republished from a local copy: one new generation, a copy of 1.
    List<Generation> after = generations(loc);
    assertThat(after).extracting(Generation::generation).containsExactly(4L, 3L, 2L, 1L);
    assertThat(after.get(0).sha256()).isEqualTo(gens.get(2).sha256());
    Cli.Run inspect = run("inspect", loc);
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out()).contains("first").doesNotContain("third").contains(loc);
    Cli.Run json = run("inspect", loc, "--json");
    assertThat(json.out()).contains("\"file\" : \"" + loc + "\"");
    assertThat(run("verify", loc).exitCode()).isZero();
    // A state that loads is left alone.
    Cli.Run again = run("recover", loc);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains(loc + " loads and matches its manifest");
    assertThat(generations(loc)).hasSize(4);
  }

  @Test
  void recover_whenNoGenerationVerifies_exitsUnrecoverable_andPublishesNothing() throws Exception {
    String bucket = bucket();
    String loc = "s3://" + bucket + "/u/state.json";
    assertThat(run("init", loc, "--id", "only").exitCode()).isZero();
    Generation only = generations(loc).get(0);
    s3.deleteObject(b -> b.bucket(bucket).key(only.dataKey()));

    Cli.Run recover = run("recover", loc);

    assertThat(recover.exitCode()).as(recover.toString()).isEqualTo(ExitCode.UNRECOVERABLE.code());
    assertThat(recover.err()).contains("Cannot recover " + loc);
    assertThat(generations(loc)).hasSize(1);
    Cli.Run missing = run("recover", "s3://" + bucket + "/u/none.json");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCode.NOT_FOUND.code());
  }

  @Test
  void simulate_toS3_checkpointsAsDeltaObjects_resumes_andStagedCommandsSeeTheDeltas()
      throws Exception {
    String loc = "s3://" + bucket() + "/sim/state.json";
    Cli.Run r =
        run(
            "simulate",
            loc,
            "--steps",
            "30",
            "--checkpoint-every",
            "2",
            "--dimension",
            "8",
            "--retain",
            "1000");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Generation> after30 = generations(loc);
    // The create and each of the 15 checkpoints publish a generation; between compactions a
    // checkpoint's generation names the base and the delta objects since it.
    assertThat(after30).hasSizeGreaterThanOrEqualTo(16);
    assertThat(after30).anyMatch(g -> !g.deltas().isEmpty());

    Cli.Run more =
        run("simulate", loc, "--steps", "31", "--checkpoint-every", "1", "--retain", "1000");
    assertThat(more.exitCode()).as(more.toString()).isZero();
    assertThat(more.out()).contains("resuming " + loc + " at step 31 of 31");
    // One row onto a base of many: the newest generation is a delta, not a compaction.
    assertThat(generations(loc).get(0).deltas()).isNotEmpty();

    // A staged command (convert) sees the base with every delta applied, not the base alone.
    Path back = dir.resolve("sim-back.json");
    Cli.Run down = run("convert", loc, back);
    assertThat(down.exitCode()).as(down.toString()).isZero();
    assertThat(SystemStates.load(back).qilm().size()).isEqualTo(31);
    Cli.Run inspect = run("inspect", loc);
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();

    Cli.Run compact = run("compact", loc);
    assertThat(compact.exitCode()).as(compact.toString()).isZero();
    assertThat(generations(loc).get(0).deltas()).isEmpty();
    Path folded = dir.resolve("sim-folded.json");
    assertThat(run("convert", loc, folded).exitCode()).isZero();
    // The same state; updated_at is the compaction's save.
    SystemStateRecord f = SystemStates.load(folded);
    SystemStateRecord b = SystemStates.load(back);
    assertThat(f.memoryState()).isEqualTo(b.memoryState());
    assertThat(f.qilm()).isEqualTo(b.qilm());
  }

  @Test
  void labelledPhases_convertToS3_inspectAndDiffThere_keepTheLabels() throws Exception {
    Path python = Cli.pythonFile(dir, "manager-labelled.npz");
    String loc = "s3://" + bucket() + "/py/labelled.json";

    Cli.Run up = run("convert", python, loc);
    assertThat(up.exitCode()).as(up.toString()).isZero();
    assertThat(generations(loc)).hasSize(1);

    Cli.Run inspect = run("inspect", loc);
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out()).contains("  phases     [wake, wake, wake, sleep, sleep]");
    Cli.Run diff = run("diff", python, loc);
    assertThat(diff.exitCode()).as(diff.toString()).isZero();
    assertThat(diff.out())
        .contains("  phases     equal: [wake, wake, wake, sleep, sleep]")
        .contains("result: the states match");

    Path back = dir.resolve("back.npz");
    Cli.Run down = run("convert", loc, back);
    assertThat(down.exitCode()).as(down.toString()).isZero();
    SystemStateRecord restored = SystemStates.load(back);
    assertThat(restored.qilm().hasLabels()).isTrue();
    assertThat(restored.qilm().phaseList()).isEqualTo(SystemStates.load(python).qilm().phaseList());
  }
}
