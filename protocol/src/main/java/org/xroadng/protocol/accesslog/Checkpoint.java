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
 * @param rootHash the RFC 9162 Merkle Tree Hash of the first {@code size} events, base64url without
 *                 padding (43 characters for SHA-256)
 */
public record Checkpoint(SecurityServerId origin, long size, String rootHash, Instant time) {

    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        if (size < 0) {
            throw new IllegalArgumentException("size is " + size + "; expected 0 or more");
        }
        decodeHash(rootHash, "rootHash");
        Objects.requireNonNull(time, "time");
    }

    public Checkpoint(SecurityServerId origin, long size, byte[] rootHash, Instant time) {
        this(origin, size, encodeHash(rootHash), time);
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
