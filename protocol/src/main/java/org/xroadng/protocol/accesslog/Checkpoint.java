package org.xroadng.protocol.accesslog;

import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * A security server's statement about its access log (DESIGN.md section 7): "my log, {@code origin},
 * held {@code size} events with Merkle root {@code rootHash} at {@code time}". It is the payload of
 * a JWS signed by the server owner's signing key (see {@link CheckpointCodec}); RFC 3161
 * timestamped; posted to the registry's witness.
 *
 * <p>The optional {@code noteKey} is the C2SP note verifier key ({@code name+keyid+base64}) of the
 * Ed25519 key with which the server also signs the same checkpoint as a C2SP tlog-checkpoint note
 * for the transparency witnesses: signed here by the owner's certified signing key, it binds that
 * note key to the server, so a witness or portal can learn it from a checkpoint the registry
 * accepted.
 *
 * @param rootHash the RFC 9162 Merkle Tree Hash of the first {@code size} events, base64url without
 *                 padding (43 characters for SHA-256)
 * @param noteKey  the server's access-log note verifier key, or null when the server has none
 */
public record Checkpoint(SecurityServerId origin, long size, String rootHash, Instant time, String noteKey) {

    /** The form of a note verifier key: a name without spaces or '+', 8 hex digits, base64. */
    private static final java.util.regex.Pattern NOTE_KEY =
            java.util.regex.Pattern.compile("[^+\\s]+\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]+=*");

    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        if (size < 0) {
            throw new IllegalArgumentException("size is " + size + "; expected 0 or more");
        }
        decodeHash(rootHash, "rootHash");
        Objects.requireNonNull(time, "time");
        if (noteKey != null && !NOTE_KEY.matcher(noteKey).matches()) {
            throw new IllegalArgumentException("noteKey is '" + noteKey + "'; expected a C2SP note verifier key"
                    + " name+keyid+base64");
        }
    }

    public Checkpoint(SecurityServerId origin, long size, String rootHash, Instant time) {
        this(origin, size, rootHash, time, null);
    }

    public Checkpoint(SecurityServerId origin, long size, byte[] rootHash, Instant time) {
        this(origin, size, encodeHash(rootHash), time, null);
    }

    public Checkpoint(SecurityServerId origin, long size, byte[] rootHash, Instant time, String noteKey) {
        this(origin, size, encodeHash(rootHash), time, noteKey);
    }

    /** The root hash as 32 bytes. */
    public byte[] rootHashBytes() {
        return decodeHash(rootHash, "rootHash");
    }

    /** Base64url without padding (RFC 4648 section 5), the encoding of every hash in these formats. */
    public static String encodeHash(byte[] hash) {
        Objects.requireNonNull(hash, "hash");
        if (hash.length != 32) {
            throw new IllegalArgumentException("a SHA-256 hash has 32 bytes; this one has " + hash.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    /** Decodes a base64url SHA-256 hash, refusing anything that is not exactly 32 bytes. */
    public static byte[] decodeHash(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing; expected a base64url SHA-256 hash");
        }
        if (text.length() != 43) {
            throw new IllegalArgumentException(what + " has " + text.length()
                    + " characters; expected 43 (a base64url SHA-256 hash without padding)");
        }
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64url: " + e.getMessage(), e);
        }
    }
}
