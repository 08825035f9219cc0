/**
 * The store behind {@code SystemStates}: {@link org.mlsdm.state.internal.store.StateStore} chooses
 * the format (by extension, or explicitly), verifies checksums, retries, migrates old schema
 * versions, inspects and decides recoveries over a storage of the SPI ({@code
 * org.mlsdm.state.spi}), found by scheme through {@link
 * org.mlsdm.state.internal.store.StorageProviders}; {@link
 * org.mlsdm.state.internal.store.StateCodec} is what each format implements, and {@link
 * org.mlsdm.state.internal.store.Codecs} maps each format to its codec. The journal of incremental
 * checkpoints lives here too: {@link org.mlsdm.state.internal.store.JournalFormat} (the byte
 * layout, reading), {@link org.mlsdm.state.internal.store.JournalWriter} (appends, group commit,
 * compaction) and {@code JournalApply}; its bytes go through the storage SPI's {@code Journal}.
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → <b>{@code store}</b> → {@code schema} and the codecs
 * ({@code json}, {@code npz}) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.store;
