package org.xroadng.certs.token;

import java.security.cert.X509Certificate;
import java.util.List;
import org.xroadng.protocol.jws.SigningKey;

/**
 * A token holding ECDSA P-256 signing keys addressed by key id (hex of the first 20 bytes of
 * SHA-256 over the key's SubjectPublicKeyInfo, {@link SoftwareToken#keyId}), each with a
 * certificate chain: {@link SoftwareToken} (a PKCS#12 file) or {@link Pkcs11Token} (an HSM).
 *
 * <h2>Security guarantees</h2>
 * A key is generated inside the token and its private half is only ever used through the
 * {@link SigningKey} the token hands out; callers get signatures, never key material. A certificate
 * is only imported for the key whose public key it certifies. Implementations are thread-safe.
 */
public interface KeyToken {

    /** A short name for messages: the token file, or the configured id of an HSM token. */
    String name();

    /**
     * Generates a P-256 key inside the token and returns its key id. Until a CA's certificate is
     * imported, the key carries a self-signed placeholder certificate.
     */
    String generateKey() throws TokenException;

    /** The key with this id, as a signer; an unknown id is a {@link TokenException} naming it. */
    SigningKey signingKey(String keyId) throws TokenException;

    /** Every signing key in the token, sorted by key id. */
    List<TokenKey> keys() throws TokenException;

    /** The key with this id, its public key and certificate chain. */
    TokenKey key(String keyId) throws TokenException;

    /**
     * Replaces a key's certificate chain (certificate first) with one issued by a CA. The first
     * certificate must certify this key's public key; otherwise nothing changes.
     */
    void importCertificate(String keyId, List<X509Certificate> chain) throws TokenException;

    /**
     * Deletes the key and its certificate chain from the token, for good: signatures it made stay
     * verifiable with its certificate, but it signs nothing more ({@link SigningKey}s handed out
     * before fail). An unknown id is a {@link TokenException} naming it, and nothing changes.
     * Whether the key may go (not in use) is the caller's to decide.
     */
    void deleteKey(String keyId) throws TokenException;
}
