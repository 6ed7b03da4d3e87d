package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;

/**
 * Closing a data plane while an exchange waits for its log record to be durable: the plane stops
 * accepting, waits for the exchange, and its answer (completed on the log writer's thread, as the
 * real logs complete theirs) still reaches the client before the event loops stop.
 */
class DataPlaneCloseTest {

    /** A log whose appends complete only when the test says so, on a thread of its own. */
    private static final class HeldLog implements MessageLog {
        final BlockingQueue<CompletableFuture<Void>> held = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<Void> append(ExchangeRecord record) {
            CompletableFuture<Void> durable = new CompletableFuture<>();
            held.add(durable);
            return durable;
        }
    }

    @TempDir
    Path dir;

    @Test
    void closeWhileAnExchangeWaitsForItsLog_exchangeAnsweredBeforeTheLoopsStop()
            throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException,
            NoSuchAlgorithmException, SigningException, UnrecoverableKeyException, InterruptedException,
            ExecutionException, TimeoutException {
        HeldLog providerLog = new HeldLog();
        try (TestNetwork network = new TestNetwork(dir, MessageLog.NONE, providerLog)) {
            network.providerIs.stubFor(get(urlEqualTo("/person-api/EE1"))
                    .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari\"}")));
            CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/EE1"))
                            .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<Void> durable = providerLog.held.poll(30, TimeUnit.SECONDS);
            assertTrue(durable != null, "the provider's record was never appended");

            Thread closing = new Thread(network.providerPlane::close, "closing");
            closing.start();
            closing.join(500);
            assertTrue(closing.isAlive(), "close waits for the exchange in progress");
            assertFalse(answer.isDone(), "no answer before the record is durable");

            Thread writer = new Thread(() -> durable.complete(null), "log-writer");
            writer.start();
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("Mari"), response.body());
            closing.join(30_000);
            assertFalse(closing.isAlive(), "close ends once the exchange is answered");
        }
    }
}
