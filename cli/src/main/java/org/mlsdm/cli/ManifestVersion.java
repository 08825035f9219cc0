package org.mlsdm.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the {@code Implementation-Version} of the jar's manifest (the Maven project
 * version, set by the build), and the Java runtime that runs the tool.
 */
final class ManifestVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "mlsdm-state " + (version == null ? "(development build, no jar manifest)" : version),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
