/**
 * MLSDM state: validated state records, a durable JSON/NPZ store and the memory components whose
 * state it holds. The two API packages and the storage SPI ({@code org.mlsdm.state.spi}, through
 * which other modules provide storage for more location schemes) are exported; the store, the
 * schema, the formats, the durable-file protocol and the pickle reader live in the {@code
 * org.mlsdm.state.internal} packages behind {@link org.mlsdm.state.SystemStates} (the map of the
 * layers is in {@code org.mlsdm.state}'s package documentation).
 */
module org.mlsdm.state {
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports org.mlsdm.state;
  exports org.mlsdm.state.spi;
  exports org.mlsdm.memory;

  uses org.mlsdm.state.spi.StateStorageProvider;

  provides org.mlsdm.state.spi.StateStorageProvider with
      org.mlsdm.state.internal.io.LocalStorageProvider;
}
