package org.xroadng.auditlog.witness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xroadng.auditlog.note.NoteSignature;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;

/**
 * A {@link TlogWitness} over HTTP, under a prefix ({@code ""} for the {@code xroad witness}
 * component, {@code /tlog-witness} on the registry), without authentication: the checkpoints
 * authenticate themselves by the logs' signatures (tlog-witness, "Introduction").
 * <ul>
 *   <li>{@code POST <prefix>/add-checkpoint}, C2SP tlog-witness: <b>200</b> with the cosignature
 *       line(s) ({@code text/plain; charset=utf-8}); <b>400</b> malformed body or old size above the
 *       size; <b>403</b> no verifying signature of a trusted key of the log; <b>404</b> unknown
 *       origin; <b>409</b> old size is not the size the witness holds (body: that size and a newline,
 *       {@code Content-Type: text/x.tlog.size}) or, at the same size, another root (a JSON error
 *       {@code Witness.RootConflict}); <b>422</b> a consistency proof that does not verify. Refusals
 *       other than the size 409 are {@code {"type", "message", "detail"}} with type {@code Witness.<Reason>}.
 *   <li>{@code GET <prefix>/checkpoint?origin=<origin>}: the latest checkpoint cosigned for the
 *       origin, as a signed note (the log's signatures and this witness's cosignature); 404 if none.
 *   <li>{@code GET <prefix>/split-views}: every split view detected, JSON
 *       {@code {"splitViews": [{"origin", "size", "cosigned", "conflicting", "detectedAt"}]}}, both
 *       notes in full so anyone can check the log's signatures on them.
 *   <li>{@code GET <prefix>/verifier-key}: the witness's C2SP verifier key, one line.
 * </ul>
 */
public final class WitnessEndpoints {

    /** The content type of a 409 answer naming the witness's size (tlog-witness). */
    public static final String SIZE_MEDIA_TYPE = "text/x.tlog.size";
    private static final String NOTE_MEDIA_TYPE = "text/plain; charset=utf-8";

    private final TlogWitness witness;
    private final String prefix;

    public WitnessEndpoints(TlogWitness witness, String prefix) {
        this.witness = Objects.requireNonNull(witness, "witness");
        if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
            throw new IllegalArgumentException("prefix '" + prefix + "': expected empty or /name without a final /");
        }
        this.prefix = prefix;
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        server.route("POST", prefix + "/add-checkpoint", call -> addCheckpoint(call.body()));
        server.route("GET", prefix + "/checkpoint", call -> {
            String origin = call.queryParam("origin").orElseThrow(() -> HttpProblem.badRequest(
                    "query parameter origin: expected the log's origin (the checkpoint's first line); actual none"));
            SignedNote note = witness.latest(origin).orElseThrow(() -> HttpProblem.notFound(
                    "the witness has cosigned no checkpoint of '" + origin + "'"));
            return HttpReply.of(200, NOTE_MEDIA_TYPE, note.format().getBytes(StandardCharsets.UTF_8));
        });
        server.route("GET", prefix + "/split-views", call -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (SplitView view : witness.splitViews()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("origin", view.origin());
                row.put("size", view.size());
                row.put("cosigned", view.cosigned().format());
                row.put("conflicting", view.conflicting().format());
                row.put("detectedAt", view.detectedAt().toString());
                out.add(row);
            }
            return HttpReply.json(200, Map.of("splitViews", out));
        });
        server.route("GET", prefix + "/verifier-key", call -> HttpReply.text(200,
                witness.verifierKey().format() + "\n"));
        return server;
    }

    HttpReply addCheckpoint(byte[] body) throws HttpProblem {
        List<NoteSignature> cosignatures;
        try {
            cosignatures = witness.addCheckpoint(body);
        } catch (AddCheckpointException e) {
            if (e.currentSize().isPresent()) {
                return HttpReply.of(409, SIZE_MEDIA_TYPE,
                        (e.currentSize().getAsLong() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            throw new HttpProblem(e.reason().status(), type(e.reason()), e.getMessage());
        }
        StringBuilder out = new StringBuilder();
        for (NoteSignature cosignature : cosignatures) {
            out.append(cosignature.line());
        }
        return HttpReply.of(200, NOTE_MEDIA_TYPE, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code Witness.} and the reason in PascalCase, such as {@code Witness.BadProof}. */
    static String type(AddCheckpointException.Reason reason) {
        StringBuilder out = new StringBuilder("Witness.");
        for (String word : reason.name().toLowerCase(java.util.Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return out.toString();
    }
}
