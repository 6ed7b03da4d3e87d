package org.xroadng.auditlog.note;

import java.security.SecureRandom;

/**
 * Signs note texts with an Ed25519 key (C2SP signed-note, "Ed25519 signatures", type 0x01): how a
 * security server signs its access-log checkpoints.
 *
 * <p>Guarantee: the signature is RFC 8032 Ed25519 over exactly the UTF-8 bytes of the text, so any
 * verifier given {@link #verifierKey()} accepts it; Ed25519 is deterministic, so one text always
 * gets the same signature. Thread-safe.
 */
public final class NoteSigner {

    private final PrivateNoteKey key;

    private NoteSigner(PrivateNoteKey key) {
        this.key = key;
    }

    /** A new key named {@code name}. */
    public static NoteSigner generate(String name, SecureRandom random) throws NoteFormatException {
        return new NoteSigner(PrivateNoteKey.generate(name, NoteVerifierKey.ED25519, random));
    }

    /** The key in its text form {@code PRIVATE+KEY+name+id+base64(0x01 || seed)}. */
    public static NoteSigner fromSecretText(String text) throws NoteFormatException {
        return new NoteSigner(PrivateNoteKey.parse(text, NoteVerifierKey.ED25519));
    }

    /**
     * The key named {@code name} whose Ed25519 private key is the 32 random bytes {@code seed} (RFC
     * 8032 section 5.1.5), such as a secret kept in a PIN-protected token; the same seed and name
     * always give the same key.
     */
    public static NoteSigner fromSeed(String name, byte[] seed) throws NoteFormatException {
        return new NoteSigner(PrivateNoteKey.fromSeed(name, NoteVerifierKey.ED25519, seed));
    }

    public NoteVerifierKey verifierKey() {
        return key.verifierKey();
    }

    /** The signature line for {@code text} (ending in a newline, no control characters but newlines). */
    public NoteSignature sign(String text) throws NoteFormatException {
        SignedNote.requireText(text);
        NoteVerifierKey v = key.verifierKey();
        return new NoteSignature(v.name(), v.keyId(), key.sign(NoteSignature.utf8(text)));
    }

    /** The note of {@code text} signed by this key. */
    public SignedNote signNote(String text) throws NoteFormatException {
        return new SignedNote(text, java.util.List.of(sign(text)));
    }

    /** The secret text form, to be written only to the owner's key file. */
    public String secretText() {
        return key.secretText();
    }

    @Override
    public String toString() {
        return "NoteSigner[" + key.verifierKey().format() + "]";
    }
}
