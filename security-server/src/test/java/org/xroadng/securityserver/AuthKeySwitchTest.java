package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/**
 * A consumer's server switches to a new authentication key while it holds a pooled keep-alive
 * connection to a provider, opened with the old key; the provider downloads the configuration in
 * which the old certificate is withdrawn before the consumer does. The consumer's next query must
 * go over a new connection presenting the new certificate: the old connection would present the
 * withdrawn one, which the provider refuses ({@code Server.ServerProxy.UnknownMember}, "no longer
 * registered"). {@link DataPlane#authKeyChanged} is what replaces it (PeerClient's pool is keyed on
 * the key epoch); KeyRotationDemoTest meets the same race under load, by chance, and this test
 * forces it.
 */
class AuthKeySwitchTest {

    @TempDir
    Path dir;

    private TestNetwork network;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir);
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/EE1"))
                .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari\"}")));
    }

    @AfterEach
    void stop() {
        network.close();
    }

    private HttpResponse<String> query() throws IOException, InterruptedException {
        return is.send(HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/EE1"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code conf} with the consumer's server registered with exactly {@code certificates}. */
    private GlobalConfiguration consumerRegisteredWith(GlobalConfiguration conf, X509Certificate... certificates) {
        List<GlobalConfiguration.SecurityServer> servers = new ArrayList<>();
        for (GlobalConfiguration.SecurityServer server : conf.securityServers()) {
            if (server.id().equals(network.consumer.serverId())) {
                List<String> hashes = new ArrayList<>();
                for (X509Certificate certificate : certificates) {
                    hashes.add(AuthCertificateTrustManager.hash(certificate));
                }
                server = new GlobalConfiguration.SecurityServer(server.id(), server.address(), hashes,
                        server.clients());
            }
            servers.add(server);
        }
        return new GlobalConfiguration(conf.instance(), conf.version(), conf.generatedAt(), conf.expiresAt(),
                conf.memberClasses(), conf.members(), servers, conf.globalGroups(), conf.approvedCas(),
                conf.approvedTsas(), conf.settings());
    }

    @Test
    void providerWithdrawsOldCertificateBeforeConsumerKnows_pooledConnectionReplaced_queryAnswered()
            throws CaException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException,
            SigningException, UnrecoverableKeyException, InterruptedException {
        X509Certificate old = network.consumer.authCertificate();
        X509Certificate next = network.consumer.addAuthKey(network.ca, network.bc, network.random);
        // The new certificate registered beside the old one; both servers have that configuration.
        network.tweakConfiguration(conf -> consumerRegisteredWith(conf, old, next),
                List.of(network.consumerPlane, network.providerPlane));

        HttpResponse<String> before = query();
        assertEquals(200, before.statusCode(), before.body());
        assertEquals(1, network.providerPlane.resources().serverProxy().open(),
                "the consumer's server keeps its connection to the provider open (keep-alive), made with the old key");

        // The consumer switches keys (as SecurityServer does once the new certificate is registered) ...
        network.consumer.presentAuthKey(next);
        network.consumerPlane.authKeyChanged();
        // ... and the old certificate is deleted at the registry: the provider has that configuration
        // first, the consumer's next download is still ahead.
        network.tweakConfiguration(conf -> consumerRegisteredWith(conf, next), List.of(network.providerPlane));

        HttpResponse<String> after = query();
        assertEquals(200, after.statusCode(), after.headers().firstValue("X-Road-Error").orElse("") + " "
                + after.body());
        assertEquals("{\"name\":\"Mari\"}", after.body());
        assertEquals(2, network.providerIs.findAll(getRequestedFor(urlPathEqualTo("/person-api/EE1"))).size(),
                "both queries reached the provider's information system");
    }
}
