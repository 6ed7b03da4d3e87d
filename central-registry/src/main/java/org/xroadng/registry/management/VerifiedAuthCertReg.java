package org.xroadng.registry.management;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.management.AuthCertRegRequest;

/**
 * A verified {@code authCertReg}: the auth certificate signed the request (proof of possession),
 * is valid for {@code request.server()}, and the owner's signing certificate, valid for
 * {@code owner} (the server's owner as the registry records it, {@link ServerOwners}), signed it again.
 *
 * <p>Created only consistent: the auth certificate is the one the request names, and
 * {@code authCertificateSha256Hex} is the lowercase hex SHA-256 of its DER encoding (the hash the
 * registry stores for the server, DESIGN.md section 5).
 */
public record VerifiedAuthCertReg(AuthCertRegRequest request, X509Certificate authCertificate,
                                  X509Certificate ownerSigningCertificate, String authCertificateSha256Hex,
                                  MemberId owner)
        implements VerifiedManagementRequest {

    public VerifiedAuthCertReg {
        Objects.requireNonNull(request, "request");
        owner = owner == null ? request.server().owner() : owner;
        Objects.requireNonNull(authCertificate, "authCertificate");
        Objects.requireNonNull(ownerSigningCertificate, "ownerSigningCertificate");
        Objects.requireNonNull(authCertificateSha256Hex, "authCertificateSha256Hex");
        byte[] der = derOf(authCertificate);
        if (!request.authCertificate().equals(Base64.getEncoder().encodeToString(der))) {
            throw new IllegalArgumentException("authCertificate " + authCertificate.getSubjectX500Principal()
                    + " is not the certificate the request names");
        }
        String expected = sha256Hex(der);
        if (!expected.equals(authCertificateSha256Hex)) {
            throw new IllegalArgumentException("authCertificateSha256Hex is '" + authCertificateSha256Hex
                    + "'; expected " + expected + ", the SHA-256 of the auth certificate");
        }
    }

    /** A verified request with the auth certificate's hash computed. */
    static VerifiedAuthCertReg of(AuthCertRegRequest request, X509Certificate authCertificate,
                                  X509Certificate ownerSigningCertificate) {
        return of(request, authCertificate, ownerSigningCertificate, request.server().owner());
    }

    static VerifiedAuthCertReg of(AuthCertRegRequest request, X509Certificate authCertificate,
                                  X509Certificate ownerSigningCertificate, MemberId owner) {
        return new VerifiedAuthCertReg(request, authCertificate, ownerSigningCertificate,
                sha256Hex(derOf(authCertificate)), owner);
    }

    /** A request for a server owned by the member its identifier names. */
    public VerifiedAuthCertReg(AuthCertRegRequest request, X509Certificate authCertificate,
                               X509Certificate ownerSigningCertificate, String authCertificateSha256Hex) {
        this(request, authCertificate, ownerSigningCertificate, authCertificateSha256Hex, null);
    }

    @Override
    public String type() {
        return AuthCertRegRequest.TYPE;
    }

    @Override
    public SecurityServerId server() {
        return request.server();
    }

    /** The owner of the server, whose signing certificate signed the request. */
    @Override
    public MemberId signer() {
        return owner;
    }

    @Override
    public Instant requestedAt() {
        return request.requestedAt();
    }

    private static byte[] derOf(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("auth certificate cannot be DER-encoded", e);
        }
    }

    private static String sha256Hex(byte[] der) {
        try {
            // SHA-256 is one of the algorithms every Java platform must implement.
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
