/**
 * The memory components whose state the store persists: {@link
 * org.mlsdm.memory.MultiLevelSynapticMemory} (three float32 levels, updated bit for bit as the
 * Python class computes them with NumPy), {@link org.mlsdm.memory.Qilm} (phase-tagged vectors) and
 * {@link org.mlsdm.memory.MemoryManager}, which feeds events to both and saves and loads them
 * through {@link org.mlsdm.state.SystemStates}.
 *
 * <p>Each component converts to and from its record in {@code org.mlsdm.state} ({@code toRecord},
 * {@code fromRecord}); this package uses only that package's public API.
 */
package org.mlsdm.memory;
