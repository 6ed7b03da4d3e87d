package org.xroadng.certs.ocsp;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.CRLReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpReply;

class OcspClientTest {

    private static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");
    private static final Duration FRESHNESS = Duration.ofMinutes(30);

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile HttpEndpoint endpoint;
    private HttpApiServer server;
    private OcspFixture f;
    private OcspClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpApiServer.builder("ocsp-client-test")
                .route("POST", "/ocsp", call -> {
                    requests.incrementAndGet();
                    return endpoint.handle(call);
                })
                .route("POST", "/broken", call -> HttpReply.text(503, "down for maintenance"))
                .route("POST", "/slow", call -> {
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HttpReply.noContent();
                })
                .start();
        f = new OcspFixture(clock, server.baseUri() + "/ocsp");
        endpoint = new OcspHttpEndpoints(f.responder).post();
        client = new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(10)), clock, FRESHNESS, f.pki.bc,
                f.pki.random);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void certificateWithAiaUrl_isCheckedAtThatResponder() throws OcspException {
        OcspResult result = client.check(f.leaf.cert(), f.pki.ca.cert());

        assertEquals(OcspResult.Status.GOOD, result.status());
        assertEquals(1, requests.get());
    }

    @Test
    void revokedCertificate_isReportedRevoked() throws OcspException {
        Instant revokedAt = NOW.minus(Duration.ofDays(1));
        f.source.revoke(f.leaf.cert(), revokedAt, CRLReason.superseded);

        OcspResult result = client.check(f.leaf.cert(), f.pki.ca.cert());

        assertEquals(OcspResult.Status.REVOKED, result.status());
        assertEquals(revokedAt, result.revocationTime());
    }

    @Test
    void secondCheckWithinFreshness_isAnsweredFromCache() throws OcspException {
        OcspResult first = client.check(f.leaf.cert(), f.pki.ca.cert());
        clock.advance(FRESHNESS.minusSeconds(1));

        OcspResult second = client.check(f.leaf.cert(), f.pki.ca.cert());

        assertEquals(1, requests.get());
        assertArrayEquals(first.encoded(), second.encoded());
    }

    @Test
    void checkAfterFreshness_fetchesAgain() throws OcspException {
        client.check(f.leaf.cert(), f.pki.ca.cert());
        clock.advance(FRESHNESS.plusSeconds(1));

        OcspResult again = client.check(f.leaf.cert(), f.pki.ca.cert());

        assertEquals(2, requests.get());
        assertEquals(clock.instant(), again.thisUpdate());
    }

    @Test
    void responderDown_isOcspException() {
        URI gone = URI.create(server.baseUri() + "/ocsp");
        server.close();
        OcspClient downClient = new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(2)), gone, clock,
                FRESHNESS, f.pki.bc, f.pki.random);

        OcspException e = assertThrows(OcspException.class, () -> downClient.check(f.leaf.cert(), f.pki.ca.cert()));

        assertTrue(e.getMessage().startsWith("OCSP responder " + gone + " is unreachable"), e.getMessage());
    }

    @Test
    void responderHttpError_isOcspException() {
        URI broken = URI.create(server.baseUri() + "/broken");
        OcspClient brokenClient = new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(2)), broken, clock,
                FRESHNESS, f.pki.bc, f.pki.random);

        OcspException e = assertThrows(OcspException.class,
                () -> brokenClient.check(f.leaf.cert(), f.pki.ca.cert()));

        assertEquals("OCSP responder " + broken + " answered HTTP 503; expected 200", e.getMessage());
    }

    @Test
    void slowResponder_timesOut() {
        URI slow = URI.create(server.baseUri() + "/slow");
        OcspClient impatient = new OcspClient(HttpOcspTransport.withTimeout(Duration.ofMillis(300)), slow, clock,
                FRESHNESS, f.pki.bc, f.pki.random);

        OcspException e = assertThrows(OcspException.class, () -> impatient.check(f.leaf.cert(), f.pki.ca.cert()));

        assertEquals("OCSP responder " + slow + " did not answer within PT0.3S", e.getMessage());
    }

    @Test
    void certificateWithoutAiaAndNoOverride_isOcspException() {
        TestPki.Issued noAia = f.pki.issue("No AIA", CertificateKind.MEMBER_SIGN, List.of(), null);
        f.source.issued(noAia.cert());

        OcspException e = assertThrows(OcspException.class, () -> client.check(noAia.cert(), f.pki.ca.cert()));

        assertTrue(e.getMessage().contains("names no OCSP responder"), e.getMessage());
        assertEquals(0, requests.get());
    }
}
