package org.xroadng.securityserver.keys;

import java.security.InvalidKeyException;
import org.xroadng.certs.token.TokenException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;

class ServerKeysTest {

    static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    static final MemberId OTHER = MemberId.parse("DEMO/GOV/1002");

    final TestPki pki = TestPki.create(Clock.systemUTC());

    @TempDir
    Path dir;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link ServerKeysPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    Database database;
    ServerKeys keys;

    @BeforeEach
    void create() throws ServerException, TokenException {
        database = storage().open(dir.resolve("server"), "securityserver");
        SoftwareToken token = SoftwareToken.create(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random, pki.clock);
        keys = ServerKeys.create(token, database, SERVER, "127.0.0.1", pki.clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    X509Certificate issue(String keyId, CertificateProfile profile, XRoadId identity) throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        return issue(pki.issuer, keyId, profile, identity);
    }

    /** As the CA would an hour from now: a certificate newer than those issued before. */
    X509Certificate issueAnHourLater(String keyId, CertificateProfile profile, XRoadId identity)
            throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        return issue(new X509Issuer(pki.ca.cert(), pki.ca.key(), Clock.offset(Clock.systemUTC(), Duration.ofHours(1)),
                pki.random), keyId, profile, identity);
    }

    private X509Certificate issue(X509Issuer issuer, String keyId, CertificateProfile profile, XRoadId identity)
            throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        CertificateKind kind = profile == CertificateProfile.AUTH ? CertificateKind.SERVER_AUTH : CertificateKind.MEMBER_SIGN;
        PKCS10CertificationRequest csr = Pem.csr(keys.csr(keyId).getBytes(StandardCharsets.US_ASCII));
        return issuer.issue(new X500Name("CN=" + identity.format()),
                new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(csr).getPublicKey(), kind,
                Duration.ofDays(30), List.of(new GeneralName(GeneralName.uniformResourceIdentifier, profile.uriFor(identity))),
                "http://127.0.0.1:1/ocsp");
    }

    @Test
    void init_generatesAuthAndOwnerSignKeysWithoutCertificates() {
        assertEquals(2, keys.keys().size());
        assertTrue(keys.signKeyId(SERVER.owner()).isPresent());
        assertTrue(keys.authCertificate().isEmpty());
        assertTrue(keys.signer(SERVER.owner()).isEmpty());
        assertTrue(keys.ownCertificates().isEmpty());
    }

    @Test
    void csrs_carryTheProfileIdentity() throws IOException, ServerException, TokenException {
        String auth = keys.csr(keys.authKeyId());
        String sign = keys.csr(keys.signKeyId(SERVER.owner()).orElseThrow());

        String authText = Pem.csr(auth.getBytes(StandardCharsets.US_ASCII)).getSubject().toString();
        assertTrue(authText.contains("DEMO/GOV/1001/ss1"), authText);
        assertTrue(Pem.csr(sign.getBytes(StandardCharsets.US_ASCII)).getSubject().toString().contains("DEMO/GOV/1001"));
        assertTrue(auth.startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
        assertEquals(GeneralName.dNSName, ServerKeys.hostName("ss1.example.org").getTagNo());
        assertEquals(GeneralName.iPAddress, ServerKeys.hostName("127.0.0.1").getTagNo());
    }

    @Test
    void importedCertificates_makeSignerAndAuthKeyManagerAvailable() throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        X509Certificate auth = issue(keys.authKeyId(), CertificateProfile.AUTH, SERVER);
        X509Certificate sign = issue(keys.signKeyId(SERVER.owner()).orElseThrow(), CertificateProfile.SIGN, SERVER.owner());

        keys.importCertificate(List.of(auth, pki.ca.cert()));
        keys.importCertificate(List.of(sign));

        assertEquals(auth, keys.authCertificate().orElseThrow());
        assertEquals(List.of(sign), keys.signer(SERVER.owner()).orElseThrow().chain());
        assertEquals(2, keys.ownCertificates().size());
        String[] aliases = keys.authKeyManager().getClientAliases("EC", null);
        assertEquals(auth, keys.authKeyManager().getCertificateChain(aliases[0])[0]);
    }

    @Test
    void rotateSigningKey_aSecondKeyBesideTheCertifiedOne_theNewestCertificateFirstOnceImported()
            throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        MemberId owner = SERVER.owner();
        String first = keys.signKeyId(owner).orElseThrow();
        ServerException uncertified = assertThrows(ServerException.class, () -> keys.rotateSigningKey(owner, null));
        assertTrue(uncertified.getMessage().contains("has no certified signing key on this server to rotate"),
                uncertified.getMessage());
        X509Certificate old = issue(first, CertificateProfile.SIGN, owner);
        keys.importCertificate(List.of(old));

        String next = keys.rotateSigningKey(owner, null);
        assertTrue(!next.equals(first) && keys.keys().size() == 3, keys.keys().toString());
        ServerException twice = assertThrows(ServerException.class, () -> keys.rotateSigningKey(owner, null));
        assertTrue(twice.getMessage().contains("already has signing key " + next + " waiting for its certificate"),
                twice.getMessage());
        assertEquals(List.of(old), keys.signers(owner).stream().map(s -> s.chain().get(0)).toList(),
                "an uncertified key signs nothing");

        // the CA certifies the new key an hour later: its certificate is the newer
        X509Certificate newer = issueAnHourLater(next, CertificateProfile.SIGN, owner);
        keys.importCertificate(List.of(newer));

        assertEquals(List.of(newer, old), keys.signers(owner).stream().map(s -> s.chain().get(0)).toList());
        assertEquals(newer, keys.signer(owner).orElseThrow().chain().get(0));
        assertTrue(keys.ownCertificates().containsAll(List.of(newer, old)), "both kept fresh by OCSP");
        ServerException noneToRotate = assertThrows(ServerException.class,
                () -> keys.rotateSigningKey(OTHER, null));
        assertTrue(noneToRotate.getMessage().contains("member DEMO/GOV/1002 has no certified signing key"),
                noneToRotate.getMessage());
    }

    @Test
    void rotateAuthKey_newKeyNotPresentedUntilChosen_andRefusalsSayWhy()
            throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        ServerException uncertified = assertThrows(ServerException.class, () -> keys.rotateAuthKey());
        assertTrue(uncertified.getMessage().contains("has no certificate yet"), uncertified.getMessage());
        String first = keys.authKeyId();
        X509Certificate old = issue(first, CertificateProfile.AUTH, SERVER);
        keys.importCertificate(List.of(old, pki.ca.cert()));

        String next = keys.rotateAuthKey();
        ServerException twice = assertThrows(ServerException.class, () -> keys.rotateAuthKey());
        assertTrue(twice.getMessage().contains("authentication key " + next + " already waits for its certificate"),
                twice.getMessage());
        ServerException notCertified = assertThrows(ServerException.class, () -> keys.useAuthKey(next));
        assertTrue(notCertified.getMessage().contains("is not a certified authentication key"), notCertified.getMessage());

        X509Certificate newer = issueAnHourLater(next, CertificateProfile.AUTH, SERVER);
        javax.net.ssl.X509KeyManager tls = keys.authKeyManager();
        keys.importCertificate(List.of(newer, pki.ca.cert()));

        assertEquals(List.of(next, first), keys.authKeys().stream().map(ServerKeys.KeyInfo::keyId).toList());
        assertEquals(old, keys.authCertificate().orElseThrow(), "imported, but the key in use stays");
        assertEquals(old, tls.getCertificateChain(tls.chooseClientAlias(new String[] {"EC"}, null, null))[0]);

        keys.useAuthKey(next);
        assertEquals(newer, keys.authCertificate().orElseThrow());
        assertEquals(newer, tls.getCertificateChain(tls.chooseClientAlias(new String[] {"EC"}, null, null))[0],
                "the same key manager presents the new key from the next handshake on");
        String alias = tls.chooseServerAlias("EC", null, null);
        assertTrue(alias.startsWith(next + "|"), alias);
    }

    @Test
    void certificateForAnotherServer_isRefused() throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        X509Certificate other = issue(keys.authKeyId(), CertificateProfile.AUTH, SERVER.owner().server("ss2"));

        ServerException e = assertThrows(ServerException.class, () -> keys.importCertificate(List.of(other)));

        assertEquals(ServerException.Kind.BAD_REQUEST, e.kind());
        assertEquals("DEMO/GOV/1001/ss1", e.expected());
        assertEquals("DEMO/GOV/1001/ss2", e.actual());
        assertTrue(keys.authCertificate().isEmpty());
    }

    @Test
    void signCertificateForAnotherMember_isRefused() throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        X509Certificate other = issue(keys.signKeyId(SERVER.owner()).orElseThrow(), CertificateProfile.SIGN, OTHER);

        ServerException e = assertThrows(ServerException.class, () -> keys.importCertificate(List.of(other)));

        assertTrue(e.getMessage().contains("names DEMO/GOV/1002"), e.getMessage());
        assertTrue(keys.signer(SERVER.owner()).isEmpty());
    }

    @Test
    void certificateOfTheWrongProfile_isRefused() throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        X509Certificate signForAuthKey = issue(keys.authKeyId(), CertificateProfile.SIGN, SERVER.owner());

        ServerException e = assertThrows(ServerException.class, () -> keys.importCertificate(List.of(signForAuthKey)));

        assertTrue(e.getMessage().contains("authentication key"), e.getMessage());
        assertFalse(keys.authCertificate().isPresent());
    }

    @Test
    void certificateForAnUnknownKey_isNotFound() {
        TestPki.Issued stranger = pki.issue("stranger", CertificateKind.MEMBER_SIGN, List.of(), null);

        ServerException e = assertThrows(ServerException.class, () -> keys.importCertificate(List.of(stranger.cert())));

        assertEquals(ServerException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void addSigningKey_forAnotherMemberOnce() throws IOException, ServerException, TokenException {
        String keyId = keys.addSigningKey(OTHER);

        assertEquals(keyId, keys.signKeyId(OTHER).orElseThrow());
        assertTrue(Pem.csr(keys.csr(keyId).getBytes(StandardCharsets.US_ASCII)).getSubject().toString().contains("DEMO/GOV/1002"));
        assertEquals(ServerException.Kind.CONFLICT,
                assertThrows(ServerException.class, () -> keys.addSigningKey(OTHER)).kind());
        assertEquals(ServerException.Kind.BAD_REQUEST,
                assertThrows(ServerException.class, () -> keys.addSigningKey(MemberId.parse("OTHER/GOV/1"))).kind());
    }

    @Test
    void deleteKey_keysInUseAreRefusedSayingWhy_aKeyNotInUseGoesFromTokenAndRecords()
            throws IOException, InvalidKeyException, NoSuchAlgorithmException, ServerException, TokenException {
        MemberId owner = SERVER.owner();
        String auth = keys.authKeyId();
        ServerException onlyAuth = assertThrows(ServerException.class, () -> keys.deleteKey(auth));
        assertEquals(ServerException.Kind.CONFLICT, onlyAuth.kind());
        assertTrue(onlyAuth.getMessage().contains("this server's only authentication key"), onlyAuth.getMessage());

        // a signing key waiting for its certificate is not in use
        String waiting = keys.addSigningKey(OTHER);
        assertEquals(OTHER, keys.deleteKey(waiting).identity());
        assertTrue(keys.signKeyId(OTHER).isEmpty());
        assertTrue(keys.keys().stream().noneMatch(k -> k.keyId().equals(waiting)));
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class,
                () -> keys.deleteKey(waiting)).kind());
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class,
                () -> keys.deleteKey("00ff")).kind());

        // the only certified signing key of a member signs its messages
        String first = keys.signKeyId(owner).orElseThrow();
        keys.importCertificate(List.of(issue(first, CertificateProfile.SIGN, owner)));
        ServerException onlySigner = assertThrows(ServerException.class, () -> keys.deleteKey(first));
        assertTrue(onlySigner.getMessage().contains("is the only signing key of member DEMO/GOV/1001 with a valid"
                + " certificate"), onlySigner.getMessage());
        assertTrue(keys.signer(owner).isPresent(), "nothing changed");

        // after a rotation the old one may go, and the new one signs
        String next = keys.rotateSigningKey(owner, null);
        X509Certificate notYetValid = issueAnHourLater(next, CertificateProfile.SIGN, owner);
        keys.importCertificate(List.of(notYetValid));
        assertThrows(ServerException.class, () -> keys.deleteKey(first), "the new certificate cannot sign yet");
        X509Certificate newer = issue(next, CertificateProfile.SIGN, owner);
        keys.importCertificate(List.of(newer));
        ServerException noOcspYet = assertThrows(ServerException.class, () -> keys.deleteKey(first,
                certificate -> !certificate.equals(newer)));
        assertTrue(noOcspYet.getMessage().contains("no other key of the member can sign yet"), noOcspYet.getMessage());
        keys.deleteKey(first, certificate -> true);
        assertEquals(List.of(newer), keys.signers(owner).stream().map(s -> s.chain().get(0)).toList());
        assertThrows(ServerException.class, () -> keys.deleteKey(next), "now the only one");

        // the authentication key TLS presents is refused, the old one after a rotation is not
        keys.importCertificate(List.of(issue(auth, CertificateProfile.AUTH, SERVER), pki.ca.cert()));
        String nextAuth = keys.rotateAuthKey();
        keys.importCertificate(List.of(issueAnHourLater(nextAuth, CertificateProfile.AUTH, SERVER), pki.ca.cert()));
        ServerException inUse = assertThrows(ServerException.class, () -> keys.deleteKey(auth));
        assertTrue(inUse.getMessage().contains("the authentication key TLS presents now"), inUse.getMessage());
        keys.useAuthKey(nextAuth);
        keys.deleteKey(auth);
        assertEquals(nextAuth, keys.authKeyId());
        assertEquals(List.of(nextAuth), keys.authKeys().stream().map(ServerKeys.KeyInfo::keyId).toList());

        // the records and the token agree when the server opens again
        SoftwareToken reopened = SoftwareToken.open(dir.resolve("token.p12"), Pin.of("1234"), pki.bc, pki.random,
                pki.clock);
        assertEquals(java.util.Set.of(nextAuth, next), reopened.keys().stream().map(k -> k.keyId())
                .collect(java.util.stream.Collectors.toSet()));
        ServerKeys again = ServerKeys.open(reopened, database, SERVER, "127.0.0.1", pki.clock);
        assertEquals(keys.keys(), again.keys());
    }
}
