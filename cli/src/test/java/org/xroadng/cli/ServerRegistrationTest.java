package org.xroadng.cli;

import org.xroadng.protocol.jws.SigningException;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.securityserver.ServerException;
import java.io.IOException;
import org.xroadng.registry.RegistryException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
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
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.registry.RegistryHome;
import org.xroadng.registry.RegistryServer;
import org.xroadng.registry.RegistrySettings;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.registration.Registrar;
import org.xroadng.securityserver.registration.Registration;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * A security server registers itself and a client with a real central registry, with certificates
 * from a real CA and OCSP responses from its running trust server: authCertReg is pending until an
 * operator approves it through the registry API, then clientReg follows.
 */
class ServerRegistrationTest {

    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final SecurityServerId SERVER = OWNER.server("ss1");
    private static final SubsystemId CLIENT = OWNER.subsystem("population");

    @TempDir
    Path dir;

    private final Provider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newHttpClient();
    private CertificateAuthority ca;
    private TrustServer trust;
    private RegistryHome registryHome;
    private RegistryServer registry;
    private String adminKey;
    private ServerHome server;

    @BeforeEach
    void start() throws CaException, IOException, InterruptedException, RegistryException, ServerException, SigningException {
        InetSocketAddress trustAddress = new InetSocketAddress("127.0.0.1", freePort());
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Demo CA",
                URI.create("http://127.0.0.1:" + trustAddress.getPort()), trustAddress, 365), Pin.of("ca-pin"), bc, random, clock);
        trust = TrustServer.start(ca, trustAddress, clock, random);

        int registryPort = freePort();
        RegistrySettings settings = new RegistrySettings("DEMO", URI.create("http://127.0.0.1:" + registryPort),
                new InetSocketAddress("127.0.0.1", registryPort), 3600);
        RegistryHome.Initialized initialized = RegistryHome.init(dir.resolve("registry"), settings, Pin.of("registry-pin"),
                bc, random, clock);
        registryHome = initialized.home();
        adminKey = initialized.adminKey().key();
        registry = RegistryServer.start(registryHome.registry(), settings);
        assertEquals(201, registryApi("POST", "/api/v1/member-classes", Map.of("code", "GOV", "description", "Government")).statusCode());
        assertEquals(201, registryApi("POST", "/api/v1/members", Map.of("id", OWNER.format(), "name", "Population Registry")).statusCode());
        assertEquals(201, registryApi("POST", "/api/v1/subsystems", Map.of("id", CLIENT.format())).statusCode());
        assertEquals(201, registryApi("POST", "/api/v1/certification-authorities", Map.of(
                "certificate", Pem.encode(ca.caCertificate()), "ocspUrl", ca.settings().ocspUrl().toString())).statusCode());
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, registryHome.anchor());

        server = ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(SERVER, anchor), Pin.of("ss-pin"), bc,
                random, clock).home();
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
        registryHome.close();
        trust.close();
        ca.close();
    }

    private static int freePort() throws IOException {
        return FreePorts.one();
    }

    private HttpResponse<String> registryApi(String method, String path, Object body) throws IOException, InterruptedException, JsonProcessingException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.baseUri() + path))
                .header("Authorization", "Bearer " + adminKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.mapper().writeValueAsBytes(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> response) throws JsonProcessingException {
        return ProtocolJson.mapper().readTree(response.body());
    }

    /** The CA certifies the CSR the server wrote, as an operator would have it do. */
    private X509Certificate certify(Path csr, CertificateProfile profile, XRoadId identity) throws CaException, IOException {
        List<GeneralName> hosts = profile == CertificateProfile.AUTH
                ? List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")) : List.of();
        return ca.issue(new IssueRequest(Files.readAllBytes(csr), profile, identity, hosts, null)).certificate();
    }

    @Test
    void registerThenRegisterClient_areFiledAndApprovedAtTheRegistry() throws CaException, IOException, InterruptedException, JsonProcessingException, RegistrationException, ServerException, TokenException {
        server.keys().importCertificate(List.of(certify(server.dir().resolve(ServerHome.AUTH_CSR_FILE),
                CertificateProfile.AUTH, SERVER), ca.caCertificate()));
        server.keys().importCertificate(List.of(certify(server.dir().resolve(ServerHome.signCsrFile(OWNER)),
                CertificateProfile.SIGN, OWNER), ca.caCertificate()));
        server.store().addClient(CLIENT, LocalClient.IsAuthentication.HTTP, List.of());
        Registrar registrar = server.registrar();

        Registration.Filed filed = registrar.register();

        assertEquals("authCertReg", filed.type());
        assertEquals("pending", filed.status());
        JsonNode pending = json(registryApi("GET", "/api/v1/management-requests?status=pending", null));
        assertEquals(1, pending.path("total").asInt(), pending.toString());
        assertEquals(filed.id(), pending.path("items").get(0).path("id").asLong());
        HttpResponse<String> approved = registryApi("POST", "/api/v1/management-requests/" + filed.id() + "/approve", null);
        assertEquals("approved", json(approved).path("status").asText(), approved.body());

        Registration.Filed client = registrar.registerClient(CLIENT);

        assertEquals("clientReg", client.type());
        assertEquals("pending", client.status());
        assertEquals(200, registryApi("POST", "/api/v1/management-requests/" + client.id() + "/approve", null).statusCode());
        JsonNode registered = json(registryApi("GET", "/api/v1/security-servers/" + SERVER.format(), null));
        assertTrue(registered.toString().contains(CLIENT.format()), registered.toString());
    }

    @Test
    void registerWithoutCertificates_isRefusedLocally() {
        RegistrationException e = assertThrows(RegistrationException.class, () -> server.registrar().register());

        assertEquals(RegistrationException.Kind.NOT_READY, e.kind());
        assertTrue(e.getMessage().contains("has no CA-issued certificate yet"), e.getMessage());
    }

    @Test
    void sameRegistrationTwice_carriesTheRegistrysRefusal() throws CaException, IOException, RegistrationException, ServerException, TokenException {
        server.keys().importCertificate(List.of(certify(server.dir().resolve(ServerHome.AUTH_CSR_FILE),
                CertificateProfile.AUTH, SERVER)));
        server.keys().importCertificate(List.of(certify(server.dir().resolve(ServerHome.signCsrFile(OWNER)),
                CertificateProfile.SIGN, OWNER)));
        Registrar registrar = server.registrar();
        registrar.register();

        RegistrationException e = assertThrows(RegistrationException.class, registrar::register);

        assertEquals(RegistrationException.Kind.REFUSED, e.kind());
        assertEquals(409, e.registryStatus());
        assertTrue(e.getMessage().contains("already pending"), e.getMessage());
    }
}
