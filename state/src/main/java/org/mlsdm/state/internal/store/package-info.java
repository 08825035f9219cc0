/**
 * The store behind {@code SystemStates}: {@link org.mlsdm.state.internal.store.StateStore} chooses
 * the format ({@link org.mlsdm.state.internal.store.StateFormat}, by extension), takes the locks,
 * retries, migrates old schema versions and recovers; {@link
 * org.mlsdm.state.internal.store.StateCodec} is what each format implements. The journal of
 * incremental checkpoints lives here too: {@link org.mlsdm.state.internal.store.JournalFormat} (the
 * byte layout, reading), {@link org.mlsdm.state.internal.store.JournalWriter} (appends, group
 * commit, compaction) and {@code JournalApply}; its file I/O goes through {@code JournalIo}, shaped
 * like the storage SPI's {@code Journal} (issue 9) so that it can move behind it.
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → <b>{@code store}</b> → {@code schema} and the codecs
 * ({@code json}, {@code npz}) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.store;
