package org.mlsdm.state.s3;

/**
 * What one {@link S3StateStorage#gc()} removed.
 *
 * @param abortedUploads multipart uploads older than the grace period, aborted
 * @param deletedDataObjects data objects no manifest names, older than the grace period, deleted
 * @param prunedGenerations generations beyond the retention removed by the pruning rule
 */
public record GcReport(int abortedUploads, int deletedDataObjects, int prunedGenerations) {}
