package org.xroadng.securityserver.log.timestamp;

import java.time.Instant;
import java.util.Objects;

/**
 * One time-stamped batch of message log records: the Merkle root of their record hashes and the
 * RFC 3161 token over it, as stored. Immutable: byte arrays are copied in and out.
 *
 * @param id            the batch's id ({@code timestamp_batch.id})
 * @param root          the Merkle Tree Hash (RFC 9162 section 2.1.1) of the batch, the token's imprint
 * @param size          the number of records (leaves)
 * @param firstRecordId the id of leaf 0; leaf i is record {@code firstRecordId + i}
 * @param tsaUrl        the approved TSA that issued the token
 * @param token         the DER TimeStampToken (RFC 3161 section 2.4.2)
 * @param stampedAt     when this server stored the token, by its clock
 * @param genTime       the token's genTime
 */
public record TimestampBatch(long id, byte[] root, int size, long firstRecordId, String tsaUrl, byte[] token,
                             Instant stampedAt, Instant genTime) {

    public TimestampBatch {
        Objects.requireNonNull(tsaUrl, "tsaUrl");
        Objects.requireNonNull(stampedAt, "stampedAt");
        Objects.requireNonNull(genTime, "genTime");
        if (root == null || root.length != 32) {
            throw new IllegalArgumentException("a batch root is 32 bytes; got "
                    + (root == null ? "none" : root.length + " bytes"));
        }
        if (size < 1) {
            throw new IllegalArgumentException("a batch holds at least one record; got " + size);
        }
        root = root.clone();
        token = Objects.requireNonNull(token, "token").clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    /** The id of the batch's last record. */
    public long lastRecordId() {
        return firstRecordId + size - 1;
    }
}
