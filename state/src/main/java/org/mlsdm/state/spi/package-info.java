/**
 * The storage seam (SPI): where a state's bytes live and how a new version is published atomically.
 * Codecs, the schema, migrations and validation stay in the core; a storage only moves bytes,
 * keeps the previous version as backup, records each version's SHA-256 and lists what recovery may
 * consider. The local directory is the first implementation; an object store plugs in from its own
 * module through {@link java.util.ServiceLoader} ({@code provides
 * org.mlsdm.state.spi.StateStorageProvider with ...}).
 */
package org.mlsdm.state.spi;
