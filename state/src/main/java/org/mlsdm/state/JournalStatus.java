package org.mlsdm.state;

/**
 * What a state's journal ({@code NAME.journal}, see {@link Checkpointer}) held when it was loaded.
 *
 * @param present whether a journal file exists
 * @param bytes its size in bytes (0 when absent)
 * @param frames the whole frames that chain to the base and were applied
 * @param chains whether the journal's chain starts at the base (false for a stale journal, which is
 *     never applied, and when there is no journal)
 * @param tornBytes bytes after the last applied frame: a torn or corrupt tail, not loaded
 * @param problem why part or all of the journal was not applied, or null
 */
public record JournalStatus(
    boolean present, long bytes, int frames, boolean chains, long tornBytes, String problem) {}
