package org.xroadng.registry.api;

import java.nio.charset.StandardCharsets;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;

import java.util.Optional;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.WitnessClient;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.MediaTypes;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.registry.witness.CheckpointRefusedException;
import org.xroadng.registry.witness.CheckpointWitnessListener;
import org.xroadng.registry.witness.CheckpointWitness;

/**
 * The checkpoint witness over HTTP, without an API key (the submissions authenticate themselves by
 * their signatures), in the shape {@link WitnessClient} expects:
 * <ul>
 *   <li>{@code POST /witness/checkpoints} with a checkpoint submission (JSON, see
 *       {@link CheckpointCodec#submission(byte[])}) answers the witnessed checkpoint (JSON, see
 *       {@link CheckpointCodec#witnessed(byte[])}): <b>201</b> when it was accepted and stored (with
 *       {@code Location} naming it), <b>200</b> when it has the size and root of the last accepted
 *       one (idempotent: the stored one is answered, nothing is stored). A refusal is answered
 *       {@code {"type", "message", "detail"}} with the type {@code Witness.<Reason>} and the status:
 *       <ul>
 *         <li><b>400</b>: {@code Witness.Malformed} (not the strict JSON form, an unknown member, not a
 *             compact JWS, a bad payload, timestamp or proof length), {@code Witness.TimeInFuture},
 *             {@code Witness.TimeNotStamped} (the checkpoint's time is not the timestamp's);
 *         <li><b>403</b>: {@code Witness.BadSignature}, {@code Witness.CertificateInvalid},
 *             {@code Witness.CertificateRevoked}, {@code Witness.OcspStaleOrMissing},
 *             {@code Witness.UnknownServer} (origin not registered), {@code Witness.SignerMismatch}
 *             (signer is not the origin's owner), {@code Witness.BadTimestamp} (not by an approved
 *             TSA over the JWS);
 *         <li><b>409</b>: {@code Witness.StaleFromSize} (the message names the size the witness
 *             holds), {@code Witness.TimeBeforeLast}, {@code Witness.InconsistentHistory} (smaller
 *             size, same size with another root, or a consistency proof that fails: the server's log
 *             was rewritten or forked);
 *         <li><b>413</b>: {@code Witness.TooLarge}, a body over
 *             {@value CheckpointWitness#MAX_SUBMISSION_BYTES} bytes ({@code RequestTooLarge} above
 *             the server's own limit).
 *       </ul>
 *       Every refusal is in the admin audit trail ({@code GET /api/v1/audit}).
 *   <li>{@code GET /witness/checkpoints/{serverId}}, the id's four parts as path segments (such as
 *       {@code /witness/checkpoints/DEMO/GOV/1001/ss2}): <b>200</b> with the latest accepted
 *       checkpoint, <b>404</b> when none; with {@code ?size=N} the accepted checkpoint of exactly
 *       that size, or 404. A malformed id or size is a 400. With {@code Accept: application/jose}
 *       the answer is the same JSON as the payload of a compact JWS signed by the registry's
 *       configuration signing key (the one the anchor pins), so a portal or server can trust what
 *       the witness holds however the answer travelled; {@link WitnessClient} asks for that form.
 * </ul>
 */
public final class WitnessEndpoints {

    private final CheckpointWitness witness;
    private final JwsSigner signer;
    private final CheckpointWitnessListener listener;

    /** @param signer the registry's configuration signing key, for signed answers */
    public WitnessEndpoints(CheckpointWitness witness, JwsSigner signer) {
        this(witness, signer, CheckpointWitnessListener.NONE);
    }

    /** Tells {@code listener} of every submission decided (for metrics). */
    public WitnessEndpoints(CheckpointWitness witness, JwsSigner signer, CheckpointWitnessListener listener) {
        this.witness = witness;
        this.signer = signer;
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        server.route("POST", AccessLogProtocol.WITNESS_PATH, call -> {
            MediaTypes.requireJson(call);
            CheckpointWitness.Outcome outcome;
            try {
                outcome = witness.submit(call.body());
            } catch (CheckpointRefusedException e) {
                listener.refused(e.reason());
                throw new HttpProblem(status(e.reason()), e.type(), e.getMessage());
            }
            listener.accepted(outcome.stored());
            HttpReply reply = answer(outcome.stored() ? 201 : 200, outcome.witnessed());
            return outcome.stored() ? reply.withHeader("Location", location(outcome.witnessed())) : reply;
        });
        server.route("GET", AccessLogProtocol.WITNESS_PATH + "/{id...}", call -> {
            SecurityServerId id = serverId(call);
            Optional<String> size = call.queryParam("size");
            boolean signed = call.header("Accept").map(a -> a.contains(WitnessClient.SIGNED_MEDIA_TYPE)).orElse(false);
            if (size.isEmpty()) {
                return answer(witness.latest(id).orElseThrow(() -> HttpProblem.notFound(
                        "the witness holds no checkpoint from " + id.format())), signed);
            }
            long n = size(size.get());
            return answer(witness.atSize(id, n).orElseThrow(() -> HttpProblem.notFound(
                    "the witness holds no checkpoint of size " + n + " from " + id.format())), signed);
        });
        return server;
    }

    static int status(CheckpointRefusedException.Reason reason) {
        return switch (reason) {
            case MALFORMED, TIME_IN_FUTURE, TIME_NOT_STAMPED -> 400;
            case BAD_SIGNATURE, CERTIFICATE_INVALID, CERTIFICATE_REVOKED, OCSP_STALE_OR_MISSING, UNKNOWN_SERVER,
                    SIGNER_MISMATCH, BAD_TIMESTAMP -> 403;
            case STALE_FROM_SIZE, TIME_BEFORE_LAST, INCONSISTENT_HISTORY -> 409;
            case TOO_LARGE -> 413;
        };
    }

    private static HttpReply answer(int status, WitnessedCheckpoint witnessed) {
        return HttpReply.of(status, HttpReply.JSON, CheckpointCodec.witnessed(witnessed));
    }

    private HttpReply answer(WitnessedCheckpoint witnessed, boolean signed) throws HttpProblem {
        if (!signed) {
            return answer(200, witnessed);
        }
        try {
            return HttpReply.of(200, WitnessClient.SIGNED_MEDIA_TYPE,
                    signer.sign(CheckpointCodec.witnessed(witnessed)).getBytes(StandardCharsets.US_ASCII));
        } catch (SigningException e) {
            throw new HttpProblem(500, "Witness.SigningFailed", "the registry's signing key failed: " + e.getMessage());
        }
    }

    private static String location(WitnessedCheckpoint witnessed) {
        String origin;
        try {
            origin = CheckpointCodec.unverifiedCheckpoint(witnessed.checkpoint()).origin().format();
        } catch (AccessLogFormatException e) {
            throw new IllegalStateException("an accepted checkpoint cannot fail to parse", e);
        }
        return AccessLogProtocol.WITNESS_PATH + "/" + origin + "?size=" + witnessed.size();
    }

    private static SecurityServerId serverId(HttpCall call) throws HttpProblem {
        String text;
        try {
            text = PercentDecoding.decode(call.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("path is malformed: " + e.getMessage());
        }
        try {
            return SecurityServerId.parse(text);
        } catch (InvalidIdentifierException e) {
            throw HttpProblem.badRequest("security server id in the path: " + e.getMessage());
        }
    }

    private static long size(String text) throws HttpProblem {
        try {
            long size = Long.parseLong(text);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpProblem.badRequest("query parameter size: expected a whole number, 0 or more; actual '" + text + "'");
    }
}
