package org.mlsdm.state;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a state lives: a local path, or a URI whose scheme names a storage provider (for example
 * {@code s3://bucket/key.json}, served by a module that provides {@code
 * org.mlsdm.state.spi.StateStorageProvider}). Not a {@link Path}, because {@code Path.of} folds
 * {@code s3://} into {@code s3:/}. The last segment is the state's name, whose extension gives the
 * format.
 *
 * <p>An immutable value; equal when the path (local) or the URI (otherwise) is equal.
 */
public final class StateLocation {
  /** A scheme of two or more letters followed by {@code ://}; one letter is a Windows drive. */
  private static final Pattern URI_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+://.*");

  private final Path path;
  private final URI uri;

  private StateLocation(Path path, URI uri) {
    this.path = path;
    this.uri = uri;
  }

  /**
   * A local state file.
   *
   * @param path the file, as the user named it (relative paths resolve against the working
   *     directory when used)
   * @return the location
   * @throws NullPointerException if {@code path} is null
   */
  public static StateLocation of(Path path) {
    return new StateLocation(Objects.requireNonNull(path, "path"), null);
  }

  /**
   * A location as a user types it: {@code scheme://…} is a URI ({@code file://} URIs become local
   * paths), anything else a local path.
   *
   * @param text the location
   * @return the location
   * @throws IllegalArgumentException if {@code text} is empty, or looks like a URI and is not one,
   *     or names no state (no last segment)
   * @throws NullPointerException if {@code text} is null
   */
  public static StateLocation parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("State location is empty");
    }
    if (!URI_LIKE.matcher(text).matches()) {
      return of(Path.of(text));
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Malformed state location '" + text + "': " + e, e);
    }
    return of(uri);
  }

  /**
   * A location named by a URI; {@code file:} URIs become local paths.
   *
   * @param uri an absolute URI whose path's last segment is the state's name
   * @return the location
   * @throws IllegalArgumentException if the URI has no scheme or names no state
   * @throws NullPointerException if {@code uri} is null
   */
  public static StateLocation of(URI uri) {
    Objects.requireNonNull(uri, "uri");
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("State location has no scheme: '" + uri + "'");
    }
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      return of(Path.of(uri));
    }
    String p = uri.getPath();
    if (p == null || p.isEmpty() || p.endsWith("/")) {
      throw new IllegalArgumentException("State location names no state: '" + uri + "'");
    }
    return new StateLocation(null, uri.normalize());
  }

  /**
   * The scheme, lower case: {@code file} for local paths.
   *
   * @return the scheme
   */
  public String scheme() {
    return uri == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  /**
   * The local path, for {@code file} locations.
   *
   * @return the path as given, or empty for other schemes
   */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /**
   * The location as a URI ({@code file:} for local paths, made absolute).
   *
   * @return the URI
   */
  public URI uri() {
    return uri != null ? uri : path.toAbsolutePath().toUri();
  }

  /**
   * The state's name: the last segment.
   *
   * @return the name, empty when a local path has none
   */
  public String name() {
    if (path != null) {
      Path n = path.getFileName();
      return n == null ? "" : n.toString();
    }
    String p = uri.getPath();
    return p.substring(p.lastIndexOf('/') + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateLocation l
        && Objects.equals(path, l.path)
        && Objects.equals(uri, l.uri);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, uri);
  }

  /** The path or the URI as given. */
  @Override
  public String toString() {
    return path != null ? path.toString() : uri.toString();
  }
}
