package org.xroadng.registry.management;

import java.time.Instant;
import java.util.Objects;

/**
 * One signature of a filed management request as an operator reviews it before deciding: what the
 * signature stands for, who signed (the X-Road identity in the certificate's SAN), the signing
 * certificate's subject, issuer, serial and validity, and the OCSP status the signer carried,
 * checked again against the issuing CA as of the moment the registry received the request.
 *
 * @param part            {@code signer} (the member's signing key) or {@code proofOfPossession} (the
 *                        new auth key, {@code authCertReg} only)
 * @param identity        the {@code urn:xroad:...} SAN, or empty text when the certificate has none
 * @param ocspStatus      {@code good}, {@code revoked}, {@code unknown}, or {@code unverifiable}
 * @param ocspProducedFor the OCSP response's {@code thisUpdate}; null when unverifiable
 * @param problem         why the OCSP response or the signature cannot be checked now; empty when it can
 */
public record SignatureProof(String part, String identity, String subject, String issuer, String serialHex,
                             Instant notBefore, Instant notAfter, String ocspStatus, Instant ocspProducedFor,
                             String problem) {

    public SignatureProof {
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(ocspStatus, "ocspStatus");
        Objects.requireNonNull(problem, "problem");
    }
}
