package org.xroadng.securityserver.log;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a message log record's hash covers, with the sealed body reduced to its SHA-256: what
 * evidence must carry so that anyone can recompute the record hash without the log's key.
 *
 * <p>Guarantee: {@link #recordHash()} is the hash {@link H2MessageLog} stored for the row,
 * {@code SHA-256(prevHash || canonicalBytes())}, the canonical bytes being a domain label and then
 * every field in a fixed order (see {@link LogRow}). Immutable: byte arrays are copied in and out.
 *
 * @param kind             {@code request} or {@code response}
 * @param status           the response's HTTP status; null for a request
 * @param bodySha256       SHA-256 of the plaintext body
 * @param sealedBodySha256 SHA-256 of the body as sealed at rest (nonce, ciphertext and tag)
 * @param prevHash         the previous record's hash (32 zero bytes for the first record)
 */
public record RecordFields(long id, String side, String kind, String queryId, String requestId, String client,
                           String service, String method, String path, String userId, String issue, String purpose,
                           List<String> subjects, List<String> dataSubjects, Integer status, Instant exchangedAt,
                           Instant storedAt, String signature, byte[] bodySha256, byte[] sealedBodySha256,
                           byte[] prevHash) {

    private static final String HASH_DOMAIN = "xroadng/messagelog/record/v1";

    public RecordFields {
        subjects = List.copyOf(subjects);
        dataSubjects = List.copyOf(dataSubjects);
        Objects.requireNonNull(exchangedAt, "exchangedAt");
        Objects.requireNonNull(storedAt, "storedAt");
        bodySha256 = Objects.requireNonNull(bodySha256, "bodySha256").clone();
        sealedBodySha256 = Objects.requireNonNull(sealedBodySha256, "sealedBodySha256").clone();
        prevHash = Objects.requireNonNull(prevHash, "prevHash").clone();
    }

    @Override
    public byte[] bodySha256() {
        return bodySha256.clone();
    }

    @Override
    public byte[] sealedBodySha256() {
        return sealedBodySha256.clone();
    }

    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    /** SHA-256(prevHash || canonical bytes). */
    public byte[] recordHash() {
        return recordHash(LogRow.utf8(signature));
    }

    /** {@link #recordHash()}, given the UTF-8 of {@link #signature} (null when it is null), which the writer has already. */
    byte[] recordHash(byte[] signatureUtf8) {
        MessageDigest sha = LogRow.sha256();
        sha.update(prevHash);
        encodeInto(LogRow.Encoder.scratch(), signatureUtf8).digestInto(sha);
        return sha.digest();
    }

    /** The canonical encoding of the fields (without the previous hash). */
    public byte[] canonicalBytes() {
        return encodeInto(LogRow.Encoder.scratch(), LogRow.utf8(signature)).copy();
    }

    private LogRow.Encoder encodeInto(LogRow.Encoder e, byte[] signatureUtf8) {
        e.string(HASH_DOMAIN);
        e.longValue(id);
        e.string(side);
        e.string(kind);
        e.string(queryId);
        e.string(requestId);
        e.string(client);
        e.string(service);
        e.string(method);
        e.string(path);
        e.string(userId);
        e.string(issue);
        e.string(purpose);
        e.list(subjects);
        e.list(dataSubjects);
        e.status(status);
        e.instant(exchangedAt);
        e.instant(storedAt);
        e.bytes(signatureUtf8); // as e.string(signature): a length (-1 for null), then the UTF-8
        e.bytes(bodySha256);
        e.bytes(sealedBodySha256);
        return e;
    }
}
