/**
 * The store behind {@code SystemStates}: {@link org.mlsdm.state.internal.store.StateStore} chooses
 * the format ({@link org.mlsdm.state.internal.store.StateFormat}, by extension), takes the locks,
 * retries, migrates old schema versions and recovers; {@link
 * org.mlsdm.state.internal.store.StateCodec} is what each format implements.
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → <b>{@code store}</b> → {@code schema} and the codecs
 * ({@code json}, {@code npz}) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.store;
