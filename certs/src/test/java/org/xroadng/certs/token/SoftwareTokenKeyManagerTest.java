package org.xroadng.certs.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

class SoftwareTokenKeyManagerTest {

    private final TestPki pki = TestPki.create(Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    void keyManager_presentsOnlyThatKeyAndItsChain() throws TokenException {
        SoftwareToken token = SoftwareToken.create(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random,
                pki.clock);
        String wanted = token.generateKey();
        token.generateKey();
        X509Certificate cert = pki.issuer.issue(new org.bouncycastle.asn1.x500.X500Name("CN=auth"),
                token.key(wanted).publicKey(), CertificateKind.SERVER_AUTH, java.time.Duration.ofDays(1), List.of(), null);
        token.importCertificate(wanted, List.of(cert, pki.ca.cert()));

        X509KeyManager manager = token.keyManager(wanted);

        String[] aliases = manager.getClientAliases("EC", null);
        assertEquals(1, aliases.length);
        assertEquals(List.of(cert, pki.ca.cert()), List.of(manager.getCertificateChain(aliases[0])));
        assertEquals(cert.getPublicKey().getAlgorithm(), manager.getPrivateKey(aliases[0]).getAlgorithm());
    }

    @Test
    void keyManagerForUnknownKey_isRefused() throws TokenException {
        SoftwareToken token = SoftwareToken.create(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random,
                pki.clock);

        TokenException e = assertThrows(TokenException.class, () -> token.keyManager("00"));

        assertEquals(true, e.getMessage().contains("has no key 00"), e.getMessage());
    }
}
