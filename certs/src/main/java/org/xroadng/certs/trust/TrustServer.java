package org.xroadng.certs.trust;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.xroadng.certs.Pem;
import org.xroadng.certs.acme.AcmeServer;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ocsp.OcspHttpEndpoints;
import org.xroadng.certs.ocsp.OcspResponder;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.tsa.TimeStampAuthority;
import org.xroadng.certs.tsa.TsaHttpEndpoint;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.metrics.ComponentMetrics;
import org.xroadng.protocol.http.HttpReply;

/**
 * The trust services of one CA on one HTTP listener ({@code xroad trust serve}):
 * <ul>
 *   <li>{@code POST /ocsp} and {@code GET /ocsp/{request}}: the OCSP responder (RFC 6960), answering
 *       from the CA's records, so a revocation is visible at once;
 *   <li>{@code POST /tsa}: the time-stamping authority (RFC 3161);
 *   <li>{@code GET /ca.pem}, {@code /ocsp.pem}, {@code /tsa.pem}: the certificates, for operators;
 *   <li>{@code /acme/...}: the ACME server (RFC 8555, {@link AcmeServer}) issuing signing and
 *       authentication certificates to accounts bound to a member by external account binding;
 *   <li>{@code GET /metrics}: Prometheus metrics ({@link ComponentMetrics}, component {@code trust}):
 *       OCSP and TSA requests by route and status, their latency, the JVM; and {@link TrustMetrics}:
 *       OCSP answers by status, time-stamp tokens and rejections, certificates issued and revoked,
 *       the CA's own certificates' expiry.
 * </ul>
 */
public final class TrustServer implements AutoCloseable {

    /** How long an OCSP answer stays valid ({@code nextUpdate - thisUpdate}). */
    public static final Duration OCSP_VALIDITY = Duration.ofHours(1);

    private static final String PEM = "application/x-pem-file";

    private final HttpApiServer server;
    private final ComponentMetrics metrics;

    private TrustServer(HttpApiServer server, ComponentMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    public static TrustServer start(CertificateAuthority ca, InetSocketAddress listen, Clock clock, SecureRandom random)
            throws CaException {
        return start(ca, listen, clock, random, AcmeServer.DEFAULT_CHALLENGE_PORT);
    }

    /**
     * As {@link #start(CertificateAuthority, InetSocketAddress, Clock, SecureRandom)}, the ACME
     * server fetching http-01 challenges on {@code acmeChallengePort} instead of 80.
     */
    public static TrustServer start(CertificateAuthority ca, InetSocketAddress listen, Clock clock, SecureRandom random,
                                    int acmeChallengePort) throws CaException {
        ComponentMetrics metrics = null;
        try {
            metrics = new ComponentMetrics("trust");
            TrustMetrics trustMetrics = new TrustMetrics(metrics.registry());
            trustMetrics.watch(ca, clock);
            OcspResponder responder = new OcspResponder(ca.caCertificate(), ca.ocspCertificate(), ca.ocspKey(),
                    ca.statusSource(), clock, OCSP_VALIDITY, trustMetrics);
            TimeStampAuthority tsa = new TimeStampAuthority(ca.tsaCertificate(), List.of(ca.caCertificate()),
                    ca.tsaKey(), clock, random, trustMetrics);
            HttpApiServer.Builder builder = HttpApiServer.builder("trust").bind(listen).maxBodyBytes(64 * 1024);
            metrics.addTo(builder);
            new OcspHttpEndpoints(responder).addTo(builder, "/ocsp");
            new AcmeServer(ca, acmeChallengePort, clock, random).addTo(builder);
            builder.route("POST", "/tsa", new TsaHttpEndpoint(tsa))
                    .route("GET", "/ca.pem", call -> pem(Pem.encode(ca.caCertificate())))
                    .route("GET", "/ocsp.pem", call -> pem(Pem.encode(ca.ocspCertificate())))
                    .route("GET", "/tsa.pem", call -> pem(Pem.encode(ca.tsaCertificate())));
            return new TrustServer(builder.start(), metrics);
        } catch (TokenException e) {
            closeQuietly(metrics);
            throw new CaException("the CA's service keys cannot be used: " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(metrics);
            throw new CaException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(ComponentMetrics metrics) {
        if (metrics != null) {
            metrics.close();
        }
    }

    private static HttpReply pem(String text) {
        return HttpReply.of(200, PEM, text.getBytes(StandardCharsets.US_ASCII));
    }

    public URI baseUri() {
        return server.baseUri();
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Every route served, as {@code "METHOD /template"}. */
    public List<String> routes() {
        return server.routes();
    }

    @Override
    public void close() {
        server.close();
        metrics.close();
    }
}
