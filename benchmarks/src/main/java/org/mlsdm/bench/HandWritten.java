package org.mlsdm.bench;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;

/**
 * What a Java user would write by hand: Jackson databind over a POJO that holds the state as {@code
 * List<Double>}, pretty-printed, written to a temporary file, fsynced and renamed; loaded with
 * {@code readValue}. No checksum, no backup, no validation.
 */
final class HandWritten {
  static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
  static final ObjectWriter WRITER = MAPPER.writerWithDefaultPrettyPrinter();

  private HandWritten() {}

  /** The state document. */
  public static final class State {
    public int version;
    public String id;
    public String created_at;
    public String updated_at;
    public Memory memory_state;
    public Qilm qilm;
  }

  /** The synaptic memory. */
  public static final class Memory {
    public int dimension;
    public double lambda_l1;
    public double lambda_l2;
    public double lambda_l3;
    public double theta_l1;
    public double theta_l2;
    public double gating12;
    public double gating23;
    public List<Double> state_l1;
    public List<Double> state_l2;
    public List<Double> state_l3;
  }

  /** The QILM. */
  public static final class Qilm {
    public List<List<Double>> memory;
    public List<Double> phases;
  }

  static State of(SystemStateRecord s) {
    MemoryStateRecord m = s.memoryState();
    QilmStateRecord q = s.qilm();
    State st = new State();
    st.version = s.version();
    st.id = s.id();
    st.created_at = s.createdAt().toString();
    st.updated_at = s.updatedAt().toString();
    Memory mem = new Memory();
    mem.dimension = m.dimension();
    mem.lambda_l1 = m.lambdaL1();
    mem.lambda_l2 = m.lambdaL2();
    mem.lambda_l3 = m.lambdaL3();
    mem.theta_l1 = m.thetaL1();
    mem.theta_l2 = m.thetaL2();
    mem.gating12 = m.gating12();
    mem.gating23 = m.gating23();
    mem.state_l1 = boxed(m.stateL1());
    mem.state_l2 = boxed(m.stateL2());
    mem.state_l3 = boxed(m.stateL3());
    st.memory_state = mem;
    Qilm ql = new Qilm();
    ql.memory = new ArrayList<>(q.size());
    for (int i = 0; i < q.size(); i++) {
      ql.memory.add(boxed(q.row(i)));
    }
    ql.phases = boxed(q.phases());
    st.qilm = ql;
    return st;
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  static void save(State state, Path target) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
      WRITER.writeValue(out, state);
      out.getFD().sync();
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static State load(Path file) throws IOException {
    return MAPPER.readValue(file.toFile(), State.class);
  }
}
