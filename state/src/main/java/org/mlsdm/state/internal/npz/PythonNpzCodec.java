package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.schema.StateMaps;
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
    // The state map is the Python dict already: lowercase level keys, ISO timestamps, lists.
    Map<String, Object> d = StateMaps.toMap(state);
    List<ZipArchiveWriter.Entry> entries;
    if (manager) {
      Map<String, Object> memory = new LinkedHashMap<>();
      ((Map<?, ?>) d.get("memory_state"))
          .forEach((k, v) -> memory.put(((String) k).replace("state_l", "state_L"), v));
      entries =
          List.of(
              new ZipArchiveWriter.Entry("format_version.npy", NpyWriter.int64(1)),
              entry("memory_state", memory, true),
              entry("qilm", d.get("qilm"), true));
    } else {
      entries = List.of(entry("state", d, false));
    }
    ZipArchiveWriter.write(entries, out);
  }

  private static ZipArchiveWriter.Entry entry(String key, Object value, boolean oneDimensional) {
    return new ZipArchiveWriter.Entry(
        key + ".npy",
        NpyWriter.pickled(oneDimensional, PickleWriter.objectArray(value, oneDimensional)));
  }

  @Override
  public Decoded read(SeekableByteChannel in, String source) throws IOException {
    return NpzStateCodec.INSTANCE.read(in, source);
  }
}
