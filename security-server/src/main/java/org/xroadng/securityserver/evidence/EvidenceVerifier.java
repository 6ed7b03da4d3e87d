package org.xroadng.securityserver.evidence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.ConfigurationVerifier;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.securityserver.message.MessageHashes;
import org.xroadng.securityserver.message.RequestDigest;
import org.xroadng.securityserver.message.ResponseDigest;

/**
 * Checks an {@link EvidenceBundle} offline, trusting nothing but an {@link Anchor}.
 *
 * <p>Guarantees: the result has no failures only when all of these hold:
 * <ol>
 *   <li>{@code configuration}: the global configuration is signed (ES256) by the anchor's pinned
 *       certificate and is for the anchor's instance. Its expiry is not checked: evidence outlives
 *       configurations, and the configuration only says which CAs and TSAs were approved;</li>
 *   <li>for the request and the response ({@link MessageEvidenceCheck}): the JWS verifies with its
 *       {@code x5c} key (for a batch signature, {@link EvidenceSignature}: the root JWS verifies and
 *       is marked as a batch root, and the salted leaf and inclusion path lead to its signed root);
 *       its signed digest names the bundled exchange and {@code bodySha256} is
 *       the hash of the bundled body; the record hash recomputes from the bundled fields; the
 *       record is leaf {@code leafIndex} of its batch's Merkle tree (RFC 9162); the RFC 3161
 *       token over the batch root verifies with an approved TSA's certificate; and, at the token's
 *       genTime, the signing certificate chained to an approved CA, named the signing member and
 *       had a {@code good} OCSP response (carried in the JWS) no older than the configuration's
 *       freshness;</li>
 *   <li>{@code response.requestHash}: the response is signed for exactly the bundled request JWS;
 *       {@code response.prevHash}: the response record links to the request record.</li>
 * </ol>
 * Every part is checked even after a failure, so the result names all that is wrong; a check that
 * needs an earlier part (a verified configuration, a verified time) is skipped when that failed.
 * The clock only bounds the time-stamps: a genTime in the future is refused.
 */
public final class EvidenceVerifier {

    private final Provider provider;
    private final Clock clock;

    public EvidenceVerifier(Provider provider, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Verifies {@code bundle} against {@code anchor}; see the class comment. */
    public EvidenceVerification verify(EvidenceBundle bundle, Anchor anchor) {
        Report report = new Report();
        Trust trust = trust(bundle.configuration(), anchor, report);
        EvidenceBundle.Exchange exchange = bundle.exchange();
        MessageEvidenceCheck check = new MessageEvidenceCheck(provider, clock, new JwsVerifier(provider), trust,
                exchange, report);
        Checked<RequestDigest> request = check.check("request", bundle.request(), RequestDigest.class, true);
        Checked<ResponseDigest> response = check.check("response", bundle.response(), ResponseDigest.class, false);
        if (request.digest() != null) {
            RequestDigest d = request.digest();
            String field = !d.id().equals(exchange.queryId()) ? "id " + d.id() + " (exchange " + exchange.queryId() + ")"
                    : !d.client().format().equals(exchange.client()) ? "client " + d.client().format()
                    : !d.service().format().equals(exchange.service()) ? "service " + d.service().format()
                    : !d.method().equals(exchange.method()) ? "method " + d.method() : null;
            if (field != null) {
                report.fail("request.digest", "the signed request digest has " + field
                        + ", which is not the bundled exchange's");
            }
            memberCheck(report, "request", request, () -> ClientId.parse(exchange.client()).member().format());
        }
        if (response.digest() != null) {
            ResponseDigest d = response.digest();
            if (!d.id().equals(exchange.queryId()) || d.status() != exchange.status()) {
                report.fail("response.digest", "the signed response digest has id " + d.id() + " and status "
                        + d.status() + "; the bundled exchange has " + exchange.queryId() + " and " + exchange.status());
            }
            String expected = MessageHashes.sha256(bundle.request().signature());
            if (!d.requestHash().equals(expected)) {
                report.fail("response.requestHash", "the response is signed for request hash " + d.requestHash()
                        + "; the bundled request JWS hashes to " + expected);
            }
            memberCheck(report, "response", response, () -> ServiceId.parse(exchange.service()).subsystem().member().format());
        }
        if (!bundle.response().prevHash().equalsIgnoreCase(bundle.request().recordHash())) {
            report.fail("response.prevHash", "the response record links to " + bundle.response().prevHash()
                    + "; expected the request's record hash " + bundle.request().recordHash());
        }
        if (report.failures.isEmpty()) {
            report.fact("exchange " + exchange.queryId() + " (" + exchange.side() + " side): " + exchange.client()
                    + " -> " + exchange.service() + ", " + exchange.method() + " " + exchange.path() + ", status "
                    + exchange.status());
        }
        return new EvidenceVerification(report.failures, report.facts);
    }

    private static void memberCheck(Report report, String part, Checked<?> checked,
                                    java.util.function.Supplier<String> expectedMemberOf) {
        if (checked.signerMember() == null) {
            return;
        }
        String expectedMember;
        try {
            expectedMember = expectedMemberOf.get();
        } catch (IllegalArgumentException e) {
            report.fail("exchange", "the exchange names no valid " + (part.equals("request") ? "client" : "service")
                    + ": " + e.getMessage());
            return;
        }
        if (!checked.signerMember().equals(expectedMember)) {
            report.fail(part + ".signer", "the " + part + " is signed by member " + checked.signerMember()
                    + "; expected " + expectedMember);
        }
    }

    private Trust trust(String configuration, Anchor anchor, Report report) {
        GlobalConfiguration conf;
        try {
            conf = new ConfigurationVerifier(anchor, provider).verifyIgnoringExpiry(configuration);
        } catch (ConfigurationException | IllegalArgumentException e) {
            report.fail("configuration", e.getMessage());
            return null;
        }
        List<X509Certificate> cas = new ArrayList<>();
        List<Trust.Tsa> tsas = new ArrayList<>();
        try {
            for (GlobalConfiguration.ApprovedCa ca : conf.approvedCas()) {
                cas.add(certificate(ca.certificate()));
            }
            for (GlobalConfiguration.ApprovedTsa tsa : conf.approvedTsas()) {
                tsas.add(new Trust.Tsa(tsa.url(), certificate(tsa.certificate())));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            report.fail("configuration", "an approved CA or TSA certificate cannot be read: " + e.getMessage());
            return null;
        }
        report.fact("configuration version " + conf.version() + " of instance " + conf.instance() + ", signed by "
                + "the anchor's key, generated " + conf.generatedAt());
        return new Trust(conf, cas, tsas, Duration.ofSeconds(conf.settings().ocspFreshnessSeconds()));
    }

    private static X509Certificate certificate(String base64) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64.strip())));
    }

    /** The approved CAs and TSAs of a verified configuration, parsed. */
    record Trust(GlobalConfiguration configuration, List<X509Certificate> approvedCas, List<Tsa> tsas,
                 Duration ocspFreshness) {
        record Tsa(String url, X509Certificate certificate) {
        }
    }

    /** What one message's checks established: its signed digest (if the JWS verified) and its signer's member. */
    record Checked<T>(T digest, String signerMember) {
    }

    /** Collects failures and facts as the checks run. */
    static final class Report {
        private final List<EvidenceVerification.Failure> failures = new ArrayList<>();
        private final List<String> facts = new ArrayList<>();

        void fail(String part, String reason) {
            failures.add(new EvidenceVerification.Failure(part, reason));
        }

        void fact(String fact) {
            facts.add(fact);
        }
    }

    static <T> T parseDigest(VerifiedJws jws, Class<T> type) throws IOException {
        return ProtocolJson.mapper().readValue(jws.payload(), type);
    }

    static boolean equalHex(byte[] bytes, String hex) {
        try {
            return MessageDigest.isEqual(bytes, HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The latest genTime accepted: the clock plus the clock skew a TSA may have. */
    static Instant latestAcceptable(Clock clock) {
        return clock.instant().plus(Duration.ofMinutes(1));
    }
}
