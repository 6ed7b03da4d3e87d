package org.xroadng.securityserver.message;

import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.ocsp.OcspResult;
import org.xroadng.certs.ocsp.OcspTransport;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * The OCSP responses for this server's own certificates, fetched from their CAs ahead of time (on
 * a schedule, never on the message path) and carried in every signature, so that peers can check
 * the status without asking the CA themselves. A response is replaced well before peers would find
 * it stale: every refresh fetches anew.
 */
public final class OwnOcspResponses {

    private static final Logger LOG = LoggerFactory.getLogger(OwnOcspResponses.class);

    private final ServerIdentity identity;
    private final GlobalConfHolder globalConf;
    private final OcspTransport transport;
    private final Clock clock;
    private final Provider provider;
    private final SecureRandom random;
    private final Map<X509Certificate, Status> responses = new ConcurrentHashMap<>();

    /** A current response, also in the form signatures carry it. */
    private record Status(OcspResult result, String base64) {
    }

    public OwnOcspResponses(ServerIdentity identity, GlobalConfHolder globalConf, OcspTransport transport, Clock clock,
                            Provider provider, SecureRandom random) {
        this.identity = identity;
        this.globalConf = globalConf;
        this.transport = transport;
        this.clock = clock;
        this.provider = provider;
        this.random = random;
    }

    /** Fetches a fresh response for every own certificate; keeps the previous one where that fails. */
    public void refresh() {
        TrustedConfiguration trusted;
        try {
            trusted = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF);
        } catch (ExchangeException e) {
            LOG.warn("OCSP responses not refreshed: {}", e.getMessage());
            return;
        }
        // A new client per round: its cache must not hand back the previous round's response.
        OcspClient client = new OcspClient(transport, clock, trusted.ocspFreshness(), provider, random);
        for (X509Certificate certificate : identity.ownCertificates()) {
            Optional<X509Certificate> issuer = trusted.issuerOf(certificate);
            if (issuer.isEmpty()) {
                LOG.warn("certificate {} was not issued by an approved CA; no OCSP response fetched",
                        certificate.getSubjectX500Principal());
                continue;
            }
            try {
                OcspResult result = client.check(certificate, issuer.get());
                responses.put(certificate, new Status(result, Base64.getEncoder().encodeToString(result.encoded())));
            } catch (OcspException e) {
                LOG.warn("OCSP response for {} not refreshed: {}", certificate.getSubjectX500Principal(), e.getMessage());
            }
        }
    }

    /**
     * The base64 DER response to carry with a signature by {@code certificate}: it must say good and
     * be younger than the freshness peers apply; otherwise a {@link MessageSigningException} of
     * {@link MessageSigningException.Reason#CERTIFICATE_STATUS_UNAVAILABLE}.
     */
    public String forSignature(X509Certificate certificate, Duration freshness) throws MessageSigningException {
        Status status = responses.get(certificate);
        if (status == null) {
            throw unavailable("no OCSP response has been obtained yet for this server's"
                    + " certificate " + certificate.getSubjectX500Principal() + "; is the CA's OCSP responder reachable?");
        }
        if (status.result().status() != OcspResult.Status.GOOD) {
            throw unavailable("this server's certificate "
                    + certificate.getSubjectX500Principal() + " is " + status.result().status().name().toLowerCase()
                    + " according to its CA");
        }
        if (status.result().thisUpdate().plus(freshness).isBefore(clock.instant())) {
            throw unavailable("the OCSP response for this server's certificate "
                    + certificate.getSubjectX500Principal() + " dates from " + status.result().thisUpdate()
                    + " and is no longer fresh; is the CA's OCSP responder reachable?");
        }
        return status.base64();
    }

    /** The key a signature is made with, and the OCSP response it carries. */
    public record Chosen(ServerIdentity.MemberKey key, String ocspResponse) {
    }

    /**
     * Of a member's signing keys (newest certificate first), the first whose certificate is valid
     * now and has a response {@link #forSignature} accepts: during a rotation the new key is used
     * from the moment its certificate can sign, and the old one until then, so no signature
     * waits or fails for the switch.
     *
     * @throws MessageSigningException {@code NO_SIGNING_KEY} when there is none, else why the
     *                                 newest cannot sign
     */
    public Chosen choose(MemberId member, List<ServerIdentity.MemberKey> keys, Duration freshness)
            throws MessageSigningException {
        if (keys.isEmpty()) {
            throw new MessageSigningException(MessageSigningException.Reason.NO_SIGNING_KEY,
                    "this security server holds no signing certificate for member " + member.format());
        }
        MessageSigningException first = null;
        Instant now = clock.instant();
        for (ServerIdentity.MemberKey key : keys) {
            X509Certificate certificate = key.chain().get(0);
            if (keys.size() > 1 && (now.isBefore(certificate.getNotBefore().toInstant())
                    || !now.isBefore(certificate.getNotAfter().toInstant()))) {
                continue; // another key can sign: one outside its validity is not tried
            }
            try {
                return new Chosen(key, forSignature(certificate, freshness));
            } catch (MessageSigningException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first == null) {
            ServerIdentity.MemberKey newest = keys.get(0);
            return new Chosen(newest, forSignature(newest.chain().get(0), freshness));
        }
        throw first;
    }

    /**
     * When the oldest of the current responses for the server's own certificates was produced (its
     * {@code thisUpdate}), for monitoring; empty while some certificate has none at all (which
     * {@link #problem} reports).
     */
    public Optional<Instant> oldestResponse() {
        Instant oldest = null;
        for (X509Certificate certificate : identity.ownCertificates()) {
            Status status = responses.get(certificate);
            if (status == null) {
                return Optional.empty();
            }
            Instant produced = status.result().thisUpdate();
            oldest = oldest == null || produced.isBefore(oldest) ? produced : oldest;
        }
        return Optional.ofNullable(oldest);
    }

    /**
     * Why a signature by one of the server's certificates could not carry an OCSP response now,
     * if it could not; empty while every certificate has a fresh good response (or while there is
     * no valid global configuration to judge freshness by, a problem of its own).
     */
    public Optional<String> problem() {
        TrustedConfiguration trusted;
        try {
            trusted = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF);
        } catch (ExchangeException e) {
            return Optional.empty();
        }
        for (X509Certificate certificate : identity.ownCertificates()) {
            try {
                forSignature(certificate, trusted.ocspFreshness());
            } catch (MessageSigningException e) {
                return Optional.of(e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static MessageSigningException unavailable(String message) {
        return new MessageSigningException(MessageSigningException.Reason.CERTIFICATE_STATUS_UNAVAILABLE, message);
    }
}
