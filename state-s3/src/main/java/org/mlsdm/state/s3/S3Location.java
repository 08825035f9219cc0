package org.mlsdm.state.s3;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One state's place in a bucket and the keys derived from it. For {@code s3://BUCKET/KEY} and a
 * configured prefix {@code P}, everything lives under {@code P KEY /}:
 *
 * <pre>
 * P KEY/manifests/00000000000000000012.json   one per generation, created with If-None-Match: *
 * P KEY/data/20261130T210000Z-&lt;32 hex&gt;      immutable data objects, one per write
 * </pre>
 */
final class S3Location {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern MANIFEST_NAME = Pattern.compile("[0-9]{20}\\.json");
  private static final int MAX_KEY = 900;

  final String bucket;
  final String key;
  final String base;

  private S3Location(String bucket, String key, String prefix) {
    this.bucket = bucket;
    this.key = key;
    this.base = prefix + key + "/";
  }

  static String checkBucket(String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "bucket must be 3-63 chars of a-z 0-9 . - (S3 naming rules), got " + bucket);
    }
    return bucket;
  }

  /**
   * Parses {@code s3://bucket/key}.
   *
   * @throws IllegalArgumentException naming the location when it is not such a URI
   */
  static S3Location parse(URI uri, String prefix) {
    if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("s3")) {
      throw new IllegalArgumentException("location must be an s3:// URI, got " + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "location must be s3://bucket/key without query, fragment or user, got " + uri);
    }
    String path = uri.getPath();
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("location must be s3://bucket/key, got " + uri);
    }
    return of(checkBucket(uri.getHost()), path.substring(1), prefix);
  }

  /**
   * A location in {@code bucket} under {@code key}.
   *
   * @throws IllegalArgumentException if the key is empty, too long, has empty, {@code .} or {@code
   *     ..} segments or control characters, or does not end in .json or .npz
   */
  static S3Location of(String bucket, String key, String prefix) {
    if (key.isEmpty() || key.length() > MAX_KEY) {
      throw new IllegalArgumentException("key must be 1-" + MAX_KEY + " chars, got " + key);
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("key must not have empty, . or .. segments, got " + key);
      }
    }
    if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("key must not contain control characters, got " + key);
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".json") && !lower.endsWith(".npz")) {
      throw new IllegalArgumentException("key must end in .json or .npz, got " + key);
    }
    return new S3Location(checkBucket(bucket), key, prefix);
  }

  String name() {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  String describe() {
    return "s3://" + bucket + "/" + key;
  }

  String manifestsPrefix() {
    return base + "manifests/";
  }

  String dataPrefix() {
    return base + "data/";
  }

  String manifestKey(long generation) {
    return manifestsPrefix() + String.format(Locale.ROOT, "%020d", generation) + ".json";
  }

  /** The generation a manifest key names, or -1 for any other key. */
  long generationOf(String objectKey) {
    if (!objectKey.startsWith(manifestsPrefix())) {
      return -1;
    }
    String rest = objectKey.substring(manifestsPrefix().length());
    if (!MANIFEST_NAME.matcher(rest).matches()) {
      return -1;
    }
    try {
      return Long.parseLong(rest.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether a key is one this store would have chosen for a data object of this state. */
  boolean isDataKey(String objectKey) {
    return objectKey.startsWith(dataPrefix())
        && objectKey.substring(dataPrefix().length()).matches("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{32}");
  }
}
