/**
 * The schema layer: {@link org.mlsdm.state.internal.schema.StateMaps} converts between records and
 * the maps that migrations and {@code SystemStates.fromMap}/{@code toMap} use, shaped like the JSON
 * file; {@link org.mlsdm.state.internal.schema.Timestamps} reads and writes the files' timestamps.
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → {@code store} → <b>{@code schema}</b> and the codecs
 * ({@code json}, {@code npz}) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.schema;
