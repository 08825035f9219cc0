package org.mlsdm.state;

import java.util.Objects;

/**
 * How {@link SystemStates#load(java.nio.file.Path, LoadOptions)} reads. An immutable value: start
 * from {@link #defaults()} and change it with the {@code withX} methods.
 *
 * <p>Defaults: verify the checksum when a checksum file exists, and migrate older schema versions
 * through {@link MigrationRegistry#global()}.
 */
public final class LoadOptions {
  private static final LoadOptions DEFAULTS = new LoadOptions(true, true, null);

  private final boolean verifyChecksum;
  private final boolean autoMigrate;
  private final MigrationRegistry registry;

  private LoadOptions(boolean verifyChecksum, boolean autoMigrate, MigrationRegistry registry) {
    this.verifyChecksum = verifyChecksum;
    this.autoMigrate = autoMigrate;
    this.registry = registry;
  }

  /**
   * Returns the default options.
   *
   * @return verify checksums, migrate with the global registry
   */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns options that verify (true) or skip (false) the checksum.
   *
   * @param enabled whether to compare the file against its {@code .checksum} file
   * @return new options
   */
  public LoadOptions withVerifyChecksum(boolean enabled) {
    return new LoadOptions(enabled, autoMigrate, registry);
  }

  /**
   * Returns options that migrate (true) or refuse (false) files of an older schema version.
   *
   * @param enabled whether to migrate older versions to {@link SystemStates#CURRENT_SCHEMA_VERSION}
   * @return new options
   */
  public LoadOptions withAutoMigrate(boolean enabled) {
    return new LoadOptions(verifyChecksum, enabled, registry);
  }

  /**
   * Returns options that migrate through another registry.
   *
   * @param migrations the registry to use instead of {@link MigrationRegistry#global()}
   * @return new options
   * @throws NullPointerException if {@code migrations} is null
   */
  public LoadOptions withMigrations(MigrationRegistry migrations) {
    return new LoadOptions(
        verifyChecksum, autoMigrate, Objects.requireNonNull(migrations, "migrations"));
  }

  /**
   * Whether the checksum is verified when a checksum file exists.
   *
   * @return true by default
   */
  public boolean verifyChecksum() {
    return verifyChecksum;
  }

  /**
   * Whether older schema versions are migrated.
   *
   * @return true by default
   */
  public boolean autoMigrate() {
    return autoMigrate;
  }

  /**
   * The registry migrations go through.
   *
   * @return the registry set with {@link #withMigrations}, or {@link MigrationRegistry#global()}
   */
  public MigrationRegistry migrations() {
    return registry == null ? MigrationRegistry.global() : registry;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoadOptions l
        && verifyChecksum == l.verifyChecksum
        && autoMigrate == l.autoMigrate
        && Objects.equals(registry, l.registry);
  }

  @Override
  public int hashCode() {
    return Objects.hash(verifyChecksum, autoMigrate, registry);
  }

  @Override
  public String toString() {
    return "LoadOptions[verifyChecksum=" + verifyChecksum + ", autoMigrate=" + autoMigrate + "]";
  }
}
