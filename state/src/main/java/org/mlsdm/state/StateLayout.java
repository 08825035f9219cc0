package org.mlsdm.state;

/**
 * Which system's file layout a save writes ({@link SaveOptions#withLayout}). Loading reads every
 * layout without being told. Every layout gets the store's checksum and backup (the Python system
 * ignores them) and the same atomic, retried write.
 *
 * <table>
 *   <caption>What each layout writes</caption>
 *   <tr><th>layout</th><th>{@code .json}</th><th>{@code .npz}</th></tr>
 *   <tr><td>{@link #NATIVE}</td><td>API.md §4, which the Python state store reads</td>
 *       <td>native arrays (API.md §5), no pickle</td></tr>
 *   <tr><td>{@link #PYTHON_STATE_STORE}</td><td>the same as {@code NATIVE}</td>
 *       <td>one entry {@code state}: a 0-d object array holding the pickled dict, as {@code
 *       np.savez(tmp, state=d)} writes it</td></tr>
 *   <tr><td>{@link #PYTHON_MEMORY_MANAGER}</td><td>{@code format_version}, {@code memory_state}
 *       with {@code state_L1}…, {@code qilm}</td>
 *       <td>{@code format_version} (0-d int64), {@code memory_state} and {@code qilm} as 1-element
 *       object arrays holding pickled dicts</td></tr>
 * </table>
 *
 * <p>The pickles use protocol 3 and name only {@code numpy.core.multiarray._reconstruct}, {@code
 * numpy.ndarray} and {@code numpy.dtype}, which numpy 1.x and 2.x both load and the library's own
 * allow-listed reader accepts. Strings in them must not hold lone surrogates.
 *
 * <p>The {@code MemoryManager} layout has no id, no timestamps and no schema version: a later load
 * reads it as schema version 0 and migrates it, so it comes back with no id and the time of
 * loading.
 */
public enum StateLayout {
  /** This library's own layout, the default. */
  NATIVE,
  /** What the Python state store ({@code save_system_state}) writes and reads. */
  PYTHON_STATE_STORE,
  /** What the Python {@code MemoryManager} writes and reads. */
  PYTHON_MEMORY_MANAGER
}
