package org.xroadng.securityserver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.transport.HttpExchangeClient;
import org.xroadng.securityserver.transport.PeerClient;

/**
 * A consumer's server replaces its pool of connections to peers when a new configuration changes
 * whom to trust, or when it presents a new authentication key. Requests that were waiting for a
 * connection of the old pool at that moment were never sent: they must go on the new pool, not
 * fail ("client is closed", seen as a failed query in KeyRotationDemoTest under load).
 */
class PeerPoolsTest {

    @TempDir
    Path dir;

    @Test
    void requestsWaitingForAConnectionWhenANewerConfigurationReplacesThePool_goOnTheNewPool()
            throws CaException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException,
            SigningException, UnrecoverableKeyException, InterruptedException, ExecutionException, TimeoutException {
        try (TestNetwork network = new TestNetwork(dir)) {
            sendWhileThePoolIsReplaced(network);
        }
    }

    private static void sendWhileThePoolIsReplaced(TestNetwork network)
            throws CertificateEncodingException, InterruptedException, ExecutionException, TimeoutException {
        PeerClient peers = new Forger(network, network.consumer).peers();
        String provider = "127.0.0.1:" + network.provider.serverProxy().getPort();
        HttpExchangeClient.Request unsigned = new HttpExchangeClient.Request("GET",
                "/r1/DEMO/GOV/1001/population/person/EE1", List.of(), new byte[0]);

        // Sixteen requests under configuration 1: none has a connection yet (the handshakes take
        // milliseconds), so all of them wait in its pool ...
        List<CompletableFuture<HttpExchangeClient.Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            waiting.add(peers.send(provider, unsigned, Duration.ofSeconds(10), "trust-1", 1));
        }
        // ... when a request under configuration 2, which trusts otherwise, replaces that pool.
        HttpExchangeClient.Answer newer = peers.send(provider, unsigned, Duration.ofSeconds(10), "trust-2", 2)
                .get(20, TimeUnit.SECONDS);

        for (CompletableFuture<HttpExchangeClient.Answer> request : waiting) {
            // The provider's server proxy refuses an unsigned request: an answer, so the request was sent.
            assertEquals(newer.status(), request.get(20, TimeUnit.SECONDS).status(),
                    "answered by the provider, not failed as not sent");
        }
    }
}
