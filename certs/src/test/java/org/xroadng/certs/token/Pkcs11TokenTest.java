package org.xroadng.certs.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.SoftHsm;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;

/** A PKCS#11 token on SoftHSM2, a real PKCS#11 module: keys made, used and kept inside it. */
class Pkcs11TokenTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private final TestPki pki = TestPki.create(CLOCK);

    @TempDir
    Path dir;

    private Pkcs11Token open() throws TokenException {
        return Pkcs11Token.open(SoftHsm.get().slot("hsm1", "certs"), SoftHsm.pin(), pki.random, CLOCK);
    }

    @Test
    void generatedKey_signsVerifiably() throws TokenException, SigningException, GeneralSecurityException {
        Pkcs11Token token = open();
        String keyId = token.generateKey();
        SigningKey key = token.signingKey(keyId);

        byte[] signature = key.sign("data to sign".getBytes());

        Signature verifier = Signature.getInstance("SHA256withECDSA", pki.bc);
        verifier.initVerify(key.publicKey());
        verifier.update("data to sign".getBytes());
        assertTrue(verifier.verify(signature));
        assertEquals(keyId, SoftwareToken.keyId(key.publicKey()));
        assertFalse(token.key(keyId).hasIssuedCertificate());
    }

    @Test
    void generatedKey_isASensitiveNonExtractableTokenObject() throws TokenException, GeneralSecurityException,
            IOException {
        String keyId = open().generateKey();

        // the key as anyone holding the PIN sees it through another session of the module
        Provider provider = Security.getProvider("SunPKCS11").configure("--name=inspect\nlibrary=" + SoftHsm.MODULE
                + "\nslot=" + SoftHsm.get().slot("x", "certs").slotId() + "\n");
        KeyStore store = KeyStore.getInstance("PKCS11", provider);
        store.load(null, SoftHsm.PIN.toCharArray());
        Key key = store.getKey(keyId, null);

        assertNull(key.getEncoded(), "the private key's value must not be readable");
        assertTrue(key.toString().contains("token object"), key.toString());
        assertTrue(key.toString().contains("sensitive"), key.toString());
        assertTrue(key.toString().contains("unextractable"), key.toString());
    }

    @Test
    void importedCertificate_replacesThePlaceholderAndSurvivesReopening() throws TokenException {
        Pkcs11Token token = open();
        String keyId = token.generateKey();
        var certificate = pki.issuer.issue(new X500Name("CN=hsm member"), token.key(keyId).publicKey(),
                CertificateKind.MEMBER_SIGN, Duration.ofDays(30), List.of(), null);

        token.importCertificate(keyId, List.of(certificate, pki.ca.cert()));

        TokenKey reopened = open().key(keyId);
        assertTrue(reopened.hasIssuedCertificate());
        assertEquals(certificate, reopened.certificate());
        assertEquals(2, reopened.chain().size());
        assertTrue(open().keys().stream().anyMatch(k -> k.keyId().equals(keyId)));
    }

    @Test
    void certificateOfAnotherKey_isRefusedAndChangesNothing() throws TokenException {
        Pkcs11Token token = open();
        String keyId = token.generateKey();
        var other = pki.issue("other", CertificateKind.MEMBER_SIGN, List.of(), null);

        TokenException e = assertThrows(TokenException.class,
                () -> token.importCertificate(keyId, List.of(other.cert())));

        assertTrue(e.getMessage().contains("is for another key"), e.getMessage());
        assertFalse(open().key(keyId).hasIssuedCertificate());
    }

    @Test
    void wrongPin_isAOneLineErrorSayingSo() {
        TokenException e = assertThrows(TokenException.class, () -> Pkcs11Token.open(
                SoftHsm.get().slot("hsm1", "certs"), Pin.of("9999-wrong"), pki.random, CLOCK));

        assertEquals("cannot log in to token hsm1: wrong PIN (CKR_PIN_INCORRECT)", e.getMessage());
    }

    @Test
    void keyOfAnEarlierOpening_stillSignsAfterAnotherOpeningLoggedOutWithAWrongPin() throws TokenException,
            SigningException, GeneralSecurityException {
        Pkcs11Token first = open();
        SigningKey key = first.signingKey(first.generateKey());
        assertThrows(TokenException.class, () -> Pkcs11Token.open(SoftHsm.get().slot("hsm1", "certs"),
                Pin.of("9999-wrong"), pki.random, CLOCK));

        byte[] signature = key.sign("after the wrong PIN".getBytes());

        Signature verifier = Signature.getInstance("SHA256withECDSA", pki.bc);
        verifier.initVerify(key.publicKey());
        verifier.update("after the wrong PIN".getBytes());
        assertTrue(verifier.verify(signature));
    }

    @Test
    void missingModule_isAOneLineErrorNamingIt() {
        Pkcs11Slot slot = Pkcs11Slot.bySlotId("hsm1", dir.resolve("libvendor-pkcs11.so"), 0);

        TokenException e = assertThrows(TokenException.class,
                () -> Pkcs11Token.open(slot, SoftHsm.pin(), pki.random, CLOCK));

        assertEquals("PKCS#11 module " + slot.module() + " of token hsm1 does not exist; install the HSM's PKCS#11"
                + " library or correct the token's module path", e.getMessage());
    }

    @Test
    void fileThatIsNotAModule_isAOneLineError() throws IOException {
        Path notALibrary = Files.writeString(dir.resolve("not-a-module.so"), "text");
        Pkcs11Slot slot = Pkcs11Slot.bySlotId("hsm1", notALibrary, 0);

        TokenException e = assertThrows(TokenException.class,
                () -> Pkcs11Token.open(slot, SoftHsm.pin(), pki.random, CLOCK));

        assertTrue(e.getMessage().startsWith("cannot use PKCS#11 module " + notALibrary + " for token hsm1: "),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void slotWithoutToken_isAOneLineErrorSayingSo() {
        SoftHsm.get();
        Pkcs11Slot slot = Pkcs11Slot.bySlotId("hsm1", SoftHsm.MODULE, 4242);

        TokenException e = assertThrows(TokenException.class,
                () -> Pkcs11Token.open(slot, SoftHsm.pin(), pki.random, CLOCK));

        assertTrue(e.getMessage().startsWith("cannot use PKCS#11 module " + SoftHsm.MODULE + " for token hsm1: no such"
                + " slot (CKR_SLOT_ID_INVALID)"), e.getMessage());
    }

    @Test
    void unknownKeyId_isRefusedByName() throws TokenException {
        TokenException e = assertThrows(TokenException.class, () -> open().signingKey("00ff"));

        assertEquals("token hsm1 has no key 00ff", e.getMessage());
    }

    @Test
    void slotNamedTwiceOrNotAtAll_isRefused() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> new Pkcs11Slot("hsm1", SoftHsm.MODULE, 1, 0));
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> Pkcs11Slot.bySlotId("hsm1", Path.of("libsofthsm2.so"), 0));
        IllegalArgumentException badId = assertThrows(IllegalArgumentException.class,
                () -> Pkcs11Slot.bySlotId("hsm 1", SoftHsm.MODULE, 0));

        assertTrue(both.getMessage().contains("both a slot id and a slot index"), both.getMessage());
        assertTrue(relative.getMessage().contains("expected the absolute path"), relative.getMessage());
        assertTrue(badId.getMessage().contains("token id 'hsm 1' is not one"), badId.getMessage());
    }

    @Test
    void deletedKey_isDestroyedInTheTokenAndItsSignerSignsNoMore() throws TokenException {
        Pkcs11Token token = open();
        String kept = token.generateKey();
        String deleted = token.generateKey();
        SigningKey signer = token.signingKey(deleted);

        token.deleteKey(deleted);

        assertTrue(token.keys().stream().noneMatch(k -> k.keyId().equals(deleted)));
        Pkcs11Token reopened = open();
        assertTrue(reopened.keys().stream().noneMatch(k -> k.keyId().equals(deleted)), "gone from the token itself");
        assertTrue(reopened.keys().stream().anyMatch(k -> k.keyId().equals(kept)));
        assertEquals("token hsm1 has no key " + deleted,
                assertThrows(TokenException.class, () -> reopened.signingKey(deleted)).getMessage());
        assertThrows(SigningException.class, () -> signer.sign("after deletion".getBytes()));
    }

    @Test
    void deletingAnUnknownKey_isRefusedByName() throws TokenException {
        Pkcs11Token token = open();
        int before = token.keys().size();

        TokenException e = assertThrows(TokenException.class, () -> token.deleteKey("00ff"));

        assertEquals("token hsm1 has no key 00ff", e.getMessage());
        assertEquals(before, token.keys().size());
    }
}
