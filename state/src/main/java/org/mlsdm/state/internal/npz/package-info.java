/**
 * The NPZ format: {@link org.mlsdm.state.internal.npz.NpzStateCodec} (the codec), the zip container
 * ({@link org.mlsdm.state.internal.npz.ZipArchiveReader}, {@link
 * org.mlsdm.state.internal.npz.ZipArchiveWriter}), the {@code .npy} arrays ({@link
 * org.mlsdm.state.internal.npz.NpyHeader}, {@link org.mlsdm.state.internal.npz.NpyReader}, {@link
 * org.mlsdm.state.internal.npz.NpyWriter}) and {@link
 * org.mlsdm.state.internal.npz.RestrictedUnpickler}, which reads the pickled object arrays the
 * Python system writes without loading any class.
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → {@code store} → {@code schema} and the codecs ({@code
 * json}, <b>{@code npz}</b>) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.npz;
