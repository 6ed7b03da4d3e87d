package org.xroadng.certs.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
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

    /**
     * Every handshake asks for the alias and then its key: the key is read from the token once,
     * not decrypted again (PBKDF2 from the PIN) per handshake.
     */
    @Test
    void keyManager_handsOutTheSameKeyInEveryHandshake() throws TokenException {
        SoftwareToken token = SoftwareToken.create(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random,
                pki.clock);
        String keyId = token.generateKey();
        X509Certificate cert = pki.issuer.issue(new org.bouncycastle.asn1.x500.X500Name("CN=auth"),
                token.key(keyId).publicKey(), CertificateKind.SERVER_AUTH, java.time.Duration.ofDays(1), List.of(), null);
        token.importCertificate(keyId, List.of(cert, pki.ca.cert()));
        X509ExtendedKeyManager manager = (X509ExtendedKeyManager) token.keyManager(keyId);

        String first = manager.chooseEngineServerAlias("EC", null, null);
        String second = manager.chooseEngineServerAlias("EC", null, null);
        String client = manager.chooseEngineClientAlias(new String[] {"EC"}, null, null);

        assertEquals(first, second);
        assertEquals(first, client);
        assertSame(manager.getPrivateKey(first), manager.getPrivateKey(second));
        assertEquals(List.of(cert, pki.ca.cert()), List.of(manager.getCertificateChain(client)));
        assertNull(manager.chooseEngineServerAlias("RSA", null, null), "an EC key is not offered for RSA");
    }

    @Test
    void keyManagerForUnknownKey_isRefused() throws TokenException {
        SoftwareToken token = SoftwareToken.create(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random,
                pki.clock);

        TokenException e = assertThrows(TokenException.class, () -> token.keyManager("00"));

        assertEquals(true, e.getMessage().contains("has no key 00"), e.getMessage());
    }
}
