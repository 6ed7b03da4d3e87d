package org.xroadng.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Fresh message digests without a provider lookup each time: {@link MessageDigest#getInstance}
 * searches the providers and builds the engine by reflection, which cost the message-log writer
 * a tenth of its time at a few digests per record. Each call here clones a prototype instead, so
 * every caller still gets its own instance (safe across threads and nested use).
 */
public final class Digests {

    private static final MessageDigest SHA_256 = load("SHA-256");
    private static final MessageDigest SHA_512 = load("SHA-512");

    private Digests() {
    }

    /** A new SHA-256 digest (the JDK's, with its hardware intrinsics where the CPU has them). */
    public static MessageDigest sha256() {
        return copy(SHA_256);
    }

    /** A new SHA-512 digest. */
    public static MessageDigest sha512() {
        return copy(SHA_512);
    }

    /** SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest copy(MessageDigest prototype) {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(prototype.getAlgorithm() + " cannot be cloned", e);
        }
    }

    private static MessageDigest load(String algorithm) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.clone(); // the JDK's digests are cloneable; fail at class load, not per call, if not
            return digest;
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            throw new IllegalStateException("every Java platform has a cloneable " + algorithm, e);
        }
    }
}
