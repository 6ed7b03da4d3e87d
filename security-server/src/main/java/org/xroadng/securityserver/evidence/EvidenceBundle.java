package org.xroadng.securityserver.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * One exchange from a security server's message log as a self-contained, versioned JSON document
 * (DESIGN.md section 6): everything needed to check it offline against an anchor, and nothing
 * secret. Hashes are lower-case hex; bodies and the time-stamp token are base64; signatures are the
 * compact JWS as exchanged (each carries its {@code x5c} certificate and the OCSP response for it).
 *
 * <p>The bundle is untrusted input: parsing checks only its shape, {@link EvidenceVerifier} decides
 * whether it proves anything.
 *
 * @param format        always {@link #FORMAT}
 * @param version       always {@link #VERSION}
 * @param configuration the signed global configuration (compact JWS) that tells which CAs and TSAs
 *                      were approved
 */
public record EvidenceBundle(String format, int version, Exchange exchange, String configuration, Message request,
                             Message response) {

    public static final String FORMAT = "xroadng-evidence";
    public static final int VERSION = 1;

    public EvidenceBundle {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
    }

    /**
     * The exchange as the message log stored it: the fields both of its records hash over.
     *
     * @param side         {@code consumer} or {@code provider}: whose log it came from
     * @param dataSubjects subjects the provider IS named (hashed into the response record only)
     * @param status       the response's HTTP status
     */
    public record Exchange(String side, String queryId, String requestId, String client, String service,
                           String method, String path, String userId, String issue, String purpose,
                           List<String> subjects, List<String> dataSubjects, int status, Instant exchangedAt) {
        public Exchange {
            Objects.requireNonNull(side, "side");
            Objects.requireNonNull(queryId, "queryId");
            Objects.requireNonNull(exchangedAt, "exchangedAt");
            subjects = subjects == null ? List.of() : List.copyOf(subjects);
            dataSubjects = dataSubjects == null ? List.of() : List.copyOf(dataSubjects);
        }
    }

    /**
     * One signed message and its log record.
     *
     * @param signature        the compact JWS over the message's digest
     * @param body             the body, base64
     * @param storedAt         when the log stored the record (hashed into it)
     * @param sealedBodySha256 SHA-256 of the body as encrypted at rest (hashed into the record)
     * @param prevHash         the previous record's hash
     * @param recordHash       the record's hash, the Merkle leaf's data
     */
    public record Message(long recordId, String signature, String body, Instant storedAt, String sealedBodySha256,
                          String prevHash, String recordHash, Stamp stamp) {
        public Message {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(storedAt, "storedAt");
            Objects.requireNonNull(sealedBodySha256, "sealedBodySha256");
            Objects.requireNonNull(prevHash, "prevHash");
            Objects.requireNonNull(recordHash, "recordHash");
            Objects.requireNonNull(stamp, "stamp");
        }
    }

    /**
     * Where the record sits in its time-stamped batch (RFC 9162 section 2.1.3.1).
     *
     * @param inclusionPath the inclusion path, leaf side first, each hash hex
     */
    public record Stamp(long leafIndex, List<String> inclusionPath, Batch batch) {
        public Stamp {
            inclusionPath = List.copyOf(inclusionPath);
            Objects.requireNonNull(batch, "batch");
        }
    }

    /**
     * A time-stamped batch.
     *
     * @param root  the Merkle root (hex), the token's message imprint
     * @param token the DER RFC 3161 TimeStampToken, base64
     */
    public record Batch(long id, String root, int size, long firstRecordId, String tsaUrl, String token,
                        Instant genTime) {
        public Batch {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(tsaUrl, "tsaUrl");
            Objects.requireNonNull(token, "token");
        }
    }

    /** The bundle as pretty-printed UTF-8 JSON. */
    public byte[] toJson() {
        try {
            return (ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an evidence bundle is always serialisable", e);
        }
    }

    /** Parses a bundle; refuses other formats and versions, unknown fields and missing ones. */
    public static EvidenceBundle parse(byte[] json) throws EvidenceFormatException {
        EvidenceBundle bundle;
        try {
            bundle = ProtocolJson.mapper().readValue(json, EvidenceBundle.class);
        } catch (JsonProcessingException e) {
            throw new EvidenceFormatException("evidence bundle is not valid JSON of the expected shape: "
                    + ProtocolJson.describe(e));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new EvidenceFormatException("evidence bundle cannot be read: " + e.getMessage());
        }
        if (bundle == null) {
            throw new EvidenceFormatException("evidence bundle is empty");
        }
        if (!FORMAT.equals(bundle.format()) || bundle.version() != VERSION) {
            throw new EvidenceFormatException("evidence bundle is format '" + bundle.format() + "' version "
                    + bundle.version() + "; expected '" + FORMAT + "' version " + VERSION);
        }
        return bundle;
    }
}
