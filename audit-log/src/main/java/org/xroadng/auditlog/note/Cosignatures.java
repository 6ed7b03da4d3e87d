package org.xroadng.auditlog.note;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** Reads and verifies {@code cosignature/v1} signatures (C2SP tlog-cosignature) on a signed note. */
public final class Cosignatures {

    /** The domain-separating header line of the Ed25519 signed message. */
    static final String HEADER = "cosignature/v1\n";

    private Cosignatures() {
    }

    /**
     * When the witness of {@code witnessKey} (type 0x04) cosigned {@code note}: empty when the note
     * carries no signature naming that key; the time of a cosignature that verifies; and a
     * {@link NoteVerificationException} for one that names the key and does not verify (a forged or
     * corrupted cosignature is an error, not an absence).
     */
    public static Optional<Instant> verify(SignedNote note, NoteVerifierKey witnessKey)
            throws NoteVerificationException {
        if (witnessKey.type() != NoteVerifierKey.COSIGNATURE_V1) {
            throw new IllegalArgumentException("witness key " + witnessKey.format() + " is not of type 0x04");
        }
        Optional<Instant> found = Optional.empty();
        for (NoteSignature signature : note.signatures()) {
            if (!witnessKey.names(signature)) {
                continue;
            }
            byte[] blob = signature.signature();
            if (blob.length != 8 + 64) {
                throw new NoteVerificationException("cosignature of " + witnessKey.name() + ": expected 72 bytes"
                        + " (timestamp and Ed25519 signature); actual " + blob.length);
            }
            long timestamp = ByteBuffer.wrap(blob, 0, 8).getLong();
            if (timestamp < 0) {
                throw new NoteVerificationException("cosignature of " + witnessKey.name() + ": expected a timestamp"
                        + " of at most 2^63-1; actual one above");
            }
            if (!NoteVerifier.ed25519(witnessKey.publicKey(), signedMessage(note.text(), timestamp),
                    Arrays.copyOfRange(blob, 8, blob.length))) {
                throw new NoteVerificationException("cosignature of " + witnessKey.format() + " dated " + timestamp
                        + " does not verify over the checkpoint");
            }
            Instant time = Instant.ofEpochSecond(timestamp);
            if (found.isEmpty() || time.isAfter(found.get())) {
                found = Optional.of(time);
            }
        }
        return found;
    }

    /** The POSIX time a cosignature line states, unverified (its bytes 4..11), for display and tests. */
    public static long unverifiedTimestamp(NoteSignature signature) throws NoteFormatException {
        byte[] blob = signature.signature();
        if (blob.length < 8) {
            throw new NoteFormatException("cosignature: expected at least 8 bytes of timestamp; actual " + blob.length);
        }
        return ByteBuffer.wrap(blob, 0, 8).getLong();
    }

    /** {@code "cosignature/v1\ntime <t>\n" || checkpoint text}, tlog-cosignature "Ed25519 signed message". */
    static byte[] signedMessage(String checkpointText, long timestamp) {
        return NoteSignature.utf8(HEADER + "time " + timestamp + "\n" + checkpointText);
    }
}
