package org.xroadng.certs.token;

import org.xroadng.protocol.jws.SigningException;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.jws.SigningKey;

class SoftwareTokenTest {

    private final TestPki pki = TestPki.create(Clock.systemUTC());

    @TempDir
    Path dir;

    private SoftwareToken create(Path file, String pin) throws TokenException {
        return SoftwareToken.create(file, Pin.of(pin), pki.bc, pki.random, pki.clock);
    }

    @Test
    void generatedKey_signsAndSurvivesReopening() throws InvalidKeyException, NoSuchAlgorithmException, SignatureException, SigningException, TokenException {
        Path file = dir.resolve("token.p12");
        String keyId = create(file, "1234").generateKey();

        SoftwareToken reopened = SoftwareToken.open(file, Pin.of("1234"), pki.bc, pki.random, pki.clock);
        SigningKey key = reopened.signingKey(keyId);
        byte[] signature = key.sign("data".getBytes());

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key.publicKey());
        verifier.update("data".getBytes());
        assertTrue(verifier.verify(signature));
        assertEquals(keyId, SoftwareToken.keyId(key.publicKey()));
        assertFalse(reopened.key(keyId).hasIssuedCertificate());
    }

    @Test
    void wrongPin_isReportedAndLeavesTheTokenUnchanged() throws IOException, TokenException {
        Path file = dir.resolve("token.p12");
        create(file, "1234").generateKey();
        byte[] before = Files.readAllBytes(file);

        TokenException e = assertThrows(TokenException.class,
                () -> SoftwareToken.open(file, Pin.of("9999"), pki.bc, pki.random, pki.clock));

        assertTrue(e.getMessage().contains("wrong PIN"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void existingFile_isNotOverwrittenByCreate() throws IOException, TokenException {
        Path file = dir.resolve("token.p12");
        create(file, "1234").generateKey();
        byte[] before = Files.readAllBytes(file);

        assertThrows(TokenException.class, () -> create(file, "5678"));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void unknownKeyId_isRefusedByName() throws TokenException {
        SoftwareToken token = create(dir.resolve("token.p12"), "1234");

        TokenException e = assertThrows(TokenException.class, () -> token.signingKey("00ff"));
        assertTrue(e.getMessage().contains("no key 00ff"), e.getMessage());
    }

    @Test
    void importedCertificate_replacesThePlaceholder() throws TokenException {
        Path file = dir.resolve("token.p12");
        SoftwareToken token = create(file, "1234");
        String keyId = token.generateKey();
        SigningKey key = token.signingKey(keyId);
        var cert = pki.issuer.issue(new org.bouncycastle.asn1.x500.X500Name("CN=member"), key.publicKey(),
                CertificateKind.MEMBER_SIGN, java.time.Duration.ofDays(1), List.of(), null);

        token.importCertificate(keyId, List.of(cert, pki.ca.cert()));

        TokenKey stored = SoftwareToken.open(file, Pin.of("1234"), pki.bc, pki.random, pki.clock).key(keyId);
        assertTrue(stored.hasIssuedCertificate());
        assertEquals(cert, stored.certificate());
        assertEquals(2, stored.chain().size());
    }

    @Test
    void certificateForAnotherKey_isRefused() throws TokenException {
        SoftwareToken token = create(dir.resolve("token.p12"), "1234");
        String keyId = token.generateKey();
        var other = pki.issue("other", CertificateKind.MEMBER_SIGN, List.of(), null);

        TokenException e = assertThrows(TokenException.class,
                () -> token.importCertificate(keyId, List.of(other.cert())));
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
        assertFalse(token.key(keyId).hasIssuedCertificate());
    }

    @Test
    void shortPin_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pin.of("12"));
        assertTrue(e.getMessage().contains("at least 4"));
        assertEquals("Pin[****]", Pin.of("secret-pin").toString());
    }

    @Test
    void secretKey_survivesReopeningAndIsNotListedAsASigningKey() throws TokenException {
        Path file = dir.resolve("token.p12");
        SoftwareToken token = create(file, "1234");
        String keyId = token.generateKey();
        javax.crypto.SecretKey generated = token.generateSecretKey("messagelog");

        SoftwareToken reopened = SoftwareToken.open(file, Pin.of("1234"), pki.bc, pki.random, pki.clock);
        javax.crypto.SecretKey loaded = reopened.secretKey("messagelog").orElseThrow();

        assertEquals("AES", loaded.getAlgorithm());
        assertEquals(32, loaded.getEncoded().length);
        assertArrayEquals(generated.getEncoded(), loaded.getEncoded());
        assertEquals(List.of(keyId), reopened.keys().stream().map(TokenKey::keyId).toList());
        assertThrows(TokenException.class, () -> reopened.signingKey("messagelog"));
    }

    @Test
    void secretKeyAlias_isNeverOverwrittenAndAbsentAliasIsEmpty() throws TokenException {
        SoftwareToken token = create(dir.resolve("token.p12"), "1234");
        byte[] first = token.generateSecretKey("messagelog").getEncoded();

        TokenException e = assertThrows(TokenException.class, () -> token.generateSecretKey("messagelog"));

        assertTrue(e.getMessage().contains("already has an entry messagelog"), e.getMessage());
        assertArrayEquals(first, token.secretKey("messagelog").orElseThrow().getEncoded());
        assertTrue(token.secretKey("other").isEmpty());
    }

    @Test
    void deletedKey_isGoneAfterReopeningAndTheOtherKeysStay() throws TokenException {
        Path file = dir.resolve("token.p12");
        SoftwareToken token = create(file, "1234");
        String kept = token.generateKey();
        String deleted = token.generateKey();
        token.signingKey(deleted);
        token.generateSecretKey("log-key");

        token.deleteKey(deleted);

        assertEquals(List.of(kept), token.keys().stream().map(TokenKey::keyId).toList());
        assertEquals("token " + file + " has no key " + deleted,
                assertThrows(TokenException.class, () -> token.signingKey(deleted)).getMessage());
        SoftwareToken reopened = SoftwareToken.open(file, Pin.of("1234"), pki.bc, pki.random, pki.clock);
        assertEquals(List.of(kept), reopened.keys().stream().map(TokenKey::keyId).toList());
        assertTrue(reopened.secretKey("log-key").isPresent(), "a secret key is not a signing key and stays");
    }

    @Test
    void deletingAnUnknownKeyOrASecretKey_isRefusedByNameAndChangesNothing() throws IOException, TokenException {
        Path file = dir.resolve("token.p12");
        SoftwareToken token = create(file, "1234");
        token.generateKey();
        token.generateSecretKey("log-key");
        byte[] before = Files.readAllBytes(file);

        assertEquals("token " + file + " has no key 00ff",
                assertThrows(TokenException.class, () -> token.deleteKey("00ff")).getMessage());
        assertThrows(TokenException.class, () -> token.deleteKey("log-key"));

        assertArrayEquals(before, Files.readAllBytes(file));
        assertTrue(token.secretKey("log-key").isPresent());
    }
}
