package org.xroadng.auditlog.portal.oidc;

/**
 * Checks an OpenID Connect ID token (OpenID Connect Core 1.0 section 3.1.3.7) and names the person
 * it authenticates.
 *
 * <p>Security guarantees of an implementation: a returned {@link VerifiedIdToken} came from a token
 * whose JWS signature verifies with a current key of the configured issuer under an allowlisted
 * asymmetric algorithm (never {@code none}, never HMAC), whose {@code iss} is exactly that issuer,
 * whose {@code aud} contains the relying party's client id, whose {@code exp} has not passed and
 * whose {@code iat} is not in the future (both by the injected clock, within a small skew), and
 * whose {@code sub} is a plausible personal code. Anything else is an {@link IdTokenException}
 * naming the reason.
 */
@FunctionalInterface
public interface IdTokenVerifier {

    VerifiedIdToken verify(String idToken) throws IdTokenException;
}
