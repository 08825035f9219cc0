/**
 * MLSDM state on S3-compatible object stores: a {@link org.mlsdm.state.spi.StateStorageProvider}
 * for {@code s3://} locations that publishes each save as a generation by creating one manifest
 * with {@code If-None-Match: *}. See {@link org.mlsdm.state.s3.S3StateStorage}.
 */
// The SDK's jars are automatic modules, and "s3" is the scheme this module serves.
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module org.mlsdm.state.s3 {
  requires transitive org.mlsdm.state;
  requires transitive software.amazon.awssdk.services.s3;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.identity.spi;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;

  exports org.mlsdm.state.s3;

  provides org.mlsdm.state.spi.StateStorageProvider with
      org.mlsdm.state.s3.S3StorageProvider;
}
