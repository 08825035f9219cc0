package org.mlsdm.state;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The entry point of the store: save, load, recover and delete state files. (Being written.)
 */
public final class SystemStates {
  /** The schema version this library writes: 1. */
  public static final int CURRENT_SCHEMA_VERSION = 1;

  private SystemStates() {}

  public static SystemStateRecord save(SystemStateRecord state, Path path) {
    return save(state, path, SaveOptions.defaults());
  }

  public static SystemStateRecord save(SystemStateRecord state, Path path, SaveOptions options) {
    throw new UnsupportedOperationException();
  }

  public static SystemStateRecord load(Path path) {
    return load(path, LoadOptions.defaults());
  }

  public static SystemStateRecord load(Path path, LoadOptions options) {
    throw new UnsupportedOperationException();
  }

  public static SystemStateRecord recover(Path path) {
    throw new UnsupportedOperationException();
  }

  public static void delete(Path path) {
    delete(path, false);
  }

  public static void delete(Path path, boolean deleteBackup) {
    throw new UnsupportedOperationException();
  }

  public static Path checksumPath(Path path) {
    return path.resolveSibling(path.getFileName() + ".checksum");
  }

  public static Path backupPath(Path path) {
    return path.resolveSibling(path.getFileName() + ".backup");
  }

  public static List<String> validateIntegrity(SystemStateRecord state) {
    throw new UnsupportedOperationException();
  }

  public static SystemStateRecord fromMap(Map<String, ?> map) {
    throw new UnsupportedOperationException();
  }

  public static Map<String, Object> toMap(SystemStateRecord state) {
    return StateMaps.toMap(state);
  }

  public static SystemStateRecord createEmpty() {
    return createEmpty(10);
  }

  public static SystemStateRecord createEmpty(int dimension) {
    return createEmpty(dimension, MemoryParameters.DEFAULTS);
  }

  public static SystemStateRecord createEmpty(int dimension, MemoryParameters parameters) {
    throw new UnsupportedOperationException();
  }
}
