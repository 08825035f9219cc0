/**
 * The {@code mlsdm-state} command-line tool, built on picocli over the library's public API ({@link
 * org.mlsdm.state.SystemStates} and {@link org.mlsdm.memory.MemoryManager}).
 *
 * <p>{@link org.mlsdm.cli.Main} builds the command tree: {@code StateTool} is the top-level command
 * and holds {@code --verbose}; each subcommand is one {@code *Command} class. What they share:
 * {@code Console} (stdout, progress, usage errors), {@code StateFiles} (loading with the checksum's
 * status, backups), {@code ErrorHandler} and {@code ExitCode} (one-line errors, documented exit
 * codes), {@code Report} and {@code Levels} (formatting, norms). {@code Simulation}, {@code
 * ShutdownSignal} and {@code NormPlot} are the simulate command's workload, Ctrl-C handling and PNG
 * plot.
 */
package org.mlsdm.cli;
