package org.xroadng.registry;

import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateEncodingException;
import java.io.IOException;
import org.xroadng.protocol.globalconf.ConfigurationException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.RevocationReason;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.ocsp.HttpOcspTransport;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.registry.RegistryFixture.Answer;

/**
 * The whole enrolment over HTTP, with certificates from our CA and OCSP responses from its running
 * responder: a member is added, its security server files authCertReg and clientReg, an operator
 * approves them, and the next global configuration, verified by the configuration client against
 * the anchor, shows the server and its client. Then the refusals, each leaving nothing behind.
 */
class EnrolmentTest {

    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final SecurityServerId SERVER = OWNER.server("ss1");
    private static final SubsystemId CLIENT = OWNER.subsystem("population");

    @TempDir
    Path dir;

    private final Provider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private CertificateAuthority ca;
    private TrustServer trust;
    private RegistryFixture registry;
    private SoftwareToken token;

    /** A key in the server's token with its certificate and a fresh OCSP response. */
    private record Credential(SigningKey key, X509Certificate certificate, byte[] ocsp) {
        JwsSigner signer() {
            return new JwsSigner(key, List.of(certificate));
        }
    }

    @BeforeEach
    void start() throws CaException, IOException, RegistryException, SigningException, TokenException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Demo CA", URI.create("http://127.0.0.1:" + port),
                listen, 365), Pin.of("ca-pin"), bc, random, clock);
        trust = TrustServer.start(ca, listen, clock, random);
        registry = new RegistryFixture(dir.resolve("registry"), clock);
        token = SoftwareToken.create(dir.resolve("ss1.p12"), Pin.of("ss-pin"), bc, random, clock);

        assertEquals(201, registry.admin("POST", "/api/v1/member-classes", Map.of("code", "GOV", "description", "Government")).status());
        assertEquals(201, registry.admin("POST", "/api/v1/members", Map.of("id", OWNER.format(), "name", "Population Registry")).status());
        assertEquals(201, registry.admin("POST", "/api/v1/certification-authorities", Map.of(
                "certificate", Pem.encode(ca.caCertificate()), "ocspUrl", ca.settings().ocspUrl().toString())).status());
        assertEquals(201, registry.admin("POST", "/api/v1/timestamping-authorities", Map.of(
                "url", ca.settings().tsaUrl().toString(), "certificate", Pem.encode(ca.tsaCertificate()))).status());
    }

    @AfterEach
    void stop() {
        registry.close();
        trust.close();
        ca.close();
    }

    private Credential credential(CertificateProfile profile, org.xroadng.protocol.id.XRoadId identity) throws CaException, OcspException, SigningException, TokenException {
        SigningKey key = token.signingKey(token.generateKey());
        List<GeneralName> hosts = profile == CertificateProfile.AUTH
                ? List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")) : List.of();
        byte[] csr = Pem.encode(CsrBuilder.build(key, profile, identity, hosts)).getBytes(StandardCharsets.US_ASCII);
        X509Certificate cert = ca.issue(new IssueRequest(csr, profile, identity, List.of(), null)).certificate();
        token.importCertificate(key.keyId(), List.of(cert));
        return new Credential(key, cert, ocsp(cert));
    }

    private byte[] ocsp(X509Certificate cert) throws OcspException {
        return new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(5)), clock, Duration.ofHours(1), bc, random)
                .check(cert, ca.caCertificate()).encoded();
    }

    private String authCertReg(Credential auth, Credential owner, SecurityServerId server) throws CertificateEncodingException, SigningException {
        AuthCertRegRequest request = new AuthCertRegRequest(server, "127.0.0.1:5500",
                Base64.getEncoder().encodeToString(auth.certificate().getEncoded()), clock.instant());
        return ManagementRequests.authCertReg(request, auth.signer(), auth.ocsp(), owner.signer(), owner.ocsp());
    }

    private Answer file(String signed) {
        return registry.call("POST", "/management/requests", null, signed);
    }

    private long requestCount() {
        return registry.admin("GET", "/api/v1/management-requests", null).json().path("total").asLong();
    }

    @Test
    void enrolment_approvedRegistrationsAppearInVerifiedGlobalConfiguration() throws CaException, CertificateEncodingException, ConfigurationException, IOException, OcspException, SigningException, TokenException {
        Credential owner = credential(CertificateProfile.SIGN, OWNER);
        Credential auth = credential(CertificateProfile.AUTH, SERVER);

        Answer filed = file(authCertReg(auth, owner, SERVER));
        assertEquals(202, filed.status(), filed.raw().body());
        assertEquals("pending", filed.json().path("status").asText());
        long authRequest = filed.json().path("id").asLong();
        Answer approved = registry.admin("POST", "/api/v1/management-requests/" + authRequest + "/approve", null);
        assertEquals("approved", approved.json().path("status").asText(), approved.raw().body());

        String clientReg = ManagementRequests.clientReg(new ClientRegRequest(SERVER, CLIENT, clock.instant()),
                owner.signer(), owner.ocsp());
        Answer client = file(clientReg);
        assertEquals(202, client.status(), client.raw().body());
        assertEquals(200, registry.admin("POST", "/api/v1/management-requests/" + client.json().path("id").asLong()
                + "/approve", null).status());

        Path anchorFile = dir.resolve("anchor.json");
        var anchor = registry.home.anchor();
        AnchorFile.write(anchorFile, new org.xroadng.protocol.globalconf.Anchor(anchor.instance(),
                URI.create(registry.base + "/globalconf"), anchor.configurationSigningCertificate()));
        ConfigurationClient configurationClient = new ConfigurationClient(AnchorFile.read(anchorFile),
                new HttpConfigurationSource(AnchorFile.read(anchorFile)), clock, bc, null);
        GlobalConfiguration conf = configurationClient.refresh();

        GlobalConfiguration.SecurityServer server = conf.securityServer(SERVER).orElseThrow();
        assertEquals("127.0.0.1:5500", server.address());
        assertEquals(List.of(TrustAnchors.sha256(auth.certificate())), server.authCertificateHashes());
        assertEquals(List.of(CLIENT), server.clients());
        assertEquals(List.of("population"), conf.member(OWNER).orElseThrow().subsystems());
        assertEquals(1, conf.approvedCas().size());
        assertEquals(1, conf.approvedTsas().size());
        assertEquals(conf.securityServers().get(0), conf.serverWithAuthCertificate(TrustAnchors.sha256(auth.certificate()))
                .orElseThrow());
    }

    @Test
    void autoApproval_approvesClientRegistrationsWhenEnabled() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Credential owner = credential(CertificateProfile.SIGN, OWNER);
        Credential auth = credential(CertificateProfile.AUTH, SERVER);
        long id = file(authCertReg(auth, owner, SERVER)).json().path("id").asLong();
        registry.admin("POST", "/api/v1/management-requests/" + id + "/approve", null);
        registry.admin("PUT", "/api/v1/settings", Map.of("autoApproveClientRegistrations", true));

        Answer client = file(ManagementRequests.clientReg(new ClientRegRequest(SERVER, CLIENT, clock.instant()),
                owner.signer(), owner.ocsp()));

        assertEquals("approved", client.json().path("status").asText(), client.raw().body());
        assertEquals("auto-approval", client.json().path("decidedBy").asText());
    }

    @Test
    void sameRequestTwice_isRefusedWithoutADuplicate() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        String signed = authCertReg(credential(CertificateProfile.AUTH, SERVER), credential(CertificateProfile.SIGN, OWNER), SERVER);
        assertEquals(202, file(signed).status());

        Answer again = file(signed);

        assertEquals(409, again.status());
        assertTrue(again.message().contains("already pending registration as request"), again.message());
        assertEquals(1, requestCount());
    }

    @Test
    void serverOfANonMember_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        MemberId stranger = MemberId.parse("DEMO/GOV/9999");
        SecurityServerId server = stranger.server("ss9");
        Answer answer = file(authCertReg(credential(CertificateProfile.AUTH, server), credential(CertificateProfile.SIGN, stranger),
                server));

        assertEquals(400, answer.status());
        assertTrue(answer.message().contains("DEMO/GOV/9999 is not a member"), answer.message());
        assertEquals(0, requestCount());
    }

    @Test
    void ownerSignatureFromAnotherMember_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1002", "name", "Tax Board"));
        Answer answer = file(authCertReg(credential(CertificateProfile.AUTH, SERVER),
                credential(CertificateProfile.SIGN, MemberId.parse("DEMO/GOV/1002")), SERVER));

        assertEquals(400, answer.status());
        assertEquals("ManagementRequest.SignerMismatch", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void proofOfPossessionWithAnotherKey_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Credential owner = credential(CertificateProfile.SIGN, OWNER);
        Credential auth = credential(CertificateProfile.AUTH, SERVER);
        Credential other = credential(CertificateProfile.AUTH, OWNER.server("ss2"));
        AuthCertRegRequest request = new AuthCertRegRequest(SERVER, "127.0.0.1:5500",
                Base64.getEncoder().encodeToString(auth.certificate().getEncoded()), clock.instant());
        String signed = ManagementRequests.authCertReg(request, other.signer(), other.ocsp(), owner.signer(), owner.ocsp());

        Answer answer = file(signed);

        assertEquals(400, answer.status());
        assertEquals("ManagementRequest.ProofOfPossession", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void revokedOwnerCertificate_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Credential auth = credential(CertificateProfile.AUTH, SERVER);
        SigningKey key = token.signingKey(token.generateKey());
        byte[] csr = Pem.encode(CsrBuilder.build(key, CertificateProfile.SIGN, OWNER, List.of())).getBytes(StandardCharsets.US_ASCII);
        var issued = ca.issue(new IssueRequest(csr, CertificateProfile.SIGN, OWNER, List.of(), null));
        ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE);
        Credential owner = new Credential(key, issued.certificate(), ocsp(issued.certificate()));

        Answer answer = file(authCertReg(auth, owner, SERVER));

        assertEquals(400, answer.status());
        assertEquals("ManagementRequest.CertificateRevoked", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void staleOcspResponse_isRefused() throws CaException, CertificateEncodingException, IOException, OcspException, RegistryException, SigningException, TokenException {
        Credential owner = credential(CertificateProfile.SIGN, OWNER);
        Credential auth = credential(CertificateProfile.AUTH, SERVER);
        String signed = authCertReg(auth, owner, SERVER);
        assertEquals(200, registry.admin("PUT", "/api/v1/settings", Map.of("ocspFreshnessSeconds", 60)).status());
        // The responses were made now; a registry whose clock is two minutes ahead finds them stale.
        registry.close();
        registry = RegistryFixture.reopen(registry, Clock.offset(clock, Duration.ofMinutes(2)));

        Answer answer = file(signed);

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.OcspStaleOrMissing", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void filedRequests_areInTheAuditTrail() {
        file("garbage");
        JsonNode items = registry.admin("GET", "/api/v1/audit?limit=5", null).json().path("items");
        boolean logged = false;
        for (JsonNode entry : items) {
            logged |= entry.path("action").asText().equals("managementRequest.file")
                    && entry.path("outcome").asText().equals("refused");
        }
        assertTrue(logged, items.toString());
    }
}
