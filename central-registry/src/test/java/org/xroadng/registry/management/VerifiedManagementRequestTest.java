package org.xroadng.registry.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.registry.management.ManagementPki.base64;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.management.AuthCertRegRequest;

class VerifiedManagementRequestTest {

    private static final Instant NOW = Instant.parse("2030-05-06T09:00:00Z");
    private static final SecurityServerId SERVER = MemberId.parse("DEMO/GOV/1001").server("ss1");

    private final ManagementPki ca = new ManagementPki(new MutableClock(NOW), "Test Root CA");
    private final TestPki.Issued auth = ca.server(SERVER);
    private final TestPki.Issued owner = ca.member(SERVER.owner());
    private final AuthCertRegRequest request = new AuthCertRegRequest(SERVER, "ss1:5500", base64(auth.cert()), NOW);

    @Test
    void authCertRegWithTheHashOfAnotherCertificate_isRefused() {
        String ownersHash = VerifiedAuthCertReg.of(
                new AuthCertRegRequest(SERVER, "ss1:5500", base64(owner.cert()), NOW), owner.cert(), owner.cert())
                .authCertificateSha256Hex();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VerifiedAuthCertReg(request, auth.cert(), owner.cert(), ownersHash));

        assertTrue(e.getMessage().startsWith("authCertificateSha256Hex is '" + ownersHash + "'; expected "),
                e.getMessage());
    }

    @Test
    void authCertRegWithACertificateOtherThanTheRequestNames_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> VerifiedAuthCertReg.of(request, owner.cert(), owner.cert()));
    }

    @Test
    void authCertRegHash_isLowercaseHexOf64Characters() {
        String hash = VerifiedAuthCertReg.of(request, auth.cert(), owner.cert()).authCertificateSha256Hex();

        assertEquals(64, hash.length());
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
    }
}
