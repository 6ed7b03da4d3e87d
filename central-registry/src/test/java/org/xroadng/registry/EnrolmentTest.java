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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.RevocationReason;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.registry.RegistryFixture.Answer;
import org.xroadng.registry.TrustedRegistry.Credential;

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

    private final Clock clock = Clock.systemUTC();
    private TrustedRegistry trusted;
    private CertificateAuthority ca;
    private RegistryFixture registry;
    private SoftwareToken token;

    /** Where the tables are: H2 files here, a PostgreSQL database in {@link EnrolmentPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void start() throws CaException, IOException, RegistryException, SigningException, TokenException {
        trusted = new TrustedRegistry(dir, clock, storage(), OWNER.format(), "Population Registry");
        ca = trusted.ca;
        registry = trusted.registry;
        token = trusted.token;
    }

    @AfterEach
    void stop() {
        trusted.close();
    }

    private long requestCount() {
        return registry.admin("GET", "/api/v1/management-requests", null).json().path("total").asLong();
    }

    @Test
    void enrolment_approvedRegistrationsAppearInVerifiedGlobalConfiguration() throws CaException, CertificateEncodingException, ConfigurationException, IOException, OcspException, SigningException, TokenException {
        Credential owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        Credential auth = trusted.credential(CertificateProfile.AUTH, SERVER);

        Answer filed = trusted.file(trusted.authCertReg(auth, owner, SERVER));
        assertEquals(202, filed.status(), filed.raw().body());
        assertEquals("pending", filed.json().path("status").asText());
        long authRequest = filed.json().path("id").asLong();
        Answer approved = registry.admin("POST", "/api/v1/management-requests/" + authRequest + "/approve", null);
        assertEquals("approved", approved.json().path("status").asText(), approved.raw().body());

        String clientReg = ManagementRequests.clientReg(new ClientRegRequest(SERVER, CLIENT, clock.instant()),
                owner.signer(), owner.ocsp());
        Answer client = trusted.file(clientReg);
        assertEquals(202, client.status(), client.raw().body());
        assertEquals(200, registry.admin("POST", "/api/v1/management-requests/" + client.json().path("id").asLong()
                + "/approve", null).status());

        Path anchorFile = dir.resolve("anchor.json");
        var anchor = registry.home.anchor();
        AnchorFile.write(anchorFile, new org.xroadng.protocol.globalconf.Anchor(anchor.instance(),
                URI.create(registry.base + "/globalconf"), anchor.configurationSigningCertificate()));
        ConfigurationClient configurationClient = new ConfigurationClient(AnchorFile.read(anchorFile),
                new HttpConfigurationSource(AnchorFile.read(anchorFile)), clock, trusted.bc, null);
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
        Credential owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        Credential auth = trusted.credential(CertificateProfile.AUTH, SERVER);
        long id = trusted.file(trusted.authCertReg(auth, owner, SERVER)).json().path("id").asLong();
        registry.admin("POST", "/api/v1/management-requests/" + id + "/approve", null);
        registry.admin("PUT", "/api/v1/settings", Map.of("autoApproveClientRegistrations", true));

        Answer client = trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER, CLIENT, clock.instant()),
                owner.signer(), owner.ocsp()));

        assertEquals("approved", client.json().path("status").asText(), client.raw().body());
        assertEquals("auto-approval", client.json().path("decidedBy").asText());
    }

    @Test
    void sameRequestTwice_isRefusedWithoutADuplicate() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        String signed = trusted.authCertReg(trusted.credential(CertificateProfile.AUTH, SERVER),
                trusted.credential(CertificateProfile.SIGN, OWNER), SERVER);
        assertEquals(202, trusted.file(signed).status());

        Answer again = trusted.file(signed);

        assertEquals(409, again.status());
        assertTrue(again.message().contains("already pending registration as request"), again.message());
        assertEquals(1, requestCount());
    }

    @Test
    void serverOfANonMember_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        MemberId stranger = MemberId.parse("DEMO/GOV/9999");
        SecurityServerId server = stranger.server("ss9");
        Answer answer = trusted.file(trusted.authCertReg(trusted.credential(CertificateProfile.AUTH, server),
                trusted.credential(CertificateProfile.SIGN, stranger), server));

        assertEquals(400, answer.status());
        assertTrue(answer.message().contains("DEMO/GOV/9999 is not a member"), answer.message());
        assertEquals(0, requestCount());
    }

    @Test
    void ownerSignatureFromAnotherMember_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1002", "name", "Tax Board"));
        Answer answer = trusted.file(trusted.authCertReg(trusted.credential(CertificateProfile.AUTH, SERVER),
                trusted.credential(CertificateProfile.SIGN, MemberId.parse("DEMO/GOV/1002")), SERVER));

        assertEquals(400, answer.status());
        assertEquals("ManagementRequest.SignerMismatch", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void proofOfPossessionWithAnotherKey_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Credential owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        Credential auth = trusted.credential(CertificateProfile.AUTH, SERVER);
        Credential other = trusted.credential(CertificateProfile.AUTH, OWNER.server("ss2"));
        AuthCertRegRequest request = new AuthCertRegRequest(SERVER, "127.0.0.1:5500",
                Base64.getEncoder().encodeToString(auth.certificate().getEncoded()), clock.instant());
        String signed = ManagementRequests.authCertReg(request, other.signer(), other.ocsp(), owner.signer(), owner.ocsp());

        Answer answer = trusted.file(signed);

        assertEquals(400, answer.status());
        assertEquals("ManagementRequest.ProofOfPossession", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void revokedOwnerCertificate_isRefused() throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Credential auth = trusted.credential(CertificateProfile.AUTH, SERVER);
        SigningKey key = token.signingKey(token.generateKey());
        byte[] csr = Pem.encode(CsrBuilder.build(key, CertificateProfile.SIGN, OWNER, List.of())).getBytes(StandardCharsets.US_ASCII);
        var issued = ca.issue(new IssueRequest(csr, CertificateProfile.SIGN, OWNER, List.of(), null));
        ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE);
        Credential owner = new Credential(key, issued.certificate(), trusted.ocsp(issued.certificate()));

        Answer answer = trusted.file(trusted.authCertReg(auth, owner, SERVER));

        assertEquals(400, answer.status());
        assertEquals("ManagementRequest.CertificateRevoked", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void staleOcspResponse_isRefused() throws CaException, CertificateEncodingException, IOException, OcspException, RegistryException, SigningException, TokenException {
        Credential owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        Credential auth = trusted.credential(CertificateProfile.AUTH, SERVER);
        String signed = trusted.authCertReg(auth, owner, SERVER);
        assertEquals(200, registry.admin("PUT", "/api/v1/settings", Map.of("ocspFreshnessSeconds", 60)).status());
        // The responses were made now; a registry whose clock is two minutes ahead finds them stale.
        registry = trusted.reopenRegistry(Clock.offset(clock, Duration.ofMinutes(2)));

        Answer answer = trusted.file(signed);

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.OcspStaleOrMissing", answer.type());
        assertEquals(0, requestCount());
    }

    @Test
    void filedRequests_areInTheAuditTrail() {
        trusted.file("garbage");
        JsonNode items = registry.admin("GET", "/api/v1/audit?limit=5", null).json().path("items");
        boolean logged = false;
        for (JsonNode entry : items) {
            logged |= entry.path("action").asText().equals("managementRequest.file")
                    && entry.path("outcome").asText().equals("refused");
        }
        assertTrue(logged, items.toString());
    }
}
