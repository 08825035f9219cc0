package org.mlsdm.state;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link SystemStates#load(java.nio.file.Path, LoadOptions)} reads. An immutable value: start
 * from {@link #defaults()} and change it with the {@code withX} methods.
 *
 * <p>Defaults: verify the checksum when a checksum file exists, migrate older schema versions
 * through {@link MigrationRegistry#global()}, and choose the format by the file name's extension.
 */
public final class LoadOptions {
  private static final LoadOptions DEFAULTS = new LoadOptions(true, true, null, null);

  private final boolean verifyChecksum;
  private final boolean autoMigrate;
  private final MigrationRegistry registry;
  private final StateFormat format;

  private LoadOptions(
      boolean verifyChecksum, boolean autoMigrate, MigrationRegistry registry, StateFormat format) {
    this.verifyChecksum = verifyChecksum;
    this.autoMigrate = autoMigrate;
    this.registry = registry;
    this.format = format;
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
   * <p>With verification on, a file whose checksum differs is refused even when it loads and
   * validates (a stale file, {@link StateCorruptionException#stale()}): the checksum does not vouch
   * for it, so it is never handed back silently. Turning verification off is the explicit request
   * to read such a file once as it is; {@link SystemStates#accept(java.nio.file.Path)} accepts it
   * for good by recording its checksum.
   *
   * @param enabled whether to compare the file against its {@code .checksum} file
   * @return new options
   */
  public LoadOptions withVerifyChecksum(boolean enabled) {
    return new LoadOptions(enabled, autoMigrate, registry, format);
  }

  /**
   * Returns options that migrate (true) or refuse (false) files of an older schema version.
   *
   * @param enabled whether to migrate older versions to {@link SystemStates#CURRENT_SCHEMA_VERSION}
   * @return new options
   */
  public LoadOptions withAutoMigrate(boolean enabled) {
    return new LoadOptions(verifyChecksum, enabled, registry, format);
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
        verifyChecksum, autoMigrate, Objects.requireNonNull(migrations, "migrations"), format);
  }

  /**
   * Returns options that read the file in an explicit format instead of the one its name's
   * extension gives: for backups ({@code state.npz.backup}) and copies under other names. A file
   * name without a state extension is then accepted.
   *
   * @param format the format, or null to choose by extension again (the default)
   * @return new options
   */
  public LoadOptions withFormat(StateFormat format) {
    return new LoadOptions(verifyChecksum, autoMigrate, registry, format);
  }

  /**
   * The explicit format, if one was set.
   *
   * @return the format set with {@link #withFormat}, or empty to choose by extension
   */
  public Optional<StateFormat> format() {
    return Optional.ofNullable(format);
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
        && Objects.equals(registry, l.registry)
        && format == l.format;
  }

  @Override
  public int hashCode() {
    return Objects.hash(verifyChecksum, autoMigrate, registry, format);
  }

  @Override
  public String toString() {
    return "LoadOptions[verifyChecksum="
        + verifyChecksum
        + ", autoMigrate="
        + autoMigrate
        + ", format="
        + (format == null ? "by extension" : format)
        + "]";
  }
}
