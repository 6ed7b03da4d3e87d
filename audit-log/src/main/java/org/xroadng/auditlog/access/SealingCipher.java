package org.xroadng.auditlog.access;

import java.security.GeneralSecurityException;

/**
 * Authenticated encryption for what a restricted event keeps secret until its disclosure (its
 * salt and whole content), at rest in the access log's database. The security server's
 * implementation is AES-256-GCM under its message log key, the key that encrypts message bodies.
 *
 * <p>Security guarantees expected of an implementation: confidentiality of the plaintext, and
 * integrity of plaintext and associated data together (an AEAD, RFC 5116), so a sealed value moved
 * to another event (another associated data) or changed fails {@link #open}.
 */
public interface SealingCipher {

    /** Encrypts {@code plaintext} bound to {@code associatedData}. */
    byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException;

    /** Decrypts what {@link #seal} made with the same associated data; fails when anything was changed. */
    byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException;
}
