/**
 * The {@code mlsdm-state} command-line tool: an application, so it exports nothing. It is compiled
 * on the module path so that it can use only what the library exports; picocli reads and sets the
 * commands' annotated fields and instantiates their version provider reflectively, hence the
 * qualified {@code opens}.
 */
module org.mlsdm.cli {
  requires com.fasterxml.jackson.core;
  requires info.picocli;
  requires java.desktop;
  requires org.mlsdm.state;
  requires org.mlsdm.state.s3;
  requires org.slf4j;

  opens org.mlsdm.cli to
      info.picocli;
}
