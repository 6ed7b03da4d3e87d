package org.xroadng.auditlog.note;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 private key with its note key name and signature type, and its text form
 * {@code PRIVATE+KEY+<name>+<key id>+base64(type || 32-byte seed)} (the Go note package's signer
 * key form). Package-private: only the signers in this package hold one, and its {@link #toString}
 * shows no secret.
 */
final class PrivateNoteKey {

    private static final String PREFIX = "PRIVATE+KEY+";

    private final Ed25519PrivateKeyParameters key;
    private final NoteVerifierKey verifierKey;

    private PrivateNoteKey(String name, byte type, Ed25519PrivateKeyParameters key) throws NoteFormatException {
        this.key = key;
        this.verifierKey = new NoteVerifierKey(name, type, key.generatePublicKey().getEncoded());
    }

    static PrivateNoteKey generate(String name, byte type, SecureRandom random) throws NoteFormatException {
        return new PrivateNoteKey(name, type, new Ed25519PrivateKeyParameters(random));
    }

    /** The key whose RFC 8032 private key (seed) is the 32 bytes {@code seed}. */
    static PrivateNoteKey fromSeed(String name, byte type, byte[] seed) throws NoteFormatException {
        if (seed == null || seed.length != 32) {
            throw new NoteFormatException("private note key " + name + ": expected a 32-byte Ed25519 seed; actual "
                    + (seed == null ? "none" : seed.length + " bytes"));
        }
        return new PrivateNoteKey(name, type, new Ed25519PrivateKeyParameters(seed, 0));
    }

    static PrivateNoteKey parse(String text, byte expectedType) throws NoteFormatException {
        String trimmed = text == null ? "" : text.strip();
        if (!trimmed.startsWith(PREFIX)) {
            throw new NoteFormatException("private note key: expected PRIVATE+KEY+<name>+<key id>+<base64>; actual"
                    + " text that does not start with PRIVATE+KEY+");
        }
        String rest = trimmed.substring(PREFIX.length());
        int first = rest.indexOf('+');
        int second = first < 0 ? -1 : rest.indexOf('+', first + 1);
        if (first <= 0 || second < 0) {
            throw new NoteFormatException("private note key: expected PRIVATE+KEY+<name>+<key id>+<base64>; actual"
                    + " fewer parts");
        }
        String name = rest.substring(0, first);
        byte[] material;
        try {
            material = Base64.getDecoder().decode(rest.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException("private note key " + name + ": expected standard base64 of the type byte"
                    + " and the 32-byte seed; actual text that is not base64");
        }
        if (material.length != 33) {
            throw new NoteFormatException("private note key " + name + ": expected 33 bytes (type and seed); actual "
                    + material.length);
        }
        if (material[0] != expectedType) {
            throw new NoteFormatException("private note key " + name + ": expected signature type 0x"
                    + String.format("%02x", expectedType) + "; actual 0x" + String.format("%02x", material[0]));
        }
        byte[] seed = Arrays.copyOfRange(material, 1, 33);
        PrivateNoteKey key = new PrivateNoteKey(name, material[0], new Ed25519PrivateKeyParameters(seed, 0));
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(material, (byte) 0);
        if (!rest.substring(first + 1, second).equals(NoteVerifierKey.hexId(key.verifierKey.keyId()))) {
            throw new NoteFormatException("private note key " + name + ": expected key id "
                    + NoteVerifierKey.hexId(key.verifierKey.keyId()) + "; actual " + rest.substring(first + 1, second));
        }
        return key;
    }

    NoteVerifierKey verifierKey() {
        return verifierKey;
    }

    /** RFC 8032 Ed25519 (pure, deterministic) over {@code message}. */
    byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** The secret text form, for the key file only. */
    String secretText() {
        byte[] material = new byte[33];
        material[0] = verifierKey.type();
        System.arraycopy(key.getEncoded(), 0, material, 1, 32);
        String text = PREFIX + verifierKey.name() + "+" + NoteVerifierKey.hexId(verifierKey.keyId()) + "+"
                + Base64.getEncoder().encodeToString(material);
        Arrays.fill(material, (byte) 0);
        return text;
    }

    @Override
    public String toString() {
        return "PrivateNoteKey[" + verifierKey.format() + "]";
    }
}
