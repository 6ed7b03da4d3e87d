package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.AddressChangeRequest;
import org.xroadng.protocol.management.AuthCertDeletionRequest;
import org.xroadng.protocol.management.ClientChangeRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.management.OwnerRequest;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.registry.RegistryFixture.Answer;
import org.xroadng.registry.TrustedRegistry.Credential;

/**
 * The management requests a server's owner files about its server (clientDeletion,
 * clientDisable, clientEnable, authCertDeletion, addressChange), over HTTP as a security server
 * files them, with certificates from our running CA and OCSP responder: each changes the next
 * global configuration, verified against the anchor as a security server reads it; each refusal
 * leaves no request and no change behind.
 */
class OwnerRequestsTest {

    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final MemberId OTHER = MemberId.parse("DEMO/GOV/1002");
    private static final SecurityServerId SERVER = OWNER.server("ss1");
    private static final SubsystemId CLIENT = OWNER.subsystem("population");
    private static final SubsystemId OTHER_CLIENT = OTHER.subsystem("tax");

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private TrustedRegistry trusted;
    private Credential owner;
    private Credential auth;

    /** Where the tables are: H2 files here, a PostgreSQL database in {@link OwnerRequestsPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void start() throws CaException, IOException, OcspException, RegistryException, SigningException, TokenException,
            CertificateEncodingException {
        trusted = new TrustedRegistry(dir, clock, storage(), OWNER.format(), "Population Registry", OTHER.format(), "Tax Board");
        owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        auth = trusted.credential(CertificateProfile.AUTH, SERVER);
        approve(trusted.file(trusted.authCertReg(auth, owner, SERVER)));
        approve(trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER, CLIENT, clock.instant()),
                owner.signer(), owner.ocsp())));
    }

    @AfterEach
    void stop() {
        trusted.close();
    }

    @Test
    void clientDeletion_isCarriedOutAtOnceAndTheClientLeavesTheGlobalConfiguration()
            throws SigningException, ConfigurationException {
        Answer filed = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DELETION, SERVER, CLIENT, clock.instant()));

        assertEquals(202, filed.status(), filed.raw().body());
        assertEquals("approved", filed.json().path("status").asText());
        assertEquals("auto-approval", filed.json().path("decidedBy").asText());
        GlobalConfiguration.SecurityServer server = globalConfiguration().securityServer(SERVER).orElseThrow();
        assertEquals(List.of(), server.clients());
        assertEquals(List.of(), server.disabledClients());
    }

    @Test
    void clientDeletion_ofAPendingRegistration_withdrawsIt() throws SigningException {
        Answer pending = trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER,
                OWNER.subsystem("archive"), clock.instant()), owner.signer(), owner.ocsp()));
        assertEquals("pending", pending.json().path("status").asText(), pending.raw().body());

        Answer filed = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DELETION, SERVER,
                OWNER.subsystem("archive"), clock.instant()));

        assertEquals(202, filed.status(), filed.raw().body());
        JsonNode withdrawn = request(pending.json().path("id").asLong());
        assertEquals("rejected", withdrawn.path("status").asText());
        assertEquals("withdrawn by clientDeletion request " + filed.json().path("id").asLong(),
                withdrawn.path("reason").asText());
    }

    @Test
    void clientDisable_listsTheClientApartUntilClientEnable() throws SigningException, ConfigurationException {
        Answer disabled = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DISABLE, SERVER, CLIENT, clock.instant()));
        assertEquals("approved", disabled.json().path("status").asText(), disabled.raw().body());

        GlobalConfiguration.SecurityServer server = globalConfiguration().securityServer(SERVER).orElseThrow();
        assertEquals(List.of(), server.clients());
        assertEquals(List.of(CLIENT), server.disabledClients());
        JsonNode view = trusted.registry.admin("GET", "/api/v1/security-servers/" + SERVER.format(), null).json();
        assertEquals(CLIENT.format(), view.path("disabledClients").path(0).asText());

        Answer again = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DISABLE, SERVER, CLIENT, clock.instant()));
        assertEquals(409, again.status(), again.raw().body());
        assertTrue(again.json().path("message").asText().contains("already disabled"), again.raw().body());

        Answer enabled = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.ENABLE, SERVER, CLIENT, clock.instant()));
        assertEquals("approved", enabled.json().path("status").asText(), enabled.raw().body());
        server = globalConfiguration().securityServer(SERVER).orElseThrow();
        assertEquals(List.of(CLIENT), server.clients());
        assertEquals(List.of(), server.disabledClients());
    }

    @Test
    void replayedClientDisable_afterAClientEnable_isRefusedAndTheClientStaysEnabled()
            throws SigningException, ConfigurationException {
        String disable = ManagementRequests.ownerRequest(new ClientChangeRequest(ClientChangeRequest.DISABLE, SERVER,
                CLIENT, clock.instant()), owner.signer(), owner.ocsp());
        Answer first = trusted.file(disable);
        assertEquals("approved", first.json().path("status").asText(), first.raw().body());
        fileAsOwner(new ClientChangeRequest(ClientChangeRequest.ENABLE, SERVER, CLIENT, clock.instant()));
        long before = requestCount();

        Answer replayed = trusted.file(disable);

        assertEquals(409, replayed.status(), replayed.raw().body());
        assertEquals("this signed clientDisable request was already filed as request "
                + first.json().path("id").asLong() + "; sign a new one to ask again",
                replayed.json().path("message").asText());
        assertEquals(before, requestCount());
        assertEquals(List.of(CLIENT), globalConfiguration().securityServer(SERVER).orElseThrow().clients());
    }

    @Test
    void clientEnable_ofAClientNotDisabled_isRefusedAndNothingIsStored() throws SigningException {
        long before = requestCount();

        Answer answer = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.ENABLE, SERVER, CLIENT, clock.instant()));

        assertEquals(409, answer.status(), answer.raw().body());
        assertTrue(answer.json().path("message").asText().contains("is not disabled"), answer.raw().body());
        assertEquals(before, requestCount());
    }

    @Test
    void clientChange_ofAClientTheServerDoesNotHost_isRefused() throws SigningException {
        long before = requestCount();

        Answer answer = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DELETION, SERVER, OTHER_CLIENT,
                clock.instant()));

        assertEquals(409, answer.status(), answer.raw().body());
        assertEquals(OTHER_CLIENT.format() + " is not a client of " + SERVER.format(),
                answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerRequest_signedByAnotherMember_isRefusedAndNothingChanges()
            throws CaException, OcspException, SigningException, TokenException, ConfigurationException {
        Credential other = trusted.credential(CertificateProfile.SIGN, OTHER);
        long before = requestCount();

        Answer answer = trusted.file(ManagementRequests.ownerRequest(new ClientChangeRequest(
                ClientChangeRequest.DELETION, SERVER, CLIENT, clock.instant()), other.signer(), other.ocsp()));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.SignerMismatch", answer.type());
        assertTrue(answer.json().path("message").asText().contains("the owner of server " + SERVER), answer.raw().body());
        assertEquals(before, requestCount());
        assertEquals(List.of(CLIENT), globalConfiguration().securityServer(SERVER).orElseThrow().clients());
    }

    @Test
    void ownerRequest_forAnUnregisteredServer_isRefused() throws SigningException {
        Answer answer = fileAsOwner(new AddressChangeRequest(OWNER.server("ss9"), "10.0.0.9:5500", clock.instant()));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("security server " + OWNER.server("ss9").format() + " is not registered",
                answer.json().path("message").asText());
    }

    @Test
    void ownerRequest_outsideTheTimeWindow_isRefused() throws SigningException {
        Answer answer = fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DELETION, SERVER, CLIENT,
                clock.instant().minus(Duration.ofHours(1))));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.RequestTimeOutOfWindow", answer.type());
    }

    @Test
    void authCertDeletion_afterASecondCertificate_leavesOnlyTheNewOneTrusted()
            throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException,
            ConfigurationException {
        Credential second = trusted.credential(CertificateProfile.AUTH, SERVER);
        approve(trusted.file(trusted.authCertReg(second, owner, SERVER)));
        assertEquals(List.of(TrustAnchors.sha256(auth.certificate()), TrustAnchors.sha256(second.certificate()))
                        .stream().sorted().toList(),
                globalConfiguration().securityServer(SERVER).orElseThrow().authCertificateHashes());

        Answer deleted = fileAsOwner(new AuthCertDeletionRequest(SERVER,
                Base64.getEncoder().encodeToString(auth.certificate().getEncoded()), clock.instant()));

        assertEquals(202, deleted.status(), deleted.raw().body());
        assertEquals("approved", deleted.json().path("status").asText());
        assertEquals(TrustAnchors.sha256(auth.certificate()), deleted.json().path("authCertificateSha256").asText());
        assertEquals(List.of(TrustAnchors.sha256(second.certificate())),
                globalConfiguration().securityServer(SERVER).orElseThrow().authCertificateHashes());

        Answer again = fileAsOwner(new AuthCertDeletionRequest(SERVER,
                Base64.getEncoder().encodeToString(auth.certificate().getEncoded()), clock.instant()));
        assertEquals(409, again.status(), again.raw().body());
        assertTrue(again.json().path("message").asText().contains("neither registered nor pending"), again.raw().body());
    }

    @Test
    void authCertDeletion_ofAPendingCertificate_withdrawsItsRegistration()
            throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Credential second = trusted.credential(CertificateProfile.AUTH, SERVER);
        Answer pending = trusted.file(trusted.authCertReg(second, owner, SERVER));
        assertEquals("pending", pending.json().path("status").asText(), pending.raw().body());

        Answer deleted = fileAsOwner(new AuthCertDeletionRequest(SERVER,
                Base64.getEncoder().encodeToString(second.certificate().getEncoded()), clock.instant()));

        assertEquals(202, deleted.status(), deleted.raw().body());
        assertEquals("rejected", request(pending.json().path("id").asLong()).path("status").asText());
    }

    @Test
    void authCertDeletion_ofAnotherServersCertificate_isRefused()
            throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        SecurityServerId ss2 = OWNER.server("ss2");
        Credential ss2Auth = trusted.credential(CertificateProfile.AUTH, ss2);
        approve(trusted.file(trusted.authCertReg(ss2Auth, owner, ss2)));
        long before = requestCount();

        Answer answer = fileAsOwner(new AuthCertDeletionRequest(SERVER,
                Base64.getEncoder().encodeToString(ss2Auth.certificate().getEncoded()), clock.instant()));

        assertEquals(409, answer.status(), answer.raw().body());
        assertEquals("this auth certificate is registered for " + ss2.format() + ", not for " + SERVER.format(),
                answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void addressChange_waitsForAnOperatorThenMovesTheServer() throws SigningException, ConfigurationException {
        Answer filed = fileAsOwner(new AddressChangeRequest(SERVER, "ss1.example.org:5577", clock.instant()));
        assertEquals(202, filed.status(), filed.raw().body());
        assertEquals("pending", filed.json().path("status").asText());
        assertEquals("127.0.0.1:5500", globalConfiguration().securityServer(SERVER).orElseThrow().address());

        Answer second = fileAsOwner(new AddressChangeRequest(SERVER, "ss1.example.org:5578", clock.instant()));
        assertEquals(409, second.status(), second.raw().body());

        approve(filed);
        assertEquals("ss1.example.org:5577", globalConfiguration().securityServer(SERVER).orElseThrow().address());
    }

    @Test
    void addressChange_toTheCurrentAddress_isRefused() throws SigningException {
        Answer answer = fileAsOwner(new AddressChangeRequest(SERVER, "127.0.0.1:5500", clock.instant()));

        assertEquals(409, answer.status(), answer.raw().body());
        assertEquals("security server " + SERVER.format() + " is already at 127.0.0.1:5500",
                answer.json().path("message").asText());
    }

    @Test
    void addressChange_withABadAddressInTheSignedPayload_isRefusedAsMalformed() throws SigningException {
        String json = "{\"type\":\"addressChange\",\"server\":\"" + SERVER.format() + "\",\"address\":\"no port\","
                + "\"requestedAt\":\"" + clock.instant() + "\"}";
        Answer answer = trusted.file(owner.signer().sign(json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(ManagementRequests.OCSP_PARAM, Base64.getEncoder().encodeToString(owner.ocsp()))));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.Malformed", answer.type());
        assertTrue(answer.json().path("message").asText().contains("is not host:port"), answer.raw().body());
    }

    @Test
    void ownerRequests_areInTheAuditTrail() throws SigningException {
        fileAsOwner(new ClientChangeRequest(ClientChangeRequest.DISABLE, SERVER, CLIENT, clock.instant()));

        JsonNode audit = trusted.registry.admin("GET", "/api/v1/audit", null).json();
        boolean found = false;
        for (JsonNode row : audit.path("items")) {
            found |= row.path("action").asText().equals("managementRequest.file")
                    && row.path("actor").asText().equals("management-request")
                    && row.path("outcome").asText().equals("success");
        }
        assertTrue(found, audit.toString());
    }

    private Answer fileAsOwner(OwnerRequest request) throws SigningException {
        return trusted.file(ManagementRequests.ownerRequest(request, owner.signer(), owner.ocsp()));
    }

    private void approve(Answer filed) {
        assertEquals(202, filed.status(), filed.raw().body());
        Answer approved = trusted.registry.admin("POST", "/api/v1/management-requests/"
                + filed.json().path("id").asLong() + "/approve", null);
        assertEquals(200, approved.status(), approved.raw().body());
    }

    private JsonNode request(long id) {
        return trusted.registry.admin("GET", "/api/v1/management-requests/" + id, null).json();
    }

    private long requestCount() {
        return trusted.registry.admin("GET", "/api/v1/management-requests", null).json().path("total").asLong();
    }

    /** The registry's current global configuration, downloaded and verified against its anchor. */
    private GlobalConfiguration globalConfiguration() throws ConfigurationException {
        Anchor anchor = trusted.registry.home.anchor();
        Anchor local = new Anchor(anchor.instance(), URI.create(trusted.registry.base + "/globalconf"),
                anchor.configurationSigningCertificate());
        return new ConfigurationClient(local, new HttpConfigurationSource(local), clock, trusted.bc, null).refresh();
    }
}
