package org.xroadng.securityserver.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.SoftHsm;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.KeyToken;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.Pkcs11Token;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.securityserver.ServerException;

/** A server whose signing keys are in HSM tokens (SoftHSM2), beside its software token. */
class ServerKeysHsmTest {

    static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    static final MemberId OTHER = MemberId.parse("DEMO/GOV/1002");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    final TestPki pki = TestPki.create(CLOCK);

    @TempDir
    Path dir;

    Database database;
    SoftwareToken software;
    Map<String, KeyToken> hsms;
    ServerKeys keys;

    @BeforeEach
    void create() throws ServerException, TokenException {
        database = DatabaseSettings.embedded().open(dir.resolve("server"), "securityserver");
        software = SoftwareToken.create(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random, CLOCK);
        hsms = Map.of("hsm1", Pkcs11Token.open(SoftHsm.get().slot("hsm1", "server"), SoftHsm.pin(), pki.random, CLOCK),
                "hsm2", Pkcs11Token.open(SoftHsm.get().slot("hsm2", "second"), SoftHsm.pin(), pki.random, CLOCK));
        keys = ServerKeys.create(software, hsms, "hsm1", database, SERVER, "127.0.0.1", CLOCK);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private X509Certificate issue(String keyId, MemberId member) throws IOException, GeneralSecurityException,
            ServerException, TokenException {
        PKCS10CertificationRequest csr = Pem.csr(keys.csr(keyId).getBytes(StandardCharsets.US_ASCII));
        return pki.issuer.issue(new X500Name("CN=" + member.format()), new JcaPKCS10CertificationRequest(csr)
                .getPublicKey(), CertificateKind.MEMBER_SIGN, Duration.ofDays(30), List.of(new GeneralName(
                GeneralName.uniformResourceIdentifier, CertificateProfile.SIGN.uriFor(member))), "http://127.0.0.1:1/ocsp");
    }

    @Test
    void ownerSigningKey_isGeneratedInTheChosenHsmAndAuthKeyInSoftware() throws TokenException {
        String signKey = keys.signKeyId(SERVER.owner()).orElseThrow();

        assertTrue(hsms.get("hsm1").keys().stream().anyMatch(k -> k.keyId().equals(signKey)));
        assertTrue(software.keys().stream().noneMatch(k -> k.keyId().equals(signKey)));
        assertTrue(software.keys().stream().anyMatch(k -> k.keyId().equals(keys.authKeyId())));
        assertEquals("hsm1", keys.keys().stream().filter(k -> k.keyId().equals(signKey)).findFirst().orElseThrow().token());
        assertEquals("software", keys.keys().stream().filter(k -> k.keyId().equals(keys.authKeyId())).findFirst()
                .orElseThrow().token());
    }

    @Test
    void importedCertificate_makesTheHsmKeyTheMembersSigner() throws IOException, GeneralSecurityException,
            ServerException, TokenException, SigningException {
        String signKey = keys.signKeyId(SERVER.owner()).orElseThrow();
        X509Certificate certificate = issue(signKey, SERVER.owner());

        keys.importCertificate(List.of(certificate, pki.ca.cert()));

        org.xroadng.securityserver.message.ServerIdentity.MemberKey signer = keys.signer(SERVER.owner()).orElseThrow();
        byte[] signature = signer.key().sign("summary".getBytes(StandardCharsets.UTF_8));
        Signature verifier = Signature.getInstance("SHA256withECDSA", pki.bc);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update("summary".getBytes(StandardCharsets.UTF_8));
        assertTrue(verifier.verify(signature));
        assertEquals(certificate, signer.chain().get(0));
        assertTrue(hsms.get("hsm1").key(signKey).hasIssuedCertificate());
    }

    @Test
    void severalTokens_holdTheSigningKeysOfDifferentMembers() throws ServerException, TokenException {
        String other = keys.addSigningKey(OTHER, "hsm2");

        assertTrue(hsms.get("hsm2").keys().stream().anyMatch(k -> k.keyId().equals(other)));
        assertEquals("hsm2", keys.keys().stream().filter(k -> k.keyId().equals(other)).findFirst().orElseThrow().token());
        ServerKeys reopened = ServerKeys.open(software, hsms, database, SERVER, "127.0.0.1", CLOCK);
        assertEquals(keys.keys(), reopened.keys());
    }

    @Test
    void unknownToken_isRefusedAndNothingIsGenerated() throws TokenException {
        int before = keys.keys().size();

        ServerException e = assertThrows(ServerException.class, () -> keys.addSigningKey(OTHER, "hsm9"));

        assertEquals(ServerException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().startsWith("no token 'hsm9'; expected one of the server's HSM tokens"), e.getMessage());
        assertEquals(before, keys.keys().size());
    }

    @Test
    void tokenNoLongerConfigured_isRefusedNamingIt() {
        TokenException e = assertThrows(TokenException.class,
                () -> ServerKeys.open(software, Map.of(), database, SERVER, "127.0.0.1", CLOCK));

        assertTrue(e.getMessage().contains("is in token hsm1, which the server's tokens/ directory does not configure"), e.getMessage());
    }

    @Test
    void tokenFiles_roundTripAndOpenWithThePinTheyName() throws IOException, ConfigException, TokenException {
        Files.writeString(dir.resolve("hsm1.pin"), SoftHsm.PIN + "\n");
        new HsmToken(SoftHsm.get().slot("hsm1", "server"), Path.of("hsm1.pin"), null).save(dir);
        new HsmToken(SoftHsm.get().slot("hsm2", "second"), null, "HSM2_PIN").save(dir);

        Map<String, KeyToken> opened = HsmToken.openAll(dir,
                name -> name.equals("HSM2_PIN") ? Optional.of(SoftHsm.PIN) : Optional.empty(), pki.random, CLOCK);

        assertEquals(List.of("hsm1", "hsm2"), List.copyOf(opened.keySet()));
        assertEquals(HsmToken.load(dir.resolve("tokens/hsm2.yaml")),
                new HsmToken(SoftHsm.get().slot("hsm2", "second"), null, "HSM2_PIN"));
    }

    @Test
    void wrongPinInTheTokensPinFile_isAOneLineError() throws IOException {
        Files.writeString(dir.resolve("hsm1.pin"), "wrong-pin\n");
        Files.createDirectories(dir.resolve("tokens"));
        Files.writeString(dir.resolve("tokens/hsm1.yaml"), "module: " + SoftHsm.MODULE + "\nslot: "
                + SoftHsm.get().slot("hsm1", "server").slotId() + "\npinFile: hsm1.pin\n");

        TokenException e = assertThrows(TokenException.class,
                () -> HsmToken.openAll(dir, name -> Optional.empty(), pki.random, CLOCK));

        assertEquals("cannot log in to token hsm1: wrong PIN (CKR_PIN_INCORRECT)", e.getMessage());
    }

    @Test
    void badTokenFiles_areRefusedNamingFileAndKey() throws IOException {
        Files.createDirectories(dir.resolve("tokens"));
        Path both = Files.writeString(dir.resolve("tokens/hsm1.yaml"), "module: /usr/lib/x.so\nslot: 1\nslotIndex: 0\n"
                + "pinEnv: X\n");
        Path badSlot = Files.writeString(dir.resolve("tokens/hsm2.yaml"), "module: /usr/lib/x.so\nslot: one\npinEnv: X\n");
        Path unknown = Files.writeString(dir.resolve("tokens/hsm3.yaml"), "module: /usr/lib/x.so\ntokenLabel: a\n");
        Path noPin = Files.writeString(dir.resolve("tokens/hsm4.yaml"), "module: /usr/lib/x.so\nslot: 1\n");

        assertTrue(assertThrows(ConfigException.class, () -> HsmToken.load(both)).getMessage()
                .contains("both a slot id and a slot index"));
        assertTrue(assertThrows(ConfigException.class, () -> HsmToken.load(badSlot)).getMessage()
                .contains("key 'slot' is 'one'; expected a slot id"));
        assertTrue(assertThrows(ConfigException.class, () -> HsmToken.load(unknown)).getMessage()
                .contains("unknown key 'tokenLabel'"));
        assertTrue(assertThrows(ConfigException.class, () -> HsmToken.load(noPin)).getMessage()
                .contains("neither a PIN file and a PIN environment variable"));
    }

    @Test
    void deleteKey_inAnHsm_destroysItThereAndForgetsIt_theOnlyCertifiedOneIsRefused() throws IOException,
            GeneralSecurityException, ServerException, TokenException {
        String other = keys.addSigningKey(OTHER, "hsm2");
        String owner = keys.signKeyId(SERVER.owner()).orElseThrow();
        keys.importCertificate(List.of(issue(owner, SERVER.owner()), pki.ca.cert()));

        ServerException refused = assertThrows(ServerException.class, () -> keys.deleteKey(owner));
        assertTrue(refused.getMessage().contains("only signing key of member DEMO/GOV/1001"), refused.getMessage());
        assertTrue(hsms.get("hsm1").keys().stream().anyMatch(k -> k.keyId().equals(owner)), "still in the HSM");

        assertEquals("hsm2", keys.deleteKey(other).token());
        assertTrue(hsms.get("hsm2").keys().stream().noneMatch(k -> k.keyId().equals(other)));
        assertTrue(keys.signKeyId(OTHER).isEmpty());
        ServerKeys reopened = ServerKeys.open(software, hsms, database, SERVER, "127.0.0.1", CLOCK);
        assertEquals(keys.keys(), reopened.keys());
    }
}
