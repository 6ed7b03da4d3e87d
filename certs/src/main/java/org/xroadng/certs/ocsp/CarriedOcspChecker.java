package org.xroadng.certs.ocsp;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RevocationChecker} over one OCSP response (RFC 6960) that the signer obtained and sent
 * along with its signature, as in the {@code ocsp} protected header parameter of a management
 * request: nothing is fetched, no network is used.
 *
 * <p>Guarantees, beyond those of {@link RevocationChecker}: {@link #check} returns only what the
 * {@link OcspResponseVerifier} accepts for that certificate and issuer at the injected clock's
 * instant, with the verifier's freshness. No nonce is expected (RFC 6960 section 4.4.1 does not
 * apply: we did not make the request), so a replayed response is limited only by that freshness
 * and by its {@code nextUpdate}. A response about any other certificate is refused. Immutable and
 * thread-safe.
 */
public final class CarriedOcspChecker implements RevocationChecker {

    private final byte[] encodedResponse;
    private final OcspResponseVerifier verifier;
    private final Clock clock;

    /** @param encodedResponse the carried DER {@code OCSPResponse}; copied */
    public CarriedOcspChecker(byte[] encodedResponse, OcspResponseVerifier verifier, Clock clock) {
        this.encodedResponse = Objects.requireNonNull(encodedResponse, "encodedResponse").clone();
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public OcspResult check(X509Certificate certificate, X509Certificate issuer) throws OcspException {
        return verifier.verify(encodedResponse, certificate, issuer, clock.instant(), Optional.empty());
    }
}
