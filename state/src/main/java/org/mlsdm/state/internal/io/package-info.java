/**
 * The local directory as a storage ({@link org.mlsdm.state.internal.io.LocalStorageProvider}, the
 * {@code file} scheme; {@link org.mlsdm.state.internal.io.LocalStateStorage}, whose Javadoc states
 * what each operation guarantees under a crash; {@link org.mlsdm.state.internal.io.LocalJournal}),
 * the names of the companion files ({@link org.mlsdm.state.internal.io.Companions}), the one
 * SHA-256 helper ({@link org.mlsdm.state.internal.io.Sha256}), the durable-file protocol and
 * hashing: {@link org.mlsdm.state.internal.io.DurableFile} (how a save replaces a file, its
 * checksum and its backup atomically, and what a crash at each step leaves), {@link
 * org.mlsdm.state.internal.io.FileOps} (the seam the fault-injection tests break, {@link
 * org.mlsdm.state.internal.io.RealFileOps} in production), {@link
 * org.mlsdm.state.internal.io.PathLocks} (in-JVM and inter-process locks), {@link
 * org.mlsdm.state.internal.io.HashingSink} and {@link org.mlsdm.state.internal.io.BlockHasher}
 * (SHA-256 computed while the bytes are written or read).
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → {@code store} → {@code schema} and the codecs ({@code
 * json}, {@code npz}) → <b>{@code io}</b>. Not exported.
 */
package org.mlsdm.state.internal.io;
