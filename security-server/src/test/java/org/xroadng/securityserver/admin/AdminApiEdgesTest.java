package org.xroadng.securityserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ApiEdgeSweep;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.registration.Registration;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * Every route of the security server's admin API answers bad content types, duplicate keys,
 * malformed JSON, bad percent-escapes and empty certificates with a 4xx JSON error naming no Java class.
 */
class AdminApiEdgesTest {

    private final TestPki pki = TestPki.create(Clock.systemUTC());

    @TempDir
    Path dir;

    private ServerHome home;
    private HttpApiServer server;
    private String key;

    @BeforeEach
    void start() throws CertificateEncodingException, IOException, ServerException {
        TestPki.Issued signing = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(signing.cert().getEncoded())));
        ServerHome.Initialized created = ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(
                SecurityServerId.parse("DEMO/GOV/1001/ss1"), anchor), Pin.of("1234"), pki.bc, pki.random, pki.clock);
        home = created.home();
        key = created.adminKey().key();
        Registration notReady = new Registration() {
            @Override
            public Filed register() throws RegistrationException {
                throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "NotReady", "no auth certificate");
            }

            @Override
            public Filed registerClient(SubsystemId client) throws RegistrationException {
                throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "NotReady", "no auth certificate");
            }

            @Override
            public Filed changeClient(String type, SubsystemId client) throws RegistrationException {
                throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "NotReady", "no signing certificate");
            }

            @Override
            public Filed deleteAuthCertificate(Optional<X509Certificate> certificate) throws RegistrationException {
                throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "NotReady", "no auth certificate");
            }

            @Override
            public Filed changeAddress(String address) throws RegistrationException {
                throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "NotReady", "no signing certificate");
            }

            @Override
            public Filed changeOwner(org.xroadng.protocol.id.MemberId newOwner) throws RegistrationException {
                throw new RegistrationException(RegistrationException.Kind.NOT_READY, 0, "NotReady", "no signing certificate");
            }
        };
        HttpApiServer.Builder builder = new AdminApi(home.settings(), home.keys(), home.store(), home.adminKeys(),
                notReady).addTo(HttpApiServer.builder("admin-edges"));
        builder.route("GET", "/metrics", call -> HttpReply.text(200, "# metrics"));
        server = builder.start();
    }

    @AfterEach
    void stop() {
        server.close();
        home.close();
    }

    @Test
    void everyRouteWithKey_answersBadInputWithJson4xx() {
        ApiEdgeSweep sweep = new ApiEdgeSweep(server.address(), Map.of("Authorization", "Bearer " + key))
                .sweep(server.routes());

        assertEquals(List.of(), sweep.findings());
        assertTrue(sweep.jsonRoutes().size() >= 8, sweep.jsonRoutes().toString());
        assertTrue(sweep.jsonRoutes().contains("POST /api/v1/certificates"), sweep.jsonRoutes().toString());
    }

    @Test
    void emptyCertificate_is400SayingAPemCertificateWasExpected() throws IOException, InterruptedException {
        for (String body : new String[] {"{\"certificate\":\"\"}",
                "{\"certificate\":\"-----BEGIN CERTIFICATE-----\\n-----END CERTIFICATE-----\\n\"}"}) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            server.baseUri().resolve("/api/v1/certificates"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(400, response.statusCode(), response.body());
            assertTrue(response.body().contains("expected a"), response.body());
            assertFalse(response.body().contains("Exception") || response.body().contains("java."), response.body());
        }
    }

    @Test
    void everyRouteWithoutKey_answersBadInputWithJson4xx() {
        assertEquals(List.of(), new ApiEdgeSweep(server.address(), Map.of()).sweep(server.routes()).findings());
    }
}
