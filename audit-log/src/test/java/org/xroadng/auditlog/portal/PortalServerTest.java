package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.portal.devidp.DevIdentityProvider;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.testing.FreePorts;

/** The portal wired to a real anchor whose registry does not answer: a clear 503, never a stack trace. */
class PortalServerTest {

    @TempDir
    Path dir;

    @Test
    void registryNotAnswering_eventsAre503WithAMessage()
            throws IOException, InterruptedException, ConfigurationException, CertificateEncodingException {
        MutableClock clock = new MutableClock(PortalScenario.T0);
        int closedPort;
        closedPort = FreePorts.one();
        TestPki pki = TestPki.create(clock);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:" + closedPort + "/globalconf"),
                Base64.getEncoder().encodeToString(pki.ca.cert().getEncoded())));
        try (DevIdentityProvider idp = DevIdentityProvider.start(new InetSocketAddress("127.0.0.1", 0), null, List.of(),
                null, clock, new SecureRandom());
             PortalServer portal = PortalServer.start(PortalSettings.withDefaults(new InetSocketAddress("127.0.0.1", 0),
                             null, anchor, URI.create("http://127.0.0.1:" + closedPort), PortalScenario.TAX, idp.issuer()),
                     clock, pki.bc)) {
            String token = idp.issue(new PersonalCode(PortalScenario.CITIZEN), DevIdentityProvider.DEFAULT_CLIENT_ID, null);

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(portal.baseUri() + "/api/v1/events")).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(503, response.statusCode(), response.body());
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertEquals("ConfigurationUnavailable", body.get("type").asText());
            assertTrue(body.get("message").asText().contains("no valid global configuration"), body.toString());
        }
    }
}
