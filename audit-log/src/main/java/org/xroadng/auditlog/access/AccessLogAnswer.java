package org.xroadng.auditlog.access;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * A security server's answer to the reserved {@code accessLog} service (DESIGN.md section 7): the
 * events of its access log that name {@code subject}, each with its index and, when the event is
 * covered by the server's latest witnessed checkpoint, its RFC 9162 inclusion proof against that
 * checkpoint. Events appended after the checkpoint have no proof yet. The wire form is
 * {@link AccessLogAnswerCodec}.
 *
 * <p>Nothing here is trusted by the reader: it recomputes each leaf hash from the event's
 * canonical JSON, verifies the proof against the checkpoint's root, and compares the checkpoint
 * with what the registry's witness accepted.
 *
 * @param checkpoint       the compact JWS of the server's latest witnessed checkpoint, null if none yet
 * @param checkpointTimestamp base64 DER RFC 3161 token over the checkpoint, null with it
 * @param checkpointNote   the same checkpoint (same size and root) as a C2SP tlog-checkpoint signed
 *                         note, signed by the server's access-log note key and carrying the
 *                         cosignatures of the transparency witnesses that vouched for it; null when
 *                         the server has none for that size
 */
public record AccessLogAnswer(SecurityServerId server, String subject, String checkpoint, String checkpointTimestamp,
                              List<Entry> events, String checkpointNote) {

    public AccessLogAnswer(SecurityServerId server, String subject, String checkpoint, String checkpointTimestamp,
                           List<Entry> events) {
        this(server, subject, checkpoint, checkpointTimestamp, events, null);
    }

    public AccessLogAnswer {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(subject, "subject");
        if ((checkpoint == null) != (checkpointTimestamp == null)) {
            throw new IllegalArgumentException("a checkpoint comes with its timestamp");
        }
        if (checkpointNote != null && checkpoint == null) {
            throw new IllegalArgumentException("a checkpoint note comes with the checkpoint it restates");
        }
        events = List.copyOf(events);
    }

    /**
     * One event as the server holds it.
     *
     * @param event the event's JSON object (String keys; values strings, lists of strings or null),
     *              whose RFC 8785 form is the leaf
     * @param proof base64url hashes of the inclusion proof for leaf {@code index} in the checkpoint's
     *              tree, null if the event is not covered by the checkpoint (index >= its size)
     * @param reveal for a restricted event's stub whose disclosure date has come: the salt and the
     *              whole event that open its commitment ({@link RestrictedAccess}); null otherwise
     */
    public record Entry(long index, Map<String, Object> event, List<String> proof, Reveal reveal) {

        public Entry(long index, Map<String, Object> event, List<String> proof) {
            this(index, event, proof, null);
        }

        public Entry {
            if (index < 0) {
                throw new IllegalArgumentException("index is " + index + "; expected 0 or more");
            }
            Objects.requireNonNull(event, "event");
            proof = proof == null ? null : List.copyOf(proof);
        }

        /** The RFC 9162 leaf entry this event stands for: its canonical JSON. */
        public byte[] leaf() {
            return CanonicalJson.bytes(event);
        }
    }

    /**
     * A restricted event disclosed: the salt (base64url, {@value RestrictedAccess#SALT_BYTES} bytes)
     * and the whole event's JSON object, which its stub's commitment must open to
     * ({@link RestrictedAccess#checkReveal}).
     */
    public record Reveal(String salt, Map<String, Object> event) {
        public Reveal {
            Objects.requireNonNull(salt, "salt");
            Objects.requireNonNull(event, "event");
        }
    }
}
