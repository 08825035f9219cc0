/**
 * MLSDM state: validated state records, a durable JSON/NPZ store and the memory components whose
 * state it holds. Only the two API packages are exported; formats, the durable-file protocol and
 * the pickle reader are package-private classes behind {@link org.mlsdm.state.SystemStates}.
 */
module org.mlsdm.state {
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports org.mlsdm.state;
  exports org.mlsdm.memory;
  exports org.mlsdm.state.spi;
}
