package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.List;
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
import org.xroadng.protocol.management.ClientChangeRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.registry.RegistryFixture.Answer;
import org.xroadng.registry.TrustedRegistry.Credential;

/**
 * {@code ownerChange} (PR-MSERV section 2.5) over HTTP as a security server files it, with
 * certificates from our running CA and OCSP responder: signed by the new owner, pending until an
 * operator approves it, then the next global configuration names the new owner while the server's
 * identifier stays, and from then on the server's requests about itself must be signed by the new
 * owner (the old owner's signature is refused). Each refusal leaves no request and no change.
 */
class OwnerChangeTest {

    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final MemberId NEW_OWNER = MemberId.parse("DEMO/GOV/1002");
    private static final MemberId STRANGER = MemberId.parse("DEMO/GOV/1003");
    private static final SecurityServerId SERVER = OWNER.server("ss1");
    private static final SecurityServerId SS2 = OWNER.server("ss2");
    private static final SubsystemId CLIENT = OWNER.subsystem("population");
    private static final SubsystemId NEW_OWNERS_CLIENT = NEW_OWNER.subsystem("tax");

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private TrustedRegistry trusted;
    private Credential owner;
    private Credential newOwner;

    /** Where the tables are: H2 files here, a PostgreSQL database in {@link OwnerChangePostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void start() throws CaException, IOException, OcspException, RegistryException, SigningException, TokenException,
            CertificateEncodingException {
        trusted = new TrustedRegistry(dir, clock, storage(), OWNER.format(), "Population Registry",
                NEW_OWNER.format(), "Tax Board", STRANGER.format(), "Land Board");
        owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        newOwner = trusted.credential(CertificateProfile.SIGN, NEW_OWNER);
        trusted.register(SERVER, owner);
        approve(trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER, CLIENT, clock.instant()),
                owner.signer(), owner.ocsp())));
        approve(trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER, NEW_OWNERS_CLIENT,
                clock.instant()), newOwner.signer(), newOwner.ocsp())));
    }

    @AfterEach
    void stop() {
        trusted.close();
    }

    @Test
    void ownerChange_waitsForAnOperatorThenTheConfigurationNamesTheNewOwnerUnderTheSameIdentifier()
            throws SigningException, ConfigurationException {
        Answer filed = fileOwnerChange(NEW_OWNER, newOwner);
        assertEquals(202, filed.status(), filed.raw().body());
        assertEquals("pending", filed.json().path("status").asText());
        assertEquals(NEW_OWNER.format(), filed.json().path("newOwner").asText(), filed.raw().body());
        assertEquals(OWNER, globalConfiguration().securityServer(SERVER).orElseThrow().owner());

        approve(filed);

        GlobalConfiguration.SecurityServer server = globalConfiguration().securityServer(SERVER).orElseThrow();
        assertEquals(NEW_OWNER, server.owner());
        assertEquals(SERVER, server.id());
        assertEquals(List.of(CLIENT, NEW_OWNERS_CLIENT), server.clients());
        assertEquals(1, server.authCertificateHashes().size());
        JsonNode view = trusted.registry.admin("GET", "/api/v1/security-servers/" + SERVER.format(), null).json();
        assertEquals(NEW_OWNER.format(), view.path("owner").asText(), view.toString());
    }

    @Test
    void afterTheOwnerChange_theOldOwnersSignatureIsRefusedAndTheNewOwnersAccepted()
            throws SigningException, ConfigurationException, CaException, CertificateEncodingException, OcspException,
            TokenException {
        approve(fileOwnerChange(NEW_OWNER, newOwner));
        long before = requestCount();

        Answer byOldOwner = trusted.file(ManagementRequests.ownerRequest(new AddressChangeRequest(SERVER,
                "ss1.example.org:5500", clock.instant()), owner.signer(), owner.ocsp()));

        assertEquals(400, byOldOwner.status(), byOldOwner.raw().body());
        assertEquals("ManagementRequest.SignerMismatch", byOldOwner.type());
        assertEquals("addressChange signer: expected the signing certificate of " + NEW_OWNER + ", the owner of"
                + " server " + SERVER + "; actual a certificate of " + OWNER, byOldOwner.json().path("message").asText());
        assertEquals(before, requestCount());

        Answer byNewOwner = trusted.file(ManagementRequests.ownerRequest(new ClientChangeRequest(
                ClientChangeRequest.DISABLE, SERVER, CLIENT, clock.instant()), newOwner.signer(), newOwner.ocsp()));
        assertEquals(202, byNewOwner.status(), byNewOwner.raw().body());
        assertEquals("approved", byNewOwner.json().path("status").asText());
        assertEquals(List.of(CLIENT), globalConfiguration().securityServer(SERVER).orElseThrow().disabledClients());

        // A further authentication certificate: its registration too is signed by the owner now.
        Credential second = trusted.credential(CertificateProfile.AUTH, SERVER);
        Answer authByOldOwner = trusted.file(trusted.authCertReg(second, owner, SERVER));
        assertEquals(400, authByOldOwner.status(), authByOldOwner.raw().body());
        assertEquals("ManagementRequest.SignerMismatch", authByOldOwner.type());
        Answer authByNewOwner = trusted.file(trusted.authCertReg(second, newOwner, SERVER));
        assertEquals(202, authByNewOwner.status(), authByNewOwner.raw().body());
        approve(authByNewOwner);
        assertEquals(2, globalConfiguration().securityServer(SERVER).orElseThrow().authCertificateHashes().size());
    }

    @Test
    void ownerChange_signedByTheCurrentOwner_isRefused() throws SigningException {
        long before = requestCount();

        Answer answer = trusted.file(ManagementRequests.ownerChange(new OwnerChangeRequest(SERVER, NEW_OWNER,
                clock.instant()), owner.signer(), owner.ocsp()));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.SignerMismatch", answer.type());
        assertEquals("ownerChange signer: expected the signing certificate of " + NEW_OWNER + ", the new owner it names"
                + " for server " + SERVER + "; actual a certificate of " + OWNER, answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerChange_unsigned_isRefusedAsMalformed() {
        long before = requestCount();
        String json = "{\"type\":\"ownerChange\",\"server\":\"" + SERVER.format() + "\",\"newOwner\":\""
                + NEW_OWNER.format() + "\",\"requestedAt\":\"" + clock.instant() + "\"}";

        Answer answer = trusted.file(json);

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.Malformed", answer.type());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerChange_withASignatureOverOtherBytes_isRefused() throws SigningException {
        String signed = ManagementRequests.ownerChange(new OwnerChangeRequest(SERVER, NEW_OWNER, clock.instant()),
                newOwner.signer(), newOwner.ocsp());
        String other = ManagementRequests.ownerChange(new OwnerChangeRequest(SS2, NEW_OWNER, clock.instant()),
                newOwner.signer(), newOwner.ocsp());
        String[] parts = signed.split("\\.");
        String swapped = parts[0] + "." + other.split("\\.")[1] + "." + parts[2];

        Answer answer = trusted.file(swapped);

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("ManagementRequest.BadSignature", answer.type());
    }

    @Test
    void ownerChange_toTheCurrentOwner_isRefused() throws SigningException {
        long before = requestCount();

        Answer answer = fileOwnerChange(OWNER, owner);

        assertEquals(409, answer.status(), answer.raw().body());
        assertEquals(OWNER.format() + " already owns security server " + SERVER.format(),
                answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerChange_toANonMember_isRefused() throws SigningException, CaException, OcspException, TokenException {
        MemberId nobody = MemberId.parse("DEMO/GOV/9999");
        Credential nobodys = trusted.credential(CertificateProfile.SIGN, nobody);
        long before = requestCount();

        Answer answer = fileOwnerChange(nobody, nobodys);

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("new owner " + nobody.format() + " is not a member of this instance",
                answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerChange_toAMemberWithNoClientOnTheServer_isRefused()
            throws SigningException, CaException, OcspException, TokenException {
        Credential stranger = trusted.credential(CertificateProfile.SIGN, STRANGER);
        long before = requestCount();

        Answer answer = fileOwnerChange(STRANGER, stranger);

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("new owner " + STRANGER.format() + " is not a registered client of security server "
                + SERVER.format() + "; register one of its subsystems there (clientReg) first",
                answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerChange_ofAnotherServer_whereTheMemberIsNoClient_isRefused()
            throws SigningException, CaException, CertificateEncodingException, OcspException, TokenException {
        trusted.register(SS2, owner);
        long before = requestCount();

        Answer answer = trusted.file(ManagementRequests.ownerChange(new OwnerChangeRequest(SS2, NEW_OWNER,
                clock.instant()), newOwner.signer(), newOwner.ocsp()));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("new owner " + NEW_OWNER.format() + " is not a registered client of security server "
                + SS2.format() + "; register one of its subsystems there (clientReg) first",
                answer.json().path("message").asText());
        assertEquals(before, requestCount());
    }

    @Test
    void ownerChange_ofAnUnregisteredServer_isRefused() throws SigningException {
        SecurityServerId unregistered = OWNER.server("ss9");

        Answer answer = trusted.file(ManagementRequests.ownerChange(new OwnerChangeRequest(unregistered, NEW_OWNER,
                clock.instant()), newOwner.signer(), newOwner.ocsp()));

        assertEquals(400, answer.status(), answer.raw().body());
        assertEquals("security server " + unregistered.format() + " is not registered",
                answer.json().path("message").asText());
    }

    @Test
    void ownerChange_pendingTwiceOrReplayed_isRefused() throws SigningException {
        String signed = ManagementRequests.ownerChange(new OwnerChangeRequest(SERVER, NEW_OWNER, clock.instant()),
                newOwner.signer(), newOwner.ocsp());
        Answer first = trusted.file(signed);
        assertEquals(202, first.status(), first.raw().body());
        long id = first.json().path("id").asLong();

        Answer second = fileOwnerChange(NEW_OWNER, newOwner);
        assertEquals(409, second.status(), second.raw().body());
        assertEquals("an owner change of " + SERVER.format() + " is already pending as request " + id,
                second.json().path("message").asText());

        approve(first);
        Answer replayed = trusted.file(signed);
        assertEquals(409, replayed.status(), replayed.raw().body());
        assertEquals("this signed ownerChange request was already filed as request " + id
                + "; sign a new one to ask again", replayed.json().path("message").asText());
    }

    @Test
    void approval_afterTheNewOwnersClientLeft_isRefusedAndTheOwnerStays()
            throws SigningException, ConfigurationException {
        Answer filed = fileOwnerChange(NEW_OWNER, newOwner);
        Answer deleted = trusted.file(ManagementRequests.ownerRequest(new ClientChangeRequest(
                ClientChangeRequest.DELETION, SERVER, NEW_OWNERS_CLIENT, clock.instant()), owner.signer(), owner.ocsp()));
        assertEquals("approved", deleted.json().path("status").asText(), deleted.raw().body());

        Answer approval = trusted.registry.admin("POST", "/api/v1/management-requests/"
                + filed.json().path("id").asLong() + "/approve", null);

        assertEquals(400, approval.status(), approval.raw().body());
        assertTrue(approval.json().path("message").asText().contains("is not a registered client"),
                approval.raw().body());
        assertEquals("pending", request(filed.json().path("id").asLong()).path("status").asText());
        assertEquals(OWNER, globalConfiguration().securityServer(SERVER).orElseThrow().owner());
    }

    @Test
    void ownerChange_isAuditedAndRejectable() throws SigningException {
        Answer filed = fileOwnerChange(NEW_OWNER, newOwner);
        Answer rejected = trusted.registry.admin("POST", "/api/v1/management-requests/"
                + filed.json().path("id").asLong() + "/reject", java.util.Map.of("reason", "no contract yet"));
        assertEquals(200, rejected.status(), rejected.raw().body());
        assertEquals("rejected", rejected.json().path("status").asText());

        JsonNode audit = trusted.registry.admin("GET", "/api/v1/audit", null).json();
        boolean filedAudited = false;
        boolean rejectedAudited = false;
        for (JsonNode row : audit.path("items")) {
            filedAudited |= row.path("action").asText().equals("managementRequest.file")
                    && row.path("outcome").asText().equals("success");
            rejectedAudited |= row.path("action").asText().equals("managementRequest.reject")
                    && row.path("target").asText().equals(filed.json().path("id").asText());
        }
        assertTrue(filedAudited && rejectedAudited, audit.toString());
    }

    private Answer fileOwnerChange(MemberId member, Credential signer) throws SigningException {
        return trusted.file(ManagementRequests.ownerChange(new OwnerChangeRequest(SERVER, member, clock.instant()),
                signer.signer(), signer.ocsp()));
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
