package org.xroadng.securityserver.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.acme.AcmeServer;
import org.xroadng.certs.acme.EabCredentials;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.admin.AccessDeniedException;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.ServerAdmin;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.description.HttpDescriptionFetcher;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * Renewal by ACME against a real CA and its trust server over HTTP: a security server whose
 * certificates near their expiry (its clock 20 days ahead of the CA's, certificates of 30 days,
 * renewal 14 days before) renews them through the service layer, audited; the signer moves to the
 * renewed signing certificate; an authentication certificate is renewed through http-01 and then
 * waits for its registration; a CA refusal leaves the new key waiting and a retry uses it.
 */
class CertificateRenewalTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final MemberId OWNER = SERVER.owner();

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.create(Clock.systemUTC());
    /**
     * The CA's and the server's clock, moved 20 days on once the first certificates (30 days) are
     * issued by hand: inside the 14-day renewal window.
     */
    private final MovingClock clock = new MovingClock();

    private static final class MovingClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return Clock.systemUTC().instant().plus(offset);
        }
    }
    private CertificateAuthority ca;
    private TrustServer trust;
    private ServerHome home;
    private ServerAdmin admin;
    private int challengePort;
    private EabCredentials eab;

    @BeforeEach
    void start() throws CaException, ServerException, IOException, CertificateEncodingException {
        int trustPort = FreePorts.one();
        challengePort = FreePorts.one();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", trustPort);
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Renewal CA",
                URI.create("http://127.0.0.1:" + trustPort), listen, 30), Pin.of("ca-pin"), pki.bc, pki.random, clock);
        trust = TrustServer.start(ca, listen, clock, pki.random, challengePort);
        eab = AcmeServer.createEab(ca, OWNER, clock, pki.random);

        TestPki.Issued conf = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(conf.cert().getEncoded())));
        Path serverDir = dir.resolve("ss1");
        ServerHome.init(serverDir, ServerSettings.withDefaults(SERVER, anchor).withDatabase(DatabaseSettings.embedded()),
                Pin.of("1234"), pki.bc, pki.random, pki.clock).home().close();
        Files.writeString(serverDir.resolve(AcmeSettings.FILE), "directoryUrl: http://127.0.0.1:" + trustPort
                + "/acme/directory\neabKeyId: " + eab.keyId() + "\neabHmacKey: " + eab.hmacKeyText()
                + "\nrenewBeforeDays: 14\nchallengeListen: 127.0.0.1:" + challengePort + "\nautoRenew: false\n");
        home = ServerHome.open(serverDir, Pin.of("1234"), pki.bc, pki.random, clock);
        admin = new ServerAdmin(home.keys(), home.store(), home.registrar(), home.adminKeys(),
                new HttpDescriptionFetcher(Duration.ofSeconds(5)));
        admin.renewal(home.renewal().orElseThrow());
    }

    @AfterEach
    void stop() {
        home.close();
        trust.close();
        ca.close();
    }

    /** The CA issues the key's first certificate by hand, as today, and the server imports it. */
    private X509Certificate certifyByHand(String keyId, CertificateProfile profile, org.xroadng.protocol.id.XRoadId identity,
                                          List<GeneralName> hosts) throws CaException, ServerException, TokenException {
        X509Certificate certificate = ca.issue(new IssueRequest(home.keys().csr(keyId).getBytes(StandardCharsets.US_ASCII),
                profile, identity, hosts, null)).certificate();
        home.keys().importCertificate(List.of(certificate, ca.caCertificate()));
        clock.advance(Duration.ofDays(20));
        return certificate;
    }

    private List<ServerConfStore.AuditEntry> audit(String action) {
        return home.store().auditTrail(100, Optional.of(action));
    }

    @Test
    void signingCertificateNearExpiry_isRenewed_audited_andTheSignerMovesToIt() throws CaException, ServerException,
            TokenException, AccessDeniedException, SigningException, GeneralSecurityException {
        String oldKey = home.keys().signKeyId(OWNER).orElseThrow();
        X509Certificate old = certifyByHand(oldKey, CertificateProfile.SIGN, OWNER, List.of());
        assertEquals(List.of(oldKey), home.renewal().orElseThrow().due().stream().map(ServerKeys.KeyInfo::keyId).toList());

        List<ServerAdmin.RenewalOutcome> outcomes = admin.renewDue(Operator.SYSTEM);

        assertEquals(1, outcomes.size());
        ServerAdmin.RenewalOutcome outcome = outcomes.get(0);
        assertNull(outcome.failure());
        assertEquals(oldKey, outcome.keyId());
        assertNotEquals(oldKey, outcome.renewed().keyId());
        X509Certificate renewed = outcome.renewed().certificate();
        assertTrue(renewed.getNotAfter().after(old.getNotAfter()));
        // the signer signs with the renewed certificate's key from now on, and the signature verifies with it
        org.xroadng.securityserver.message.ServerIdentity.MemberKey signer = home.keys().signer(OWNER).orElseThrow();
        assertEquals(renewed, signer.chain().get(0));
        byte[] data = "exchange".getBytes(StandardCharsets.UTF_8);
        Signature verifier = Signature.getInstance("SHA256withECDSA", pki.bc);
        verifier.initVerify(renewed.getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signer.key().sign(data)));
        // nothing is due any more; the old key stays until the operator deletes it
        assertEquals(List.of(), home.renewal().orElseThrow().due());
        assertTrue(home.keys().keys().stream().anyMatch(k -> k.keyId().equals(oldKey)));
        ServerConfStore.AuditEntry entry = audit("certificate.renew").get(0);
        assertEquals("system", entry.actor());
        assertEquals(oldKey, entry.target());
        assertTrue(entry.outcome().contains("new key " + outcome.renewed().keyId()), entry.outcome());
    }

    @Test
    void renewedCertificate_isNotRenewedAgain() throws CaException, ServerException, TokenException,
            AccessDeniedException, RegistrationException, DescriptionException {
        String oldKey = home.keys().signKeyId(OWNER).orElseThrow();
        certifyByHand(oldKey, CertificateProfile.SIGN, OWNER, List.of());
        admin.renewCertificate(Operator.SYSTEM, oldKey);

        ServerException e = assertThrows(ServerException.class, () -> admin.renewCertificate(Operator.SYSTEM, oldKey));

        assertEquals(ServerException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("was already renewed"), e.getMessage());
        assertTrue(audit("certificate.renew").get(0).outcome().startsWith("failed: "));
    }

    @Test
    void authenticationCertificate_isRenewedThroughHttp01_andWaitsForItsRegistration() throws CaException,
            ServerException, TokenException, AccessDeniedException, RegistrationException, DescriptionException,
            CertificateParsingException {
        String oldKey = home.keys().authKeyId();
        X509Certificate old = certifyByHand(oldKey, CertificateProfile.AUTH, SERVER,
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));

        ServerAdmin.RenewalOutcome outcome = admin.renewCertificate(Operator.SYSTEM, oldKey);

        X509Certificate renewed = outcome.renewed().certificate();
        assertEquals(SERVER, outcome.renewed().identity());
        assertTrue(renewed.getSubjectAlternativeNames().stream()
                .anyMatch(n -> n.get(0).equals(GeneralName.iPAddress) && n.get(1).equals("127.0.0.1")));
        assertEquals(renewed, home.keys().authKeys().get(0).certificate().orElseThrow(), "the newest auth key");
        assertEquals(old, home.keys().authCertificate().orElseThrow(), "TLS presents the old one until registered");
        // authCertReg was attempted at once; this test's registry is unreachable, so it says why
        assertNull(outcome.registration());
        assertNotNull(outcome.registrationFailure());
        assertTrue(audit("server.register").get(0).outcome().startsWith("failed: "));
    }

    @Test
    void caRefusal_isAuditedAsUpstream_andARetryUsesTheWaitingKey() throws CaException, ServerException, TokenException,
            AccessDeniedException, RegistrationException, DescriptionException {
        String oldKey = home.keys().signKeyId(OWNER).orElseThrow();
        certifyByHand(oldKey, CertificateProfile.SIGN, OWNER, List.of());
        AcmeServer.revokeEab(ca, eab.keyId(), pki.clock);

        List<ServerAdmin.RenewalOutcome> refused = admin.renewDue(Operator.SYSTEM);

        assertEquals(1, refused.size());
        assertTrue(refused.get(0).failure().contains("withdrawn"), refused.get(0).failure());
        assertTrue(audit("certificate.renew").get(0).outcome().contains("urn:ietf:params:acme:error:unauthorized"),
                audit("certificate.renew").get(0).outcome());
        List<ServerKeys.KeyInfo> signKeys = home.keys().keys().stream().filter(k -> k.role() == ServerKeys.Role.SIGN).toList();
        assertEquals(2, signKeys.size(), "the new key waits for its certificate");
        String waiting = signKeys.stream().filter(k -> k.certificate().isEmpty()).findFirst().orElseThrow().keyId();

        ServerException direct = assertThrows(ServerException.class, () -> home.renewal().orElseThrow().renew(oldKey));
        assertEquals(ServerException.Kind.UPSTREAM, direct.kind());
        assertEquals(2, home.keys().keys().stream().filter(k -> k.role() == ServerKeys.Role.SIGN).count(),
                "a retry generates no further key");
        assertTrue(direct.getMessage().contains("new key " + waiting + " waits for it"), direct.getMessage());
    }

    @Test
    void withoutAcmeYaml_renewalIsRefusedWithWhy() throws ServerException, AccessDeniedException {
        ServerAdmin plain = new ServerAdmin(home.keys(), home.store(), home.registrar(), home.adminKeys(),
                new HttpDescriptionFetcher(Duration.ofSeconds(5)));

        ServerException e = assertThrows(ServerException.class, () -> plain.renewCertificate(Operator.SYSTEM,
                home.keys().authKeyId()));

        assertTrue(e.getMessage().contains("acme.yaml"), e.getMessage());
        assertEquals(List.of(), plain.renewDue(Operator.SYSTEM));
    }

    @Test
    void badAcmeYaml_isRefusedNamingTheKey() throws IOException {
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        String[][] cases = {
                {"eabKeyId: k\neabHmacKey: " + eab.hmacKeyText() + "\n", "'directoryUrl' is missing"},
                {"directoryUrl: ftp://x/acme\neabKeyId: k\neabHmacKey: " + eab.hmacKeyText() + "\n", "directoryUrl"},
                {"directoryUrl: http://x/acme\neabKeyId: k\neabHmacKey: c2hvcnQ\n", "32..64 bytes"},
                {"directoryUrl: http://x/acme\neabKeyId: k\neabHmacKey: " + eab.hmacKeyText() + "\nrenewBeforeDays: 0\n",
                        "renewBeforeDays"},
                {"directoryUrl: http://x/acme\neabKeyId: k\neabHmacKey: " + eab.hmacKeyText() + "\nautoRenew: maybe\n",
                        "autoRenew"},
                {"directoryUrl: http://x/acme\neabKeyId: k\neabHmacKey: " + eab.hmacKeyText() + "\neabHmac: x\n",
                        "unknown key 'eabHmac'"},
        };
        for (String[] c : cases) {
            Files.writeString(bad.resolve(AcmeSettings.FILE), c[0]);
            ConfigException e = assertThrows(ConfigException.class, () -> AcmeSettings.load(bad));
            assertTrue(e.getMessage().contains(c[1]), c[1] + " in: " + e.getMessage());
        }
    }
}
