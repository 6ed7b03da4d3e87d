package org.xroadng.securityserver.log;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM (NIST SP 800-38D) for message bodies at rest.
 *
 * <p>Security guarantees: confidentiality of the body, and integrity of the body together with the
 * associated data (the record's id and metadata), so a sealed body cannot be moved to another
 * record nor changed without {@link #open} failing. Each {@link #seal} draws a fresh 96-bit nonce
 * from the injected {@link SecureRandom}; SP 800-38D section 8.3 limits random nonces to 2^32
 * seals per key, far above what one server logs under one key. The sealed form is
 * {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}. Thread-safe: each thread seals with a
 * {@link Cipher} of its own, initialised afresh (key and nonce) for every seal; looking a cipher up
 * had cost the writer more than encrypting.
 */
public final class RecordCipher {

    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final MessageLogKey key;
    private final Provider provider;
    private final SecureRandom random;
    /** Each thread's cipher for {@link #seal}; null until the thread's first seal. */
    private final ThreadLocal<Cipher> sealing = new ThreadLocal<>();

    public RecordCipher(MessageLogKey key, Provider provider, SecureRandom random) {
        this.key = key;
        this.provider = provider;
        this.random = random;
    }

    /** Encrypts {@code plaintext} bound to {@code associatedData}; returns nonce || ciphertext || tag. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher cipher = sealing.get();
        if (cipher == null) {
            cipher = Cipher.getInstance(TRANSFORMATION, provider);
            sealing.set(cipher);
        }
        cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
        System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
        int written = cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
        return written == sealed.length - NONCE_BYTES ? sealed : Arrays.copyOf(sealed, NONCE_BYTES + written);
    }

    /**
     * Decrypts what {@link #seal} made with the same associated data.
     *
     * @throws RecordDecryptionException naming {@code recordId} when the input is too short or
     *                                   fails authentication (wrong key, changed bytes or data)
     */
    public byte[] open(long recordId, byte[] sealed, byte[] associatedData) throws RecordDecryptionException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new RecordDecryptionException(recordId, "sealed body is " + sealed.length
                    + " bytes, shorter than nonce and tag (" + (NONCE_BYTES + TAG_BITS / 8) + ")", null);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION, provider);
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new RecordDecryptionException(recordId,
                    "authentication failed (wrong key, or the body or record fields were changed)", e);
        } catch (GeneralSecurityException e) {
            throw new RecordDecryptionException(recordId, e.getMessage(), e);
        }
    }
}
