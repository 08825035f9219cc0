/**
 * The schema layer: {@link org.mlsdm.state.internal.schema.Schema} defines every key, alias, kind
 * and version once; codecs decode current-version files into a {@link
 * org.mlsdm.state.internal.schema.DecodedState}, which builds the record, and other files into the
 * raw form of {@link org.mlsdm.state.internal.schema.Decoded} for migrations; {@link
 * org.mlsdm.state.internal.schema.StateMaps} converts between records and the maps that migrations
 * and {@code SystemStates.fromMap}/{@code toMap} use, shaped like the JSON file; {@link
 * org.mlsdm.state.internal.schema.Timestamps} reads and writes the files' timestamps.
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → {@code store} → <b>{@code schema}</b> and the codecs
 * ({@code json}, {@code npz}) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.schema;
