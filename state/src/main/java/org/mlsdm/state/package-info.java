/**
 * The API of the MLSDM state store, the one package of it the module exports beside {@code
 * org.mlsdm.memory}: {@link org.mlsdm.state.SystemStates} (save, load, recover, delete, convert,
 * check), the validated records ({@link org.mlsdm.state.SystemStateRecord}, {@link
 * org.mlsdm.state.MemoryStateRecord}, {@link org.mlsdm.state.QilmStateRecord}, {@link
 * org.mlsdm.state.MemoryParameters}), the options ({@link org.mlsdm.state.SaveOptions}, {@link
 * org.mlsdm.state.LoadOptions}, {@link org.mlsdm.state.StateFormat}), the diagnostics ({@link
 * org.mlsdm.state.StateInspection}, {@link org.mlsdm.state.RecoveryResult}), schema migrations
 * ({@link org.mlsdm.state.MigrationRegistry}, {@link org.mlsdm.state.MigrationStep}) and the
 * exceptions under {@link org.mlsdm.state.StateException}.
 *
 * <p>The layers, each calling only the ones below it:
 *
 * <pre>
 * org.mlsdm.state                   API: entry class, records, options, locations, diagnostics,
 *                                   migrations, exceptions
 * org.mlsdm.state.spi               the storage SPI (exported): StateStorageProvider by scheme,
 *                                   StateStorage, StoredVersion, Journal
 *   └ internal.store                StateStore: format choice, checksums, retries, migration,
 *                                   recovery decisions, over a StateStorage
 *       ├ internal.schema           StateMaps, Timestamps: records ↔ the maps the files spell out
 *       ├ internal.json             the JSON codec: JsonStateCodec, JsonFastReader, JsonTextWriter
 *       ├ internal.npz              the NPZ codec: Npz*, Npy*, Zip*, RestrictedUnpickler (pickles)
 *       └ internal.io               the local storage (LocalStorageProvider, LocalStateStorage,
 *                                   LocalJournal, Companions), the durable-file protocol
 *                                   (DurableFile, FileOps, PathLocks) and hashing (Sha256,
 *                                   HashingSink, BlockHasher)
 * internal                          Records: the one bridge by which the codecs read and build
 *                                   records without copying their arrays
 * </pre>
 *
 * <p>The codecs use the schema layer and the hashing of {@code internal.io}. Only this package,
 * {@code org.mlsdm.state.spi} and {@code org.mlsdm.memory} are exported; the {@code internal}
 * packages are public only to each other.
 */
package org.mlsdm.state;
