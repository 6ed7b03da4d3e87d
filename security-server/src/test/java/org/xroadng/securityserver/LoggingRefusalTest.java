package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogException;

/**
 * An exchange a server cannot keep as evidence is refused with {@code *.LoggingFailed}: before any
 * work while its log says it is unavailable (the provider's IS is never called), and with the
 * answer withheld when the append itself fails, on either side.
 */
class LoggingRefusalTest {

    /** A log that keeps nothing and fails or refuses on command. */
    private static final class SwitchableLog implements MessageLog {
        volatile String unavailable;
        volatile boolean failAppends;

        @Override
        public CompletableFuture<Void> append(ExchangeRecord record) {
            return failAppends
                    ? CompletableFuture.failedFuture(new MessageLogException("cannot store 1 exchanges: disk full"))
                    : CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.ofNullable(unavailable);
        }
    }

    @TempDir
    static Path dir;

    static TestNetwork network;
    static final SwitchableLog CONSUMER_LOG = new SwitchableLog();
    static final SwitchableLog PROVIDER_LOG = new SwitchableLog();
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir, CONSUMER_LOG, PROVIDER_LOG);
        network.providerIs.stubFor(get(urlEqualTo("/person-api/EE1"))
                .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari\"}")));
    }

    @AfterAll
    static void stop() {
        if (network != null) {
            network.close();
        }
    }

    @BeforeEach
    void reset() {
        CONSUMER_LOG.unavailable = null;
        CONSUMER_LOG.failAppends = false;
        PROVIDER_LOG.unavailable = null;
        PROVIDER_LOG.failAppends = false;
        network.providerIs.resetRequests();
    }

    private HttpResponse<String> query() throws IOException, InterruptedException {
        return is.send(HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/EE1"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String type) {
        assertEquals(500, response.statusCode(), response.body());
        assertEquals(type, response.headers().firstValue("X-Road-Error").orElse(""), response.body());
        assertTrue(response.body().contains("\"type\":\"" + type + "\""), response.body());
        assertFalse(response.body().contains("Mari"), "the answer is withheld");
        assertFalse(response.body().contains("disk full"), "the storage's words stay in the server's log");
    }

    @Test
    void healthyLogs_answered() throws IOException, InterruptedException {
        assertEquals(200, query().statusCode());
    }

    @Test
    void consumerLogUnavailable_refusedBeforeTheProviderIsAsked() throws IOException, InterruptedException {
        CONSUMER_LOG.unavailable = "the message log's writer stopped";
        HttpResponse<String> response = query();
        assertRefused(response, "Server.ClientProxy.LoggingFailed");
        assertTrue(response.body().contains("writer stopped"), response.body());
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void providerLogUnavailable_refusedBeforeItsIsIsAsked() throws IOException, InterruptedException {
        PROVIDER_LOG.unavailable = "the message log's storage cannot be read";
        assertRefused(query(), "Server.ServerProxy.LoggingFailed");
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void providerAppendFails_answerWithheld() throws IOException, InterruptedException {
        PROVIDER_LOG.failAppends = true;
        assertRefused(query(), "Server.ServerProxy.LoggingFailed");
    }

    @Test
    void consumerAppendFails_answerWithheld() throws IOException, InterruptedException {
        CONSUMER_LOG.failAppends = true;
        assertRefused(query(), "Server.ClientProxy.LoggingFailed");
    }
}
