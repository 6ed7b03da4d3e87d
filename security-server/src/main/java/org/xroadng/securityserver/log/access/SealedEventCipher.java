package org.xroadng.securityserver.log.access;

import java.security.GeneralSecurityException;
import org.xroadng.auditlog.access.SealingCipher;
import org.xroadng.securityserver.log.RecordCipher;
import org.xroadng.securityserver.log.RecordDecryptionException;

/**
 * The access log's {@link SealingCipher} for restricted events' secrets (DESIGN.md section 7):
 * the message log's {@link RecordCipher}, AES-256-GCM under the message log key, so they are
 * encrypted at rest exactly as message bodies are.
 */
public final class SealedEventCipher implements SealingCipher {

    private final RecordCipher cipher;

    public SealedEventCipher(RecordCipher cipher) {
        this.cipher = cipher;
    }

    @Override
    public byte[] seal(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        return cipher.seal(plaintext, associatedData);
    }

    @Override
    public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        try {
            return cipher.open(-1, sealed, associatedData);
        } catch (RecordDecryptionException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }
}
