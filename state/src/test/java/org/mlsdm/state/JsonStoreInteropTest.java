package org.mlsdm.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.internal.schema.Timestamps;
import org.mlsdm.testing.Python;
import org.mlsdm.testing.TestStates;

/** JSON files and checksums exchanged with Python's standard library, through the whole store. */
class JsonStoreInteropTest {
  @TempDir Path dir;

  private static List<Double> floats(SystemStateRecord s) {
    List<Double> out = new ArrayList<>();
    MemoryStateRecord m = s.memoryState();
    for (double d :
        new double[] {
          m.lambdaL1(),
          m.lambdaL2(),
          m.lambdaL3(),
          m.thetaL1(),
          m.thetaL2(),
          m.gating12(),
          m.gating23()
        }) {
      out.add(d);
    }
    for (double[] level : new double[][] {m.stateL1(), m.stateL2(), m.stateL3()}) {
      for (double d : level) {
        out.add(d);
      }
    }
    for (double[] row : s.qilm().memory()) {
      for (double d : row) {
        out.add(d);
      }
    }
    for (double d : s.qilm().phases()) {
      out.add(d);
    }
    return out;
  }

  private static List<Double> parse(List<String> reprs) {
    return reprs.stream().map(Double::valueOf).toList();
  }

  @Test
  void load_pythonJsonDumpWithHashlibChecksum_verifiesAndReadsExactValues() {
    List<String> reprs = Python.run("json_store.py", "write", dir.toString()).lines().toList();
    SystemStateRecord s = SystemStates.load(dir.resolve("state.json"));
    assertThat(s.id()).isEqualTo("from-python");
    assertThat(s.updatedAt()).hasToString("2026-11-26T10:35:19.918680Z");
    assertThat(floats(s)).containsExactlyElementsOf(parse(reprs));
    assertThat(Double.doubleToRawLongBits(s.memoryState().stateL1()[1]))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void save_javaJson_pythonParsesItAndItsChecksumEqualsHashlib() {
    SystemStateRecord s = SystemStates.save(TestStates.sample(7, 6, 4), dir.resolve("state.json"));
    Python.Result r =
        Python.runAllowingFailure("json_store.py", "check", dir.resolve("state.json").toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines.get(0)).isEqualTo(s.id());
    assertThat(lines.get(1)).isEqualTo(Timestamps.format(s.updatedAt()));
    assertThat(parse(lines.subList(2, lines.size()))).containsExactlyElementsOf(floats(s));
  }
}
