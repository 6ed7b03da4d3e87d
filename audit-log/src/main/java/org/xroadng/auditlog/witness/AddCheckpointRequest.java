package org.xroadng.auditlog.witness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointException.Reason;

/**
 * The body of a tlog-witness {@code add-checkpoint} request: {@code old <size>}, zero to
 * {@value #MAX_PROOF_HASHES} base64 consistency proof hashes, a blank line, then the checkpoint
 * note; every line ending in a newline. Immutable: hashes are copied in and out.
 */
public final class AddCheckpointRequest {

    /** The most proof lines a client may send (tlog-witness). */
    public static final int MAX_PROOF_HASHES = 63;
    /** The largest body accepted: 63 hashes and a note of {@link SignedNote#MAX_BYTES}. */
    public static final int MAX_BYTES = SignedNote.MAX_BYTES + 4096;

    private final long oldSize;
    private final List<byte[]> proof;
    private final SignedNote checkpoint;

    public AddCheckpointRequest(long oldSize, List<byte[]> proof, SignedNote checkpoint) {
        if (oldSize < 0) {
            throw new IllegalArgumentException("old size is " + oldSize + "; expected 0 or more");
        }
        if (proof.size() > MAX_PROOF_HASHES) {
            throw new IllegalArgumentException("proof has " + proof.size() + " hashes; expected at most "
                    + MAX_PROOF_HASHES);
        }
        this.oldSize = oldSize;
        List<byte[]> copy = new ArrayList<>();
        for (byte[] hash : proof) {
            if (hash.length != 32) {
                throw new IllegalArgumentException("proof hash has " + hash.length + " bytes; expected 32");
            }
            copy.add(hash.clone());
        }
        this.proof = List.copyOf(copy);
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** Parses a request body; a malformed one is a {@link Reason#MALFORMED} refusal saying what is wrong. */
    public static AddCheckpointRequest parse(byte[] body) throws AddCheckpointException {
        if (body.length > MAX_BYTES) {
            throw malformed("expected at most " + MAX_BYTES + " bytes; actual " + body.length);
        }
        String text = new String(body, StandardCharsets.ISO_8859_1); // the head is ASCII; the note is decoded below
        int end = text.indexOf('\n');
        if (end < 0) {
            throw malformed("expected a first line 'old <size>' ending in a newline; actual no newline");
        }
        String first = text.substring(0, end);
        if (!first.matches("old (0|[1-9][0-9]{0,18})")) {
            throw malformed("expected a first line 'old <size>' (decimal, no leading zeroes); actual '"
                    + printable(first) + "'");
        }
        long oldSize;
        try {
            oldSize = Long.parseLong(first.substring(4));
        } catch (NumberFormatException e) {
            throw malformed("old size: expected at most " + Long.MAX_VALUE + "; actual " + first.substring(4));
        }
        List<byte[]> proof = new ArrayList<>();
        int at = end + 1;
        while (true) {
            int next = text.indexOf('\n', at);
            if (next < 0) {
                throw malformed("expected a blank line between the proof and the checkpoint; actual none");
            }
            String line = text.substring(at, next);
            at = next + 1;
            if (line.isEmpty()) {
                break;
            }
            if (proof.size() == MAX_PROOF_HASHES) {
                throw malformed("expected at most " + MAX_PROOF_HASHES + " consistency proof lines; actual more");
            }
            byte[] hash;
            try {
                hash = Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                throw malformed("consistency proof line " + (proof.size() + 1) + ": expected a base64 SHA-256 hash;"
                        + " actual '" + printable(line) + "'");
            }
            if (hash.length != 32) {
                throw malformed("consistency proof line " + (proof.size() + 1) + ": expected a 32-byte hash; actual "
                        + hash.length + " bytes");
            }
            proof.add(hash);
        }
        SignedNote note;
        try {
            note = SignedNote.parse(Arrays.copyOfRange(body, at, body.length));
        } catch (NoteFormatException e) {
            throw malformed("checkpoint: " + e.getMessage());
        }
        return new AddCheckpointRequest(oldSize, proof, note);
    }

    public long oldSize() {
        return oldSize;
    }

    public List<byte[]> proof() {
        List<byte[]> copy = new ArrayList<>();
        for (byte[] hash : proof) {
            copy.add(hash.clone());
        }
        return copy;
    }

    public SignedNote checkpoint() {
        return checkpoint;
    }

    /** The request body. */
    public byte[] format() {
        StringBuilder out = new StringBuilder("old ").append(oldSize).append('\n');
        for (byte[] hash : proof) {
            out.append(Base64.getEncoder().encodeToString(hash)).append('\n');
        }
        out.append('\n').append(checkpoint.format());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static AddCheckpointException malformed(String message) {
        return new AddCheckpointException(Reason.MALFORMED, "add-checkpoint body: " + message);
    }

    private static String printable(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
