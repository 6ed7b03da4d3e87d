package org.xroadng.auditlog.note;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * A note verifier key, {@code <name>+<key id, 8 lowercase hex digits>+base64(type || public key)},
 * the form the Go note package and C2SP's verifier keys ("vkeys") use, for the two types this
 * project speaks: {@link #ED25519} (0x01, signed-note "Ed25519 signatures", how logs sign
 * checkpoints) and {@link #COSIGNATURE_V1} (0x04, tlog-cosignature, how witnesses cosign). Both
 * carry a 32-byte RFC 8032 Ed25519 public key.
 *
 * <p>Guarantee: the key id is the one the specification computes, the first four bytes of
 * SHA-256(name || 0x0A || type || public key) read big-endian; a key whose text claims another id is
 * refused, so (name, id) always names this key. Immutable.
 */
public final class NoteVerifierKey {

    /** signed-note signature type 0x01: Ed25519 over the note text. */
    public static final byte ED25519 = 0x01;
    /** signed-note signature type 0x04: timestamped Ed25519 witness cosignature (tlog-cosignature). */
    public static final byte COSIGNATURE_V1 = 0x04;

    private final String name;
    private final byte type;
    private final byte[] publicKey;
    private final int keyId;

    public NoteVerifierKey(String name, byte type, byte[] publicKey) throws NoteFormatException {
        this.name = NoteNames.require(name, "verifier key name");
        if (type != ED25519 && type != COSIGNATURE_V1) {
            throw new NoteFormatException("verifier key " + name + ": expected signature type 0x01 (Ed25519) or"
                    + " 0x04 (Ed25519 cosignature/v1); actual 0x" + String.format("%02x", type));
        }
        if (publicKey == null || publicKey.length != 32) {
            throw new NoteFormatException("verifier key " + name + ": expected a 32-byte Ed25519 public key; actual "
                    + (publicKey == null ? "none" : publicKey.length + " bytes"));
        }
        this.type = type;
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, type, publicKey);
    }

    /** Parses {@code name+hex8+base64(type || key)}, checking that the id is the key's. */
    public static NoteVerifierKey parse(String text) throws NoteFormatException {
        if (text == null) {
            throw new NoteFormatException("verifier key: expected <name>+<8 hex digits>+<base64>; actual none");
        }
        String trimmed = text.strip();
        int first = trimmed.indexOf('+');
        int second = first < 0 ? -1 : trimmed.indexOf('+', first + 1);
        if (first <= 0 || second < 0) {
            throw new NoteFormatException("verifier key: expected <name>+<8 hex digits>+<base64 of type and key>;"
                    + " actual '" + NoteNames.printable(trimmed) + "'");
        }
        String name = trimmed.substring(0, first);
        String hex = trimmed.substring(first + 1, second);
        if (!hex.matches("[0-9a-f]{8}")) {
            throw new NoteFormatException("verifier key " + name + ": expected the key id as 8 lowercase hex digits;"
                    + " actual '" + NoteNames.printable(hex) + "'");
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(trimmed.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException("verifier key " + name + ": expected standard base64 of the type byte and"
                    + " the public key; actual '" + NoteNames.printable(trimmed.substring(second + 1)) + "'", e);
        }
        if (material.length != 33) {
            throw new NoteFormatException("verifier key " + name + ": expected 33 bytes (a type byte and a 32-byte"
                    + " Ed25519 key); actual " + material.length);
        }
        NoteVerifierKey key = new NoteVerifierKey(name, material[0], Arrays.copyOfRange(material, 1, 33));
        int claimed = Integer.parseUnsignedInt(hex, 16);
        if (claimed != key.keyId) {
            throw new NoteFormatException("verifier key " + name + ": expected key id " + hexId(key.keyId)
                    + " (SHA-256 of name, newline, type and key); actual " + hex);
        }
        return key;
    }

    /** SHA-256(name || 0x0A || type || publicKey)[:4], big-endian (signed-note "Signatures"). */
    static int keyId(String name, byte type, byte[] publicKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0x0A);
            sha.update(type);
            sha.update(publicKey);
            byte[] h = sha.digest();
            return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static String hexId(int id) {
        return String.format(Locale.ROOT, "%08x", id);
    }

    public String name() {
        return name;
    }

    public byte type() {
        return type;
    }

    public int keyId() {
        return keyId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Whether {@code signature} names this key: same name and key id. */
    public boolean names(NoteSignature signature) {
        return signature.name().equals(name) && signature.keyId() == keyId;
    }

    /** {@code name+hex8+base64(type || key)}. */
    public String format() {
        byte[] material = new byte[33];
        material[0] = type;
        System.arraycopy(publicKey, 0, material, 1, 32);
        return name + "+" + hexId(keyId) + "+" + Base64.getEncoder().encodeToString(material);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteVerifierKey other && name.equals(other.name) && type == other.type
                && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return keyId;
    }

    @Override
    public String toString() {
        return format();
    }

    /** Hex of a key id, for messages. */
    public static String describe(NoteSignature signature) {
        return signature.name() + "+" + hexId(signature.keyId());
    }
}
