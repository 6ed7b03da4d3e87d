package org.xroadng.protocol.accesslog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.ManagementRequests;

/**
 * The JSON forms of {@link Checkpoint}, {@link CheckpointSubmission} and {@link WitnessedCheckpoint}.
 * Readers are strict: every member required (but a checkpoint's optional {@code noteKey}), no
 * unknown member, identifiers and hashes validated;
 * anything else is an {@link AccessLogFormatException} naming the member and what was expected.
 *
 * <p>A checkpoint is signed as a compact JWS (RFC 7515, ES256) whose payload is
 * {@code {"origin","size","rootHash","time"}} and, for a server with an access-log note key,
 * {@code "noteKey"} (see {@link Checkpoint}), with the signer's chain in {@code x5c} and the OCSP
 * response for the signing certificate in the protected header parameter
 * {@value ManagementRequests#OCSP_PARAM}, as management requests carry theirs.
 */
public final class CheckpointCodec {

    private static final Set<String> CHECKPOINT_FIELDS = Set.of("origin", "size", "rootHash", "time");
    private static final Set<String> SUBMISSION_FIELDS = Set.of("checkpoint", "timestamp", "fromSize", "consistency");
    private static final Set<String> WITNESSED_FIELDS = Set.of("checkpoint", "timestamp", "size", "rootHash",
            "witnessedAt");

    private CheckpointCodec() {
    }

    /** The checkpoint's JSON payload, members in the order origin, size, rootHash, time and, when set, noteKey. */
    public static byte[] payload(Checkpoint checkpoint) {
        ObjectNode json = ProtocolJson.mapper().createObjectNode();
        json.put("origin", checkpoint.origin().format());
        json.put("size", checkpoint.size());
        json.put("rootHash", checkpoint.rootHash());
        json.put("time", checkpoint.time().toString());
        if (checkpoint.noteKey() != null) {
            json.put("noteKey", checkpoint.noteKey());
        }
        return bytes(json);
    }

    /** Signs the checkpoint: a compact JWS carrying {@code ocspResponse} (DER) for the signing certificate. */
    public static String sign(Checkpoint checkpoint, JwsSigner signer, byte[] ocspResponse) throws SigningException {
        return signer.sign(payload(checkpoint), Map.of(ManagementRequests.OCSP_PARAM,
                Base64.getEncoder().encodeToString(ocspResponse)));
    }

    /** Reads a checkpoint payload (the verified JWS's payload bytes). */
    public static Checkpoint checkpoint(byte[] payload) throws AccessLogFormatException {
        JsonNode json = object(payload, "checkpoint payload", CHECKPOINT_FIELDS, Set.of("noteKey"));
        SecurityServerId origin;
        try {
            origin = SecurityServerId.parse(text(json, "origin", "checkpoint payload"));
        } catch (InvalidIdentifierException e) {
            throw new AccessLogFormatException("checkpoint payload: origin: " + e.getMessage(), e);
        }
        long size = number(json, "size", "checkpoint payload");
        String root = text(json, "rootHash", "checkpoint payload");
        Instant time = instant(json, "time", "checkpoint payload");
        try {
            return new Checkpoint(origin, size, root, time,
                    json.has("noteKey") ? text(json, "noteKey", "checkpoint payload") : null);
        } catch (IllegalArgumentException e) {
            throw new AccessLogFormatException("checkpoint payload: " + e.getMessage(), e);
        }
    }

    /** Reads the payload of a compact JWS without verifying its signature (the caller verifies, or compares with the witness). */
    public static Checkpoint unverifiedCheckpoint(String compactJws) throws AccessLogFormatException {
        if (compactJws == null) {
            throw new AccessLogFormatException("checkpoint: expected a compact JWS; actual nothing");
        }
        String[] parts = compactJws.split("\\.", -1);
        if (parts.length != 3) {
            throw new AccessLogFormatException("checkpoint: expected a compact JWS of three parts; actual "
                    + parts.length);
        }
        try {
            return checkpoint(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new AccessLogFormatException("checkpoint: the JWS payload is not base64url: " + e.getMessage(), e);
        }
    }

    public static byte[] submission(CheckpointSubmission submission) {
        ObjectNode json = ProtocolJson.mapper().createObjectNode();
        json.put("checkpoint", submission.checkpoint());
        json.put("timestamp", submission.timestamp());
        json.put("fromSize", submission.fromSize());
        ArrayNode proof = json.putArray("consistency");
        submission.consistency().forEach(proof::add);
        return bytes(json);
    }

    public static CheckpointSubmission submission(byte[] body) throws AccessLogFormatException {
        String what = "checkpoint submission";
        JsonNode json = object(body, what, SUBMISSION_FIELDS);
        String checkpoint = text(json, "checkpoint", what);
        String timestamp = text(json, "timestamp", what);
        long fromSize = number(json, "fromSize", what);
        JsonNode consistency = json.get("consistency");
        if (!consistency.isArray()) {
            throw new AccessLogFormatException(what + ": expected member 'consistency' as an array of base64url"
                    + " hashes; actual " + consistency.getNodeType().name().toLowerCase());
        }
        List<String> proof = new ArrayList<>();
        for (int i = 0; i < consistency.size(); i++) {
            JsonNode hash = consistency.get(i);
            if (!hash.isTextual()) {
                throw new AccessLogFormatException(what + ": consistency[" + i + "]: expected a base64url hash");
            }
            try {
                Checkpoint.decodeHash(hash.asText(), "consistency[" + i + "]");
            } catch (IllegalArgumentException e) {
                throw new AccessLogFormatException(what + ": " + e.getMessage(), e);
            }
            proof.add(hash.asText());
        }
        return new CheckpointSubmission(checkpoint, timestamp, fromSize, proof);
    }

    public static byte[] witnessed(WitnessedCheckpoint witnessed) {
        ObjectNode json = ProtocolJson.mapper().createObjectNode();
        json.put("checkpoint", witnessed.checkpoint());
        json.put("timestamp", witnessed.timestamp());
        json.put("size", witnessed.size());
        json.put("rootHash", witnessed.rootHash());
        json.put("witnessedAt", witnessed.witnessedAt().toString());
        return bytes(json);
    }

    public static WitnessedCheckpoint witnessed(byte[] body) throws AccessLogFormatException {
        String what = "witnessed checkpoint";
        JsonNode json = object(body, what, WITNESSED_FIELDS);
        try {
            return new WitnessedCheckpoint(text(json, "checkpoint", what), text(json, "timestamp", what),
                    number(json, "size", what), text(json, "rootHash", what), instant(json, "witnessedAt", what));
        } catch (IllegalArgumentException e) {
            throw new AccessLogFormatException(what + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode object(byte[] body, String what, Set<String> fields) throws AccessLogFormatException {
        return object(body, what, fields, Set.of());
    }

    /** A JSON object with every member of {@code fields}, any of {@code optional}, and no other member. */
    private static JsonNode object(byte[] body, String what, Set<String> fields, Set<String> optional)
            throws AccessLogFormatException {
        JsonNode json;
        try {
            json = ProtocolJson.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new AccessLogFormatException(what + ": expected a JSON object; actual text that is not JSON ("
                    + ProtocolJson.describe(e) + ")", e);
        } catch (IOException e) {
            throw new AccessLogFormatException(what + ": cannot be read: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new AccessLogFormatException(what + ": expected a JSON object with members " + fields.stream()
                    .sorted().toList());
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name) && !optional.contains(name)) {
                throw new AccessLogFormatException(what + ": unknown member '" + name + "'; expected only "
                        + fields.stream().sorted().toList() + (optional.isEmpty() ? "" : " and optionally "
                        + optional.stream().sorted().toList()));
            }
        }
        for (String field : fields) {
            if (!json.hasNonNull(field)) {
                throw new AccessLogFormatException(what + ": member '" + field + "' is missing");
            }
        }
        return json;
    }

    private static String text(JsonNode json, String field, String what) throws AccessLogFormatException {
        JsonNode value = json.get(field);
        if (!value.isTextual()) {
            throw new AccessLogFormatException(what + ": expected member '" + field + "' as a string; actual "
                    + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    private static long number(JsonNode json, String field, String what) throws AccessLogFormatException {
        JsonNode value = json.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new AccessLogFormatException(what + ": expected member '" + field
                    + "' as a whole number, 0 or more; actual " + value);
        }
        return value.asLong();
    }

    private static Instant instant(JsonNode json, String field, String what) throws AccessLogFormatException {
        String text = text(json, field, what);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new AccessLogFormatException(what + ": expected member '" + field
                    + "' as an RFC 3339 UTC time such as 2026-01-31T12:00:00Z; actual '" + text + "'", e);
        }
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return ProtocolJson.mapper().writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
        }
    }
}
