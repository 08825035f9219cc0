package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.StateMaps;
import org.mlsdm.state.internal.schema.Timestamps;
import org.mlsdm.state.internal.store.StateCodec;

/**
 * Writes the NPZ layouts of the Python system, whose loaders need {@code allow_pickle=True}; reads
 * as {@link NpzStateCodec} does, which reads these layouts too.
 *
 * <pre>
 * layout          entry (name + ".npy")   dtype  shape  holds
 * state store     state                   |O     ()     the pickled dict: version, id (or None),
 *                                                       created_at, updated_at (ISO strings),
 *                                                       memory_state {dimension, lambda_l1 …,
 *                                                       state_l1 …}, qilm {memory, phases}
 * MemoryManager   format_version          &lt;i8    ()     1
 *                 memory_state            |O     (1,)   the pickled dict {dimension, lambda_l1 …,
 *                                                       state_L1, state_L2, state_L3}
 *                 qilm                    |O     (1,)   the pickled dict {memory, phases}
 * </pre>
 *
 * Lists hold Python floats, labelled phases Python strings; the pickles are {@link PickleWriter}'s.
 */
public final class PythonNpzCodec implements StateCodec {
  /** The Python state store's layout: one pickled {@code state} entry. */
  public static final PythonNpzCodec STATE_STORE = new PythonNpzCodec(false);

  /** The Python {@code MemoryManager}'s layout. */
  public static final PythonNpzCodec MEMORY_MANAGER = new PythonNpzCodec(true);

  private final boolean manager;

  private PythonNpzCodec(boolean manager) {
    this.manager = manager;
  }

  @Override
  public void write(SystemStateRecord state, OutputStream out) throws IOException {
    Map<String, Object> memory = memoryState(state.memoryState(), manager);
    Map<String, Object> qilm = new LinkedHashMap<>();
    qilm.put("memory", Records.access().rows(state.qilm()));
    qilm.put("phases", StateMaps.phases(state.qilm()));
    List<ZipArchiveWriter.Entry> entries;
    if (manager) {
      entries =
          List.of(
              new ZipArchiveWriter.Entry("format_version.npy", NpyWriter.int64(1)),
              entry("memory_state", memory, true),
              entry("qilm", qilm, true));
    } else {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("version", state.version());
      d.put("id", state.id());
      d.put("created_at", Timestamps.format(state.createdAt()));
      d.put("updated_at", Timestamps.format(state.updatedAt()));
      d.put("memory_state", memory);
      d.put("qilm", qilm);
      entries = List.of(entry("state", d, false));
    }
    ZipArchiveWriter.write(entries, out);
  }

  /** The memory state's dict, its level keys spelled as the layout spells them. */
  static Map<String, Object> memoryState(MemoryStateRecord m, boolean upperCaseLevels) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("dimension", m.dimension());
    d.put("lambda_l1", m.lambdaL1());
    d.put("lambda_l2", m.lambdaL2());
    d.put("lambda_l3", m.lambdaL3());
    d.put("theta_l1", m.thetaL1());
    d.put("theta_l2", m.thetaL2());
    d.put("gating12", m.gating12());
    d.put("gating23", m.gating23());
    String level = upperCaseLevels ? "state_L" : "state_l";
    d.put(level + "1", Records.access().l1(m));
    d.put(level + "2", Records.access().l2(m));
    d.put(level + "3", Records.access().l3(m));
    return d;
  }

  private static ZipArchiveWriter.Entry entry(String key, Object value, boolean oneDimensional) {
    return new ZipArchiveWriter.Entry(
        key + ".npy",
        NpyWriter.pickled(oneDimensional, PickleWriter.objectArray(value, oneDimensional)));
  }

  @Override
  public Map<String, Object> read(SeekableByteChannel in, String source) throws IOException {
    return NpzStateCodec.INSTANCE.read(in, source);
  }
}
