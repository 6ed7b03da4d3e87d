package org.xroadng.auditlog.portal.oidc;

import java.time.Instant;
import java.util.Objects;
import org.xroadng.auditlog.portal.PersonalCode;

/**
 * What a verified ID token says: who ({@code sub}, a personal code), by whom ({@code iss}) and
 * until when ({@code exp}).
 *
 * @param nonce the {@code nonce} claim, null if the token has none
 */
public record VerifiedIdToken(PersonalCode subject, String issuer, Instant expiresAt, String nonce) {

    public VerifiedIdToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
