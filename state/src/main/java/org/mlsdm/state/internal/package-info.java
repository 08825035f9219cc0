/**
 * Internals of the state store, not exported by the module. This package holds only {@link
 * org.mlsdm.state.internal.Records}, the bridge by which the codecs read the records' arrays and
 * build records that adopt freshly decoded arrays; its subpackages hold the layers below the API:
 * {@code store} → {@code schema} and the codecs ({@code json}, {@code npz}) → {@code io}. The full
 * map is in the {@code org.mlsdm.state} package documentation.
 */
package org.mlsdm.state.internal;
