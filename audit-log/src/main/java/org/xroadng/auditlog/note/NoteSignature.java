package org.xroadng.auditlog.note;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * One signature line of a signed note (C2SP signed-note, "Signatures"): {@code — <name>
 * base64(key id || signature)}. The key id is the big-endian uint32 of the first four bytes; what
 * the remaining bytes mean depends on the signature type the verifier expects for that (name, id).
 * Immutable: the bytes are copied in and out.
 */
public final class NoteSignature {

    /** The em dash (U+2014) and space that start every signature line. */
    static final String PREFIX = "\u2014 ";

    private final String name;
    private final int keyId;
    private final byte[] signature;

    public NoteSignature(String name, int keyId, byte[] signature) throws NoteFormatException {
        this.name = NoteNames.require(name, "signature key name");
        this.keyId = keyId;
        if (signature == null || signature.length == 0) {
            throw new NoteFormatException("signature of " + name + ": expected at least one byte after the key id;"
                    + " actual none");
        }
        this.signature = signature.clone();
    }

    /** Parses one line without its final newline. */
    static NoteSignature parseLine(String line) throws NoteFormatException {
        if (!line.startsWith(PREFIX)) {
            throw new NoteFormatException("signature line: expected '\u2014 <key name> <base64 signature>'; actual '"
                    + NoteNames.printable(line) + "'");
        }
        String rest = line.substring(PREFIX.length());
        int space = rest.indexOf(' ');
        if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new NoteFormatException("signature line: expected a key name, one space and a base64 signature;"
                    + " actual '" + NoteNames.printable(line) + "'");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(rest.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException("signature line: expected standard base64 (RFC 4648 section 4) after the"
                    + " key name; actual '" + NoteNames.printable(rest.substring(space + 1)) + "'", e);
        }
        if (blob.length < 5) {
            throw new NoteFormatException("signature line: expected a 4-byte key id and a signature; actual "
                    + blob.length + " bytes");
        }
        int id = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        return new NoteSignature(rest.substring(0, space), id, Arrays.copyOfRange(blob, 4, blob.length));
    }

    public String name() {
        return name;
    }

    public int keyId() {
        return keyId;
    }

    /** The bytes after the key id. */
    public byte[] signature() {
        return signature.clone();
    }

    /** The line, ending in a newline (U+000A). */
    public String line() {
        byte[] blob = new byte[4 + signature.length];
        blob[0] = (byte) (keyId >>> 24);
        blob[1] = (byte) (keyId >>> 16);
        blob[2] = (byte) (keyId >>> 8);
        blob[3] = (byte) keyId;
        System.arraycopy(signature, 0, blob, 4, signature.length);
        return PREFIX + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteSignature other && name.equals(other.name) && keyId == other.keyId
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + keyId;
    }

    @Override
    public String toString() {
        return line().strip();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
