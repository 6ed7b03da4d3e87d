package org.xroadng.securityserver.log;

import java.security.GeneralSecurityException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class RecordCipherTest {

    private static final byte[] PLAINTEXT = "{\"person\":\"EE38001010001\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = LogRow.associatedData(7, "consumer", "request", "q-1", "r-1");

    private final SecureRandom random = new SecureRandom();

    private static MessageLogKey key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return MessageLogKey.of(bytes);
    }

    @Test
    void sealedBody_opensUnderBothProvidersWithAFreshNoncePerSeal() throws GeneralSecurityException, RecordDecryptionException {
        Provider jdk = Security.getProvider("SunJCE");
        Provider bc = new BouncyCastleProvider();
        RecordCipher sealer = new RecordCipher(key(1), jdk, random);

        byte[] first = sealer.seal(PLAINTEXT, AAD);
        byte[] second = sealer.seal(PLAINTEXT, AAD);

        assertEquals(RecordCipher.NONCE_BYTES + PLAINTEXT.length + 16, first.length);
        assertFalse(Arrays.equals(Arrays.copyOf(first, 12), Arrays.copyOf(second, 12)));
        assertArrayEquals(PLAINTEXT, new RecordCipher(key(1), bc, random).open(7, first, AAD));
        assertArrayEquals(PLAINTEXT, sealer.open(7, second, AAD));
    }

    @Test
    void wrongKey_failsNamingTheRecord() throws GeneralSecurityException {
        byte[] sealed = new RecordCipher(key(1), new BouncyCastleProvider(), random).seal(PLAINTEXT, AAD);
        RecordCipher other = new RecordCipher(key(2), new BouncyCastleProvider(), random);

        RecordDecryptionException e = assertThrows(RecordDecryptionException.class, () -> other.open(7, sealed, AAD));

        assertEquals(7, e.recordId());
        assertTrue(e.getMessage().contains("record 7"), e.getMessage());
        assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
    }

    @Test
    void flippedCiphertextByte_fails() throws GeneralSecurityException {
        RecordCipher cipher = new RecordCipher(key(1), Security.getProvider("SunJCE"), random);
        byte[] sealed = cipher.seal(PLAINTEXT, AAD);
        sealed[RecordCipher.NONCE_BYTES + 3] ^= 1;

        assertThrows(RecordDecryptionException.class, () -> cipher.open(7, sealed, AAD));
    }

    @Test
    void otherRecordsAssociatedData_fails() throws GeneralSecurityException {
        RecordCipher cipher = new RecordCipher(key(1), Security.getProvider("SunJCE"), random);
        byte[] sealed = cipher.seal(PLAINTEXT, AAD);
        byte[] otherRecord = LogRow.associatedData(8, "consumer", "request", "q-1", "r-1");

        assertThrows(RecordDecryptionException.class, () -> cipher.open(8, sealed, otherRecord));
    }

    @Test
    void truncatedInput_failsWithoutDecrypting() {
        RecordCipher cipher = new RecordCipher(key(1), Security.getProvider("SunJCE"), random);

        RecordDecryptionException e = assertThrows(RecordDecryptionException.class,
                () -> cipher.open(3, new byte[10], AAD));
        assertTrue(e.getMessage().contains("shorter than nonce and tag"), e.getMessage());
    }
}
