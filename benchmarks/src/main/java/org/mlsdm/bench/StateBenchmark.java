package org.mlsdm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code SystemStates.save} and {@code load} for each format, side by side with the physical floor
 * ({@link Floor}) and a hand-written Jackson databind POJO ({@link HandWritten}), on W-S and W-M.
 * Every operation touches the disk for real (fsync included), in a fresh temporary directory under
 * {@code java.io.tmpdir}. Run with {@code -prof gc} for the allocation per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StateBenchmark {

  /** QILM rows: 1,000 (W-S) and 10,000 (W-M). */
  @Param({"1000", "10000"})
  public int rows;

  private Path dir;
  private SystemStateRecord state;
  private Path json;
  private Path npz;
  private Path floor;
  private double[][] arrays;
  private int[] lengths;
  private Path pojoFile;
  private HandWritten.State pojo;

  /** Creates the workload and one file of each kind for the loads. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("mlsdm-jmh-");
    state = Workload.state(rows);
    json = dir.resolve("state.json");
    SystemStates.save(state, json);
    npz = dir.resolve("state.npz");
    SystemStates.save(state, npz);
    floor = dir.resolve("state.f64");
    arrays = Floor.arrays(state);
    lengths = Floor.lengths(arrays);
    Floor.save(arrays, floor);
    pojoFile = dir.resolve("pojo.json");
    pojo = HandWritten.of(state);
    HandWritten.save(pojo, pojoFile);
  }

  /** Deletes the temporary directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** The library's JSON save: serialize, hash and write in one pass; checksum; backup; fsyncs. */
  @Benchmark
  public SystemStateRecord jsonSave() {
    return SystemStates.save(state, json);
  }

  /** The library's JSON load: checksum verified, parsed, validated. */
  @Benchmark
  public SystemStateRecord jsonLoad() {
    return SystemStates.load(json);
  }

  /** The library's NPZ save: stored zip of NPY entries, hashed while written; checksum; backup. */
  @Benchmark
  public SystemStateRecord npzSave() {
    return SystemStates.save(state, npz);
  }

  /** The library's NPZ load: checksum verified, parsed, validated. */
  @Benchmark
  public SystemStateRecord npzLoad() {
    return SystemStates.load(npz);
  }

  /** Raw doubles written, fsynced, renamed. */
  @Benchmark
  public Path floorSave() throws IOException {
    Floor.save(arrays, floor);
    return floor;
  }

  /** Raw doubles read back into arrays. */
  @Benchmark
  public double[][] floorLoad() throws IOException {
    return Floor.load(floor, lengths);
  }

  /** Jackson databind of a {@code List<Double>} POJO, fsynced and renamed. */
  @Benchmark
  public Path databindSave() throws IOException {
    HandWritten.save(pojo, pojoFile);
    return pojoFile;
  }

  /** Jackson databind of a {@code List<Double>} POJO, read back. */
  @Benchmark
  public HandWritten.State databindLoad() throws IOException {
    return HandWritten.load(pojoFile);
  }
}
