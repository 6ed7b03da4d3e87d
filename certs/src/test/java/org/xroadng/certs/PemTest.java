package org.xroadng.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import org.junit.jupiter.api.Test;

/** What a person who gave bad PEM reads: what was expected and what was given, never a class name. */
class PemTest {

    private static void assertNoClassNames(String message) {
        assertFalse(message.contains("Exception") || message.contains("java.") || message.contains("bouncycastle"),
                message);
    }

    @Test
    void emptyText_saysAPemCertificateWasExpectedAndTheBodyWasEmpty() {
        CertificateException e = assertThrows(CertificateException.class, () -> Pem.certificates(""));

        assertEquals("expected a PEM certificate (-----BEGIN CERTIFICATE-----), got an empty body", e.getMessage());
    }

    @Test
    void blankOrNonPemText_saysWhatWasExpected() {
        assertTrue(assertThrows(CertificateException.class, () -> Pem.certificates(" \n")).getMessage()
                .endsWith("got only white space"));
        assertTrue(assertThrows(CertificateException.class, () -> Pem.certificates("hello")).getMessage()
                .endsWith("got text without any PEM block"));
    }

    @Test
    void emptyPemBlock_namesNoClass() {
        String pem = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";

        CertificateException e = assertThrows(CertificateException.class, () -> Pem.certificates(pem));

        assertNoClassNames(e.getMessage());
        assertTrue(e.getMessage().contains("expected a DER X.509 certificate"), e.getMessage());
    }

    @Test
    void pemBlockOfNonCertificateBytes_namesNoClass() {
        String pem = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";

        CertificateException e = assertThrows(CertificateException.class, () -> Pem.certificates(pem));

        assertNoClassNames(e.getMessage());
    }

    @Test
    void pemBlockOfBadBase64_isIllegalArgumentNamingNoClass() {
        String pem = "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n";

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pem.certificates(pem));

        assertTrue(e.getMessage().startsWith("malformed PEM certificate"), e.getMessage());
        assertNoClassNames(e.getMessage());
    }

    @Test
    void emptyOrGarbageCsr_namesNoClass() {
        IOException empty = assertThrows(IOException.class, () -> Pem.csr(new byte[0]));
        assertTrue(empty.getMessage().endsWith("got an empty body"), empty.getMessage());
        IOException garbage = assertThrows(IOException.class,
                () -> Pem.csr("not a request".getBytes(StandardCharsets.US_ASCII)));
        assertNoClassNames(garbage.getMessage());
    }
}
