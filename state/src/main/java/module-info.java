/**
 * MLSDM state: validated state records, a durable JSON/NPZ store and the memory components whose
 * state it holds. Only the two API packages are exported; the store, the schema, the formats, the
 * durable-file protocol and the pickle reader live in the {@code org.mlsdm.state.internal} packages
 * behind {@link org.mlsdm.state.SystemStates} (the map of the layers is in {@code
 * org.mlsdm.state}'s package documentation).
 */
module org.mlsdm.state {
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports org.mlsdm.state;
  exports org.mlsdm.memory;
  exports org.mlsdm.state.spi;
}
