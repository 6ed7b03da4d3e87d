package org.xroadng.registry.management;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Pattern;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.protocol.management.AddressChangeRequest;
import org.xroadng.protocol.management.AuthCertDeletionRequest;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ClientChangeRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.protocol.management.OwnerRequest;
import org.xroadng.registry.management.ManagementRequestException.Reason;
import org.xroadng.registry.signer.SignerValidationException;
import org.xroadng.registry.signer.SignerValidator;

/**
 * Verifies a management request as filed at {@code POST /management/requests} (DESIGN.md section
 * 5; wire form in {@link ManagementRequests}): its signatures, its signers' certificates and that
 * the signers are the parties the request speaks for. Registry state (the member exists, the
 * server is registered, the request is no duplicate) is checked elsewhere.
 *
 * <p>Guarantees: {@link #verify} returns a result only when
 * <ul>
 *   <li>the body is a compact JWS (RFC 7515 section 7.1) of at most {@value #MAX_REQUEST_CHARS}
 *       characters, ES256 (RFC 7518 section 3.4), without critical header parameters (we
 *       understand none, RFC 7515 section 4.1.11), whose signature verifies with its
 *       {@code x5c[0]} certificate;
 *   <li>that certificate, with the rest of {@code x5c}, chains to one of the approved CAs, is a
 *       {@code sign} certificate valid at the clock's instant, and the DER OCSP response carried in
 *       its protected header parameter {@code ocsp} is a verified {@code good} status for it no
 *       older than the given freshness (RFC 6960; no nonce, the signer fetched it);
 *   <li>for {@code clientReg}: the payload is exactly a {@link ClientRegRequest} as strict JSON
 *       and the signer's member is the client subsystem's member;
 *   <li>for {@code clientDeletion}, {@code clientDisable}, {@code clientEnable},
 *       {@code authCertDeletion} and {@code addressChange} ({@link OwnerRequest}): the payload is
 *       exactly such a request as strict JSON and the signer's member is the server's owner as the
 *       given {@link ServerOwners} records it (after an approved {@code ownerChange}, the new owner,
 *       not the member the server's identifier names);
 *   <li>for {@code ownerChange} ({@link OwnerChangeRequest}, PR-MSERV section 2.5): the payload is
 *       exactly such a request as strict JSON and the signer's member is the new owner it names;
 *   <li>for {@code authCertReg}: the payload is itself such a JWS, signed by the key of its own
 *       {@code x5c[0]} (proof of possession), which is the DER certificate the inner
 *       {@link AuthCertRegRequest} names, is an {@code auth} certificate for
 *       {@code request.server()} under the same CA and OCSP rules, and the outer signer is the
 *       server's owner ({@link ServerOwners});
 *   <li>{@code requestedAt} is within {@link #REQUEST_TIME_WINDOW} of the clock, either way, so a
 *       captured request cannot be replayed later (within the window, duplicates are a registry
 *       state matter).
 * </ul>
 * Anything else is a {@link ManagementRequestException} whose reason names the failed check. One
 * instant of the clock is used for the whole verification. Thread-safe.
 */
public final class ManagementRequestVerifier {

    /** How far {@code requestedAt} may be from the registry's clock, in the past or the future. */
    public static final Duration REQUEST_TIME_WINDOW = Duration.ofMinutes(10);

    /** The longest body accepted: a chain, two certificates and two OCSP responses fit many times. */
    public static final int MAX_REQUEST_CHARS = 64 * 1024;

    /** RFC 7515 section 7.1: three base64url parts (RFC 4648 section 5, unpadded); the payload may be empty. */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+");

    /** The request types answered by a bare JSON payload, in the order error messages list them. */
    private static final String OWNER_TYPES = String.join(", ", ClientRegRequest.TYPE, ClientChangeRequest.DELETION,
            ClientChangeRequest.DISABLE, ClientChangeRequest.ENABLE, AuthCertDeletionRequest.TYPE,
            AddressChangeRequest.TYPE, OwnerChangeRequest.TYPE);

    private final Provider provider;
    private final Clock clock;
    private final JwsVerifier jwsVerifier;

    public ManagementRequestVerifier(Provider provider, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jwsVerifier = new JwsVerifier(provider);
    }

    /**
     * Verifies a request about a server owned by the member its identifier names (no
     * {@code ownerChange} approved for it).
     *
     * @param approvedCas   the approved CA certificates (global configuration)
     * @param ocspFreshness the greatest accepted age of a carried OCSP response ({@code ocspFreshnessSeconds}); positive
     */
    public VerifiedManagementRequest verify(String compactJws, Collection<X509Certificate> approvedCas,
                                            Duration ocspFreshness) throws ManagementRequestException {
        return verify(compactJws, approvedCas, ocspFreshness, ServerOwners.AS_IDENTIFIED);
    }

    /**
     * @param approvedCas   the approved CA certificates (global configuration)
     * @param ocspFreshness the greatest accepted age of a carried OCSP response ({@code ocspFreshnessSeconds}); positive
     * @param owners        who owns each server now: whose signing key signs its requests about itself
     */
    public VerifiedManagementRequest verify(String compactJws, Collection<X509Certificate> approvedCas,
                                            Duration ocspFreshness, ServerOwners owners)
            throws ManagementRequestException {
        Objects.requireNonNull(approvedCas, "approvedCas");
        Objects.requireNonNull(owners, "owners");
        SignerValidator signers = SignerValidator.at(provider, approvedCas, ocspFreshness, clock.instant());
        requireCompactJws(compactJws, "request body");
        VerifiedJws outer = verifySignature(compactJws, Reason.BAD_SIGNATURE, "request signature");
        String innerJws = asCompactJws(outer.payload());
        if (innerJws != null) {
            return verifyAuthCertReg(outer, innerJws, signers, owners);
        }
        JsonNode payload = RequestPayloads.object(outer.payload(), "request payload");
        String type = RequestPayloads.type(payload, "request payload");
        return switch (type) {
            case ClientRegRequest.TYPE -> verifyClientReg(outer, payload, signers);
            case ClientChangeRequest.DELETION, ClientChangeRequest.DISABLE, ClientChangeRequest.ENABLE ->
                    verifyOwnerRequest(outer, RequestPayloads.bind(payload, ClientChangeRequest.class,
                            type + " payload"), signers, owners);
            case AuthCertDeletionRequest.TYPE -> verifyOwnerRequest(outer, RequestPayloads.bind(payload,
                    AuthCertDeletionRequest.class, type + " payload"), signers, owners);
            case AddressChangeRequest.TYPE -> verifyOwnerRequest(outer, RequestPayloads.bind(payload,
                    AddressChangeRequest.class, type + " payload"), signers, owners);
            case OwnerChangeRequest.TYPE -> verifyOwnerChange(outer, RequestPayloads.bind(payload,
                    OwnerChangeRequest.class, type + " payload"), signers);
            case AuthCertRegRequest.TYPE -> throw new ManagementRequestException(Reason.PROOF_OF_POSSESSION,
                    "authCertReg payload: expected a JWS signed by the new auth key around the JSON; actual bare JSON"
                            + " signed only by " + outer.signer().getSubjectX500Principal());
            default -> throw new ManagementRequestException(Reason.UNKNOWN_TYPE, "request type: expected one of "
                    + OWNER_TYPES + ", or " + AuthCertRegRequest.TYPE + " inside a proof-of-possession JWS;"
                    + " actual '" + type + "'");
        };
    }

    private VerifiedClientReg verifyClientReg(VerifiedJws outer, JsonNode payload, SignerValidator signers)
            throws ManagementRequestException {
        ClientRegRequest request = RequestPayloads.bind(payload, ClientRegRequest.class, "clientReg payload");
        requireTimely(request.requestedAt(), signers.instant());
        ValidatedCertificate signer = validate(outer, CertificateProfile.SIGN, signers, "member signing certificate");
        MemberId expected = request.client().member();
        if (!expected.equals(signer.identity())) {
            throw new ManagementRequestException(Reason.SIGNER_MISMATCH, "clientReg signer: expected the signing"
                    + " certificate of " + expected + ", the member of client " + request.client()
                    + "; actual a certificate of " + signer.identity());
        }
        return new VerifiedClientReg(request, outer.signer());
    }

    /** The owner's request about its server: signed by a signing certificate of the server's owner. */
    private VerifiedOwnerRequest verifyOwnerRequest(VerifiedJws outer, OwnerRequest request, SignerValidator signers,
                                                    ServerOwners owners) throws ManagementRequestException {
        requireTimely(request.requestedAt(), signers.instant());
        ValidatedCertificate signer = validate(outer, CertificateProfile.SIGN, signers, "owner signing certificate");
        MemberId expected = owners.ownerOf(request.server());
        if (!expected.equals(signer.identity())) {
            throw new ManagementRequestException(Reason.SIGNER_MISMATCH, request.type() + " signer: expected the"
                    + " signing certificate of " + expected + ", the owner of server " + request.server()
                    + "; actual a certificate of " + signer.identity());
        }
        return new VerifiedOwnerRequest(request, expected, outer.signer());
    }

    /** PR-MSERV section 2.5: the member taking the server over signs the request. */
    private VerifiedOwnerChange verifyOwnerChange(VerifiedJws outer, OwnerChangeRequest request,
                                                  SignerValidator signers) throws ManagementRequestException {
        requireTimely(request.requestedAt(), signers.instant());
        ValidatedCertificate signer = validate(outer, CertificateProfile.SIGN, signers,
                "new owner signing certificate");
        if (!request.newOwner().equals(signer.identity())) {
            throw new ManagementRequestException(Reason.SIGNER_MISMATCH, "ownerChange signer: expected the signing"
                    + " certificate of " + request.newOwner() + ", the new owner it names for server "
                    + request.server() + "; actual a certificate of " + signer.identity());
        }
        return new VerifiedOwnerChange(request, outer.signer());
    }

    private VerifiedAuthCertReg verifyAuthCertReg(VerifiedJws outer, String innerJws, SignerValidator signers,
                                                  ServerOwners owners) throws ManagementRequestException {
        VerifiedJws inner = verifySignature(innerJws, Reason.PROOF_OF_POSSESSION, "proof of possession");
        JsonNode payload = RequestPayloads.object(inner.payload(), "authCertReg payload");
        String type = RequestPayloads.type(payload, "authCertReg payload");
        if (!AuthCertRegRequest.TYPE.equals(type)) {
            throw new ManagementRequestException(Reason.MALFORMED, "proof-of-possession payload type: expected "
                    + AuthCertRegRequest.TYPE + "; actual '" + type + "'");
        }
        AuthCertRegRequest request = RequestPayloads.bind(payload, AuthCertRegRequest.class, "authCertReg payload");
        requireNamedCertificateSigned(request, inner.signer());
        requireTimely(request.requestedAt(), signers.instant());
        ValidatedCertificate owner = validate(outer, CertificateProfile.SIGN, signers, "owner signing certificate");
        ValidatedCertificate auth = validate(inner, CertificateProfile.AUTH, signers, "auth certificate");
        SecurityServerId server = request.server();
        if (!server.equals(auth.identity())) {
            throw new ManagementRequestException(Reason.IDENTITY_MISMATCH, "auth certificate: expected one for"
                    + " security server " + server + "; actual one for " + auth.identity());
        }
        MemberId expectedOwner = owners.ownerOf(server);
        if (!expectedOwner.equals(owner.identity())) {
            throw new ManagementRequestException(Reason.SIGNER_MISMATCH, "authCertReg signer: expected the signing"
                    + " certificate of " + expectedOwner + ", the owner of " + server + "; actual a certificate of "
                    + owner.identity());
        }
        return VerifiedAuthCertReg.of(request, inner.signer(), outer.signer(), expectedOwner);
    }

    /** The inner JWS proves possession of the key of the certificate the request registers. */
    private static void requireNamedCertificateSigned(AuthCertRegRequest request, X509Certificate signer)
            throws ManagementRequestException {
        byte[] named;
        try {
            named = Base64.getDecoder().decode(request.authCertificate());
        } catch (IllegalArgumentException e) {
            throw new ManagementRequestException(Reason.MALFORMED, "authCertReg payload: expected field"
                    + " 'authCertificate' as base64 DER; actual " + e.getMessage());
        }
        byte[] signed;
        try {
            signed = signer.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new ManagementRequestException(Reason.MALFORMED, "proof-of-possession signer certificate"
                    + " cannot be DER-encoded", e);
        }
        if (!Arrays.equals(named, signed)) {
            throw new ManagementRequestException(Reason.PROOF_OF_POSSESSION, "proof of possession: expected a"
                    + " signature by the key of the auth certificate the request names; actual a signature by "
                    + signer.getSubjectX500Principal() + " (serial " + signer.getSerialNumber().toString(16)
                    + "), another certificate");
        }
    }

    private static void requireTimely(Instant requestedAt, Instant now) throws ManagementRequestException {
        Duration offset = Duration.between(now, requestedAt);
        if (offset.abs().compareTo(REQUEST_TIME_WINDOW) > 0) {
            throw new ManagementRequestException(Reason.REQUEST_TIME_OUT_OF_WINDOW, "requestedAt: expected within "
                    + REQUEST_TIME_WINDOW + " of the registry's time " + now + "; actual " + requestedAt + " ("
                    + (offset.isNegative() ? offset.negated() + " before" : offset + " after") + ")");
        }
    }

    /** Validates the JWS's signer certificate with the OCSP response it carries. */
    private static ValidatedCertificate validate(VerifiedJws jws, CertificateProfile profile, SignerValidator signers,
                                                 String what) throws ManagementRequestException {
        try {
            return signers.validate(jws, profile, what);
        } catch (SignerValidationException e) {
            Reason reason = switch (e.reason()) {
                case MALFORMED -> Reason.MALFORMED;
                case CERTIFICATE_INVALID -> Reason.CERTIFICATE_INVALID;
                case CERTIFICATE_REVOKED -> Reason.CERTIFICATE_REVOKED;
                case OCSP_STALE_OR_MISSING -> Reason.OCSP_STALE_OR_MISSING;
            };
            throw new ManagementRequestException(reason, e.getMessage(), e);
        }
    }

    private VerifiedJws verifySignature(String compact, Reason reason, String what) throws ManagementRequestException {
        VerifiedJws verified;
        try {
            verified = jwsVerifier.verify(compact);
        } catch (JwsVerificationException e) {
            throw new ManagementRequestException(reason, what + ": " + e.getMessage(), e);
        }
        if (verified.header().getCriticalParams() != null && !verified.header().getCriticalParams().isEmpty()) {
            throw new ManagementRequestException(Reason.MALFORMED, what + ": expected no critical header"
                    + " parameters; actual crit " + verified.header().getCriticalParams());
        }
        return verified;
    }

    private static void requireCompactJws(String body, String what) throws ManagementRequestException {
        if (body == null || body.isEmpty()) {
            throw new ManagementRequestException(Reason.MALFORMED, what + ": expected a compact JWS; actual nothing");
        }
        if (body.length() > MAX_REQUEST_CHARS) {
            throw new ManagementRequestException(Reason.MALFORMED, what + ": expected at most " + MAX_REQUEST_CHARS
                    + " characters; actual " + body.length());
        }
        if (!COMPACT_JWS.matcher(body).matches()) {
            throw new ManagementRequestException(Reason.MALFORMED, what + ": expected a compact JWS, three"
                    + " base64url parts separated by dots; actual " + body.chars().filter(c -> c == '.').count()
                    + " dots" + (body.chars().allMatch(c -> c == '.' || isBase64Url(c)) ? "" : " and other characters"));
        }
    }

    /**
     * The payload as a compact JWS when it is one (a JSON object header, so it starts with
     * {@code eyJ}, RFC 7515 section 7.1), else null: it is then to be read as JSON.
     */
    private static String asCompactJws(byte[] payload) {
        if (payload.length < 3 || payload[0] != 'e' || payload[1] != 'y' || payload[2] != 'J') {
            return null;
        }
        String text = new String(payload, StandardCharsets.US_ASCII);
        return COMPACT_JWS.matcher(text).matches() ? text : null;
    }

    private static boolean isBase64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
