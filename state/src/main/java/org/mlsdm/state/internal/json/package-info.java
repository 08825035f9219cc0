/**
 * The JSON format: {@link org.mlsdm.state.internal.json.JsonStateCodec} (the codec; its full reader
 * uses Jackson's streaming API), {@link org.mlsdm.state.internal.json.JsonFastReader} (the one-pass
 * reader of the layout the library writes) and {@link org.mlsdm.state.internal.json.JsonTextWriter}
 * (the writer).
 *
 * <p>Layers: API ({@code org.mlsdm.state}) → {@code store} → {@code schema} and the codecs
 * (<b>{@code json}</b>, {@code npz}) → {@code io}. Not exported.
 */
package org.mlsdm.state.internal.json;
