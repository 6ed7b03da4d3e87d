package org.xroadng.securityserver.log.timestamp;

import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.certs.tsa.TimestampVerifier;
import org.xroadng.certs.tsa.VerifiedTimestamp;

/**
 * The time-stamp evidence of one message log record: its record hash, its leaf index and inclusion
 * path (RFC 9162 section 2.1.3.1) in its batch's Merkle tree, and the batch with the RFC 3161
 * token over the tree's root. Immutable: byte arrays are copied in and out.
 *
 * @param recordId   the record ({@code message_record.id})
 * @param recordHash the record's stored hash (the leaf's data: leaf hash = SHA-256(0x00 || recordHash))
 * @param leafIndex  the record's index in the batch
 * @param path       the inclusion path, leaf side first
 * @param batch      the batch and its token
 */
public record RecordStamp(long recordId, byte[] recordHash, long leafIndex, List<byte[]> path, TimestampBatch batch) {

    public RecordStamp {
        recordHash = Objects.requireNonNull(recordHash, "recordHash").clone();
        path = copy(path);
        Objects.requireNonNull(batch, "batch");
    }

    @Override
    public byte[] recordHash() {
        return recordHash.clone();
    }

    @Override
    public List<byte[]> path() {
        return copy(path);
    }

    /** Checks this evidence with {@link #verifyStamp}, the batch's TSA trusted through {@code tsaCertificate}. */
    public VerifiedTimestamp verify(X509Certificate tsaCertificate, Provider provider)
            throws ProofVerificationException, TimestampException {
        return verifyStamp(recordHash, path, leafIndex, batch.size(), batch.root(), batch.token(), tsaCertificate,
                provider);
    }

    /**
     * Checks that a record was time-stamped: {@code SHA-256(0x00 || recordHash)} is leaf
     * {@code index} of the tree of {@code size} leaves with {@code root} (RFC 9162 section 2.1.3.2,
     * by {@link ProofVerifier}), and {@code tokenDer} is an RFC 3161 token over {@code root} signed by
     * {@code tsaCertificate} ({@link TimestampVerifier}). The cheap checks come first: the record
     * hash's length, then the proof's shape and arithmetic, the token's signature last.
     *
     * @return the verified token, with its genTime: the record existed no later than that
     * @throws ProofVerificationException the record hash or the path does not lead to {@code root}
     * @throws TimestampException         the token is not a valid token over {@code root} by that TSA
     */
    public static VerifiedTimestamp verifyStamp(byte[] recordHash, List<byte[]> path, long index, long size,
                                                byte[] root, byte[] tokenDer, X509Certificate tsaCertificate,
                                                Provider provider)
            throws ProofVerificationException, TimestampException {
        if (recordHash == null || recordHash.length != MerkleHashes.HASH_SIZE) {
            throw new ProofVerificationException(ProofVerificationException.Reason.WRONG_HASH_LENGTH,
                    "record hash is not a SHA-256 hash", MerkleHashes.HASH_SIZE + " bytes",
                    recordHash == null ? "null" : recordHash.length + " bytes");
        }
        ProofVerifier.verifyInclusion(index, size, MerkleHashes.leafHash(recordHash), path, root);
        return new TimestampVerifier(provider).verify(tokenDer, root, tsaCertificate);
    }

    private static List<byte[]> copy(List<byte[]> hashes) {
        Objects.requireNonNull(hashes, "path");
        List<byte[]> copy = new ArrayList<>(hashes.size());
        for (byte[] h : hashes) {
            if (h == null || h.length != MerkleHashes.HASH_SIZE) {
                throw new IllegalArgumentException("an inclusion path hash is " + MerkleHashes.HASH_SIZE
                        + " bytes; got " + (h == null ? "none" : h.length + " bytes"));
            }
            copy.add(h.clone());
        }
        return Collections.unmodifiableList(copy);
    }

    @Override
    public String toString() {
        return "RecordStamp{record=" + recordId + ", batch=" + batch.id() + ", leaf=" + leafIndex + "/" + batch.size()
                + ", recordHash=" + HexFormat.of().formatHex(recordHash) + "}";
    }
}
