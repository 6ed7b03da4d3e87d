package org.xroadng.auditlog.witness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSignature;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;

/**
 * A log's side of C2SP tlog-witness: submits {@code add-checkpoint} requests to one witness (its
 * submission prefix {@code base}) and returns the cosignature lines the witness answered, keeping
 * only those that name the witness's configured key (tlog-witness: "the client MUST ignore any
 * cosignatures from unknown keys"); whether they verify is the caller's check.
 */
public final class TlogWitnessClient {

    /** The witness answered 409 with its size: the old size was not what it holds. */
    public static final class SizeConflictException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long size;

        SizeConflictException(String message, long size) {
            super(message);
            this.size = size;
        }

        /** The size of the latest checkpoint the witness cosigned for the log. */
        public long size() {
            return size;
        }
    }

    /** The witness could not be reached, refused the checkpoint (other than by size), or answered badly. */
    public static final class CallException extends Exception {
        private static final long serialVersionUID = 1L;

        public CallException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String name;
    private final URI base;
    private final NoteVerifierKey key; // null: keep every cosignature line the witness answers
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param name a label for messages, such as the witness's operator
     * @param base the submission prefix, without a trailing slash
     * @param key  the witness's cosigning key (type 0x04); null to keep whatever cosignature lines it
     *             answers, for a log that only passes them on to clients that check them with the
     *             witness keys they trust
     */
    public TlogWitnessClient(String name, URI base, NoteVerifierKey key, HttpClient http, Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.base = Objects.requireNonNull(base, "base");
        this.key = key;
        if (key != null && key.type() != NoteVerifierKey.COSIGNATURE_V1) {
            throw new IllegalArgumentException("witness " + name + ": expected a cosignature/v1 key (type 0x04); actual "
                    + key.format());
        }
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public String name() {
        return name;
    }

    public java.util.Optional<NoteVerifierKey> key() {
        return java.util.Optional.ofNullable(key);
    }

    public URI base() {
        return base;
    }

    /** Submits {@code request}; returns the witness's cosignature lines for the checkpoint. */
    public List<NoteSignature> addCheckpoint(AddCheckpointRequest request) throws SizeConflictException, CallException {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(base + "/add-checkpoint")).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.format())).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a refused connection has no message: name the exception then, never "null"
            throw new CallException("witness " + name + " at " + base + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallException("interrupted while asking witness " + name, e);
        }
        String body = response.body();
        if (response.statusCode() == 409 && response.headers().firstValue("Content-Type")
                .map(t -> t.startsWith(WitnessEndpoints.SIZE_MEDIA_TYPE)).orElse(false)) {
            try {
                return throwConflict(Long.parseLong(body.strip()));
            } catch (NumberFormatException e) {
                throw new CallException("witness " + name + " answered 409 with '" + body.strip()
                        + "'; expected its size in decimal", e);
            }
        }
        if (response.statusCode() != 200) {
            throw new CallException("witness " + name + " refused the checkpoint: HTTP " + response.statusCode() + " "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body).strip(), null);
        }
        try {
            SignedNote answered = SignedNote.parse(request.checkpoint().text() + "\n" + body);
            List<NoteSignature> ours = new ArrayList<>();
            for (NoteSignature signature : answered.signatures()) {
                if (key == null ? signature.signature().length == 72 : key.names(signature)) {
                    ours.add(signature);
                }
            }
            return ours;
        } catch (NoteFormatException e) {
            throw new CallException("witness " + name + " answered no cosignature lines: " + e.getMessage(), e);
        }
    }

    private static List<NoteSignature> throwConflict(long size) throws SizeConflictException {
        throw new SizeConflictException("the witness holds size " + size, size);
    }
}
