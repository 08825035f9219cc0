/**
 * The storage seam (SPI): where a state's bytes live and how a new version is published atomically.
 * Codecs, the schema, migrations, checksum verification, retries and recovery decisions stay in the
 * core; a storage only moves bytes, holds its writers' exclusion, keeps the previous version as the
 * backup, records each version's SHA-256 and lists what recovery may consider.
 *
 * <p>A {@link org.mlsdm.state.spi.StateStorageProvider} serves one location scheme and is found
 * through {@link java.util.ServiceLoader}: the core provides {@code file} (the local directory); an
 * object store plugs in from its own module ({@code provides
 * org.mlsdm.state.spi.StateStorageProvider with ...}) without the core depending on it.
 *
 * <p>Every implementation states, per operation, what a crash at any instant leaves behind. The
 * contract all keep:
 *
 * <ul>
 *   <li>{@link org.mlsdm.state.spi.StateStorage.Write#commit}: readers see either the previous
 *       version or the new one, whole, never a mix; once {@code commit} returns, the new version
 *       survives a crash or a power loss (for object stores: the server acknowledged it).
 *   <li>A failed or abandoned write leaves the current version, its checksum and its backup as they
 *       were.
 *   <li>{@link org.mlsdm.state.spi.StateStorage#read()} and everything reached through it create,
 *       change and delete nothing.
 * </ul>
 */
package org.mlsdm.state.spi;
