package org.xroadng.securityserver.log.archive;

/**
 * A message log archive that verified.
 *
 * @param files          the number of archive files, sequence 1 to {@code files}
 * @param batches        the timestamp batches in them
 * @param records        the records in them
 * @param lastRecordId   the last archived record's id (0 when the archive is empty)
 * @param lastRecordHash the last archived record's hash (hex; zeros when the archive is empty)
 * @param tokensChecked  whether every batch's RFC 3161 token was verified against a TSA certificate
 */
public record ArchiveVerification(long files, long batches, long records, long lastRecordId, String lastRecordHash,
                                  boolean tokensChecked) {
}
