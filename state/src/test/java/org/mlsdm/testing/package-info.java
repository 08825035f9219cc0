/**
 * Test helpers shared by the test packages of the state module: {@link
 * org.mlsdm.testing.TestStates} (valid states per seed), {@link org.mlsdm.testing.StoreFiles} (the
 * formats, a directory's files and temporaries, resources), {@link org.mlsdm.testing.BytesChannel}
 * (an in-memory channel), {@link org.mlsdm.testing.ReaderFuzzing} (what every reader fuzz test
 * asserts) and {@link org.mlsdm.testing.Python} (the interoperability scripts' interpreter).
 *
 * <p>The tests sit in the package of what they test, along the layers of the main code: API ({@code
 * org.mlsdm.state}) → {@code internal.store} → {@code internal.schema} and the codecs ({@code
 * internal.json}, {@code internal.npz}) → {@code internal.io}.
 */
package org.mlsdm.testing;
