package org.xroadng.registry.witness;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.certs.tsa.TimestampVerifier;
import org.xroadng.certs.tsa.VerifiedTimestamp;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.registry.signer.SignerValidationException;
import org.xroadng.registry.signer.SignerValidator;
import org.xroadng.registry.witness.CheckpointRefusedException.Reason;

/**
 * The checks on a checkpoint submission that need no registry state: the signature and its
 * signer, the payload, the time-stamp token. Thread-safe.
 */
public final class CheckpointVerifier {

    /** RFC 7515 section 7.1: three base64url parts (RFC 4648 section 5, unpadded). */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final JwsVerifier jwsVerifier;
    private final TimestampVerifier timestampVerifier;

    public CheckpointVerifier(Provider provider) {
        Objects.requireNonNull(provider, "provider");
        this.jwsVerifier = new JwsVerifier(provider);
        this.timestampVerifier = new TimestampVerifier(provider);
    }

    /**
     * Returns the checkpoint only when {@code jws} is a compact ES256 JWS (RFC 7515, RFC 7518
     * section 3.4) that verifies with its {@code x5c[0]} certificate, that certificate is a
     * trusted {@code sign} certificate by {@code signers} (approved CA, fresh {@code good} carried
     * OCSP response), and the payload is exactly a {@link Checkpoint} in the form of
     * {@link CheckpointCodec}.
     */
    public SignedCheckpoint verifySignature(String jws, SignerValidator signers) throws CheckpointRefusedException {
        if (!COMPACT_JWS.matcher(jws).matches()) {
            throw new CheckpointRefusedException(Reason.MALFORMED, "checkpoint: expected a compact JWS, three"
                    + " base64url parts separated by dots; actual " + jws.chars().filter(c -> c == '.').count()
                    + " dots" + (jws.chars().allMatch(c -> c == '.' || isBase64Url(c)) ? "" : " and other characters"));
        }
        VerifiedJws verified;
        try {
            verified = jwsVerifier.verify(jws);
        } catch (JwsVerificationException e) {
            throw new CheckpointRefusedException(Reason.BAD_SIGNATURE, "checkpoint " + e.getMessage(), e);
        }
        ValidatedCertificate signer;
        try {
            signer = signers.validate(verified, CertificateProfile.SIGN, "checkpoint signing certificate");
        } catch (SignerValidationException e) {
            Reason reason = switch (e.reason()) {
                case MALFORMED -> Reason.MALFORMED;
                case CERTIFICATE_INVALID -> Reason.CERTIFICATE_INVALID;
                case CERTIFICATE_REVOKED -> Reason.CERTIFICATE_REVOKED;
                case OCSP_STALE_OR_MISSING -> Reason.OCSP_STALE_OR_MISSING;
            };
            throw new CheckpointRefusedException(reason, e.getMessage(), e);
        }
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointCodec.checkpoint(verified.payload());
        } catch (AccessLogFormatException e) {
            throw new CheckpointRefusedException(Reason.MALFORMED, e.getMessage(), e);
        }
        return new SignedCheckpoint(checkpoint, jws, signer.identity());
    }

    /**
     * Returns the verified token only when {@code derToken} is an RFC 3161 time-stamp token whose
     * SHA-256 message imprint is the digest of the ASCII bytes of {@code jws} and which one of
     * {@code approvedTsas} signed (as {@link TimestampVerifier} checks it). A refusal names each
     * approved TSA and why its check failed.
     */
    public VerifiedTimestamp verifyTimestamp(byte[] derToken, String jws, List<X509Certificate> approvedTsas)
            throws CheckpointRefusedException {
        byte[] digest = sha256(jws.getBytes(StandardCharsets.US_ASCII));
        if (approvedTsas.isEmpty()) {
            throw new CheckpointRefusedException(Reason.BAD_TIMESTAMP, "timestamp: expected a token by an approved"
                    + " TSA; actual: this registry approves no TSA yet");
        }
        List<String> failures = new ArrayList<>();
        for (X509Certificate tsa : approvedTsas) {
            try {
                return timestampVerifier.verify(derToken, digest, tsa);
            } catch (TimestampException e) {
                if (e.check() == TimestampException.Check.MALFORMED) {
                    throw new CheckpointRefusedException(Reason.MALFORMED, "timestamp: " + e.getMessage(), e);
                }
                failures.add(tsa.getSubjectX500Principal().getName() + ": " + e.getMessage());
            }
        }
        throw new CheckpointRefusedException(Reason.BAD_TIMESTAMP, "timestamp: expected an RFC 3161 token by an"
                + " approved TSA over SHA-256 of the checkpoint JWS (" + HexFormat.of().formatHex(digest)
                + "); actual a token no approved TSA's check accepts: " + String.join("; ", failures));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static boolean isBase64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
