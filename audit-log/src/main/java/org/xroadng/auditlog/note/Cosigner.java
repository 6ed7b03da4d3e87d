package org.xroadng.auditlog.note;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * A witness's Ed25519 cosigning key (C2SP tlog-cosignature, {@code cosignature/v1}, signature type
 * 0x04).
 *
 * <p>Guarantee: {@link #cosign} returns a signature line whose bytes are the key id, the 8-byte
 * big-endian POSIX {@code timestamp} and the RFC 8032 Ed25519 signature over
 * {@code "cosignature/v1\ntime <timestamp>\n"} followed by the whole checkpoint text, as
 * tlog-cosignature "Ed25519 signed message" defines; so any client configured with
 * {@link #verifierKey()} accepts it. Thread-safe.
 */
public final class Cosigner {

    private final PrivateNoteKey key;

    private Cosigner(PrivateNoteKey key) {
        this.key = key;
    }

    /** A new cosigning key named {@code name} (a schema-less URL is recommended, such as {@code witness.example.org/w1}). */
    public static Cosigner generate(String name, SecureRandom random) throws NoteFormatException {
        return new Cosigner(PrivateNoteKey.generate(name, NoteVerifierKey.COSIGNATURE_V1, random));
    }

    /** The key in its text form {@code PRIVATE+KEY+name+id+base64(0x04 || seed)}. */
    public static Cosigner fromSecretText(String text) throws NoteFormatException {
        return new Cosigner(PrivateNoteKey.parse(text, NoteVerifierKey.COSIGNATURE_V1));
    }

    /**
     * The key named {@code name} whose Ed25519 private key is the 32 random bytes {@code seed} (RFC
     * 8032 section 5.1.5), such as a secret kept in a PIN-protected token; the same seed and name
     * always give the same key.
     */
    public static Cosigner fromSeed(String name, byte[] seed) throws NoteFormatException {
        return new Cosigner(PrivateNoteKey.fromSeed(name, NoteVerifierKey.COSIGNATURE_V1, seed));
    }

    public NoteVerifierKey verifierKey() {
        return key.verifierKey();
    }

    /** The cosignature line over the checkpoint text {@code checkpointText}, dated {@code time} (whole seconds). */
    public NoteSignature cosign(String checkpointText, Instant time) throws NoteFormatException {
        SignedNote.requireText(checkpointText);
        long timestamp = time.getEpochSecond();
        if (timestamp < 0) {
            throw new NoteFormatException("cosignature time: expected at or after 1970-01-01; actual " + time);
        }
        byte[] signature = key.sign(Cosignatures.signedMessage(checkpointText, timestamp));
        byte[] blob = ByteBuffer.allocate(8 + signature.length).putLong(timestamp).put(signature).array();
        NoteVerifierKey v = key.verifierKey();
        return new NoteSignature(v.name(), v.keyId(), blob);
    }

    /** The secret text form, to be written only to the witness's key file. */
    public String secretText() {
        return key.secretText();
    }

    @Override
    public String toString() {
        return "Cosigner[" + key.verifierKey().format() + "]";
    }
}
