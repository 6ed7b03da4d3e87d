package org.xroadng.protocol.globalconf;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;

/**
 * Decides whether a signed global configuration (DESIGN.md section 5) may be acted on, given the
 * anchor that pins the registry's configuration signing certificate.
 *
 * <p>Security guarantees: {@link #verify} returns a configuration only when all of these hold,
 * checked in this order, the first failure being the one reported:
 * <ol>
 *   <li>the input, less surrounding white space, is a compact JWS (RFC 7515 section 7.1), else {@link Reason#MALFORMED};</li>
 *   <li>its algorithm is ES256 and its signature verifies with the key of {@code x5c[0]}
 *       (RFC 7518 section 3.4; {@code none}, HMAC and all else refused), else
 *       {@link Reason#BAD_SIGNATURE};</li>
 *   <li>{@code x5c[0]} is byte for byte one of the anchor's certificates (the current one, or the
 *       next one while the registry rotates its key), else {@link Reason#WRONG_SIGNER}: any other
 *       certificate is refused, however valid its signature;</li>
 *   <li>the payload is a global configuration, else {@link Reason#MALFORMED};</li>
 *   <li>its instance is the anchor's, else {@link Reason#WRONG_INSTANCE};</li>
 *   <li>its {@code expiresAt} is after {@code now}, else {@link Reason#EXPIRED}.</li>
 * </ol>
 * It does not check versions: that needs the history kept by {@link ConfigurationClient}.
 * Thread-safe.
 */
public final class ConfigurationVerifier {

    /** A verified configuration and the anchor certificate (base64 DER, as in the anchor) whose key signed it. */
    public record Verified(GlobalConfiguration configuration, String signer) {
    }

    private final Anchor anchor;
    private final List<byte[]> pinnedCertificates = new ArrayList<>();
    private final String pinnedFingerprints;
    private final JwsVerifier jwsVerifier;

    /**
     * @param anchor   a validated anchor (see {@link AnchorFile#read}); a certificate that is not
     *                 base64 is an {@link IllegalArgumentException}
     * @param provider the JCA provider that verifies the ES256 signature
     */
    public ConfigurationVerifier(Anchor anchor, Provider provider) {
        this.anchor = Objects.requireNonNull(anchor, "anchor");
        for (String certificate : anchor.signingCertificates()) {
            try {
                pinnedCertificates.add(Base64.getDecoder().decode(certificate.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("anchor certificate is not base64: " + e.getMessage(), e);
            }
        }
        this.pinnedFingerprints = pinnedCertificates.stream().map(AnchorFile::fingerprint)
                .collect(Collectors.joining(" or "));
        this.jwsVerifier = new JwsVerifier(Objects.requireNonNull(provider, "provider"));
    }

    /** The anchor this verifier trusts. */
    public Anchor anchor() {
        return anchor;
    }

    /** Verifies the signed configuration as described in the class comment, at time {@code now}. */
    public GlobalConfiguration verify(String compactJws, Instant now) throws ConfigurationException {
        return verified(compactJws, now).configuration();
    }

    /**
     * Every check of {@link #verify} but the expiry: for a cached copy that still sets the version
     * floor after it has expired, and for the configuration kept with old evidence, which proves
     * what was approved when the evidence was made rather than what is approved now.
     */
    public GlobalConfiguration verifyIgnoringExpiry(String signed) throws ConfigurationException {
        return verifiedIgnoringExpiry(signed).configuration();
    }

    /** As {@link #verify}, also naming which of the anchor's certificates signed it. */
    public Verified verified(String compactJws, Instant now) throws ConfigurationException {
        Objects.requireNonNull(now, "now");
        Verified verified = verifiedIgnoringExpiry(compactJws);
        GlobalConfiguration configuration = verified.configuration();
        if (configuration.isExpiredAt(now)) {
            throw new ConfigurationException(Reason.EXPIRED, "configuration version " + configuration.version()
                    + " expired at " + configuration.expiresAt() + "; now is " + now,
                    "expiresAt after " + now, configuration.expiresAt().toString(), null);
        }
        return verified;
    }

    private Verified verifiedIgnoringExpiry(String signed) throws ConfigurationException {
        // Surrounding white space (a trailing newline from a file or a server) is not part of the JWS.
        String compactJws = signed == null ? null : signed.strip();
        requireCompactForm(compactJws);
        VerifiedJws jws;
        try {
            jws = jwsVerifier.verify(compactJws);
        } catch (JwsVerificationException e) {
            throw new ConfigurationException(Reason.BAD_SIGNATURE, "configuration " + e.getMessage(), e);
        }
        byte[] signer;
        try {
            signer = jws.signer().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new ConfigurationException(Reason.WRONG_SIGNER, "configuration signer certificate cannot be encoded", e);
        }
        int pinned = -1;
        for (int i = 0; i < pinnedCertificates.size() && pinned < 0; i++) {
            if (MessageDigest.isEqual(pinnedCertificates.get(i), signer)) {
                pinned = i;
            }
        }
        if (pinned < 0) {
            String actual = AnchorFile.fingerprint(signer);
            throw new ConfigurationException(Reason.WRONG_SIGNER, "configuration is signed by "
                    + jws.signer().getSubjectX500Principal() + " (certificate SHA-256 " + actual
                    + "); expected the anchor's certificate (SHA-256 " + pinnedFingerprints + ")",
                    pinnedFingerprints, actual, null);
        }
        GlobalConfiguration configuration;
        try {
            configuration = GlobalConfigurationCodec.fromJson(jws.payload());
        } catch (IOException e) {
            throw new ConfigurationException(Reason.MALFORMED, "signed payload is " + e.getMessage(), e);
        }
        if (!configuration.instance().equals(anchor.instance())) {
            throw new ConfigurationException(Reason.WRONG_INSTANCE, "configuration is for instance '"
                    + configuration.instance() + "'; expected the anchor's instance '" + anchor.instance() + "'",
                    anchor.instance(), configuration.instance(), null);
        }
        return new Verified(configuration, anchor.signingCertificates().get(pinned));
    }

    /** RFC 7515 section 7.1: three base64url parts separated by '.'; anything else is not a signed configuration. */
    private static void requireCompactForm(String compactJws) throws ConfigurationException {
        if (compactJws == null || compactJws.isBlank()) {
            throw new ConfigurationException(Reason.MALFORMED, "configuration is empty; expected a compact JWS");
        }
        int parts = 1;
        for (int i = 0; i < compactJws.length(); i++) {
            char c = compactJws.charAt(i);
            if (c == '.') {
                parts++;
            } else if (!isBase64Url(c)) {
                throw new ConfigurationException(Reason.MALFORMED, "configuration is not a compact JWS: it contains "
                        + (c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c))
                        + " at position " + (i + 1) + "; expected only base64url characters and '.'");
            }
        }
        if (parts != 3) {
            throw new ConfigurationException(Reason.MALFORMED, "configuration is not a compact JWS: it has "
                    + parts + " dot-separated part" + (parts == 1 ? "" : "s") + "; expected 3");
        }
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
