package org.xroadng.certs.profile;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;

/**
 * The two certificate profiles of DESIGN.md section 4 and the identity each one carries in its
 * subject alternative name (RFC 5280 section 4.2.1.6), as a URI:
 * <ul>
 *   <li>{@code sign}: a member's signing certificate, {@code urn:xroad:member:INSTANCE/CLASS/CODE};
 *   <li>{@code auth}: a security server's TLS certificate,
 *       {@code urn:xroad:server:INSTANCE/CLASS/CODE/SERVERCODE}, plus its DNS name or IP address.
 * </ul>
 */
public enum CertificateProfile {

    SIGN("sign", "urn:xroad:member:"),
    AUTH("auth", "urn:xroad:server:");

    private static final String URN_PREFIX = "urn:xroad:";
    private static final int SAN_URI = 6;

    private final String code;
    private final String uriPrefix;

    CertificateProfile(String code, String uriPrefix) {
        this.code = code;
        this.uriPrefix = uriPrefix;
    }

    /** The profile named {@code sign} or {@code auth}; anything else is refused with the allowed names. */
    public static CertificateProfile parse(String text) {
        for (CertificateProfile profile : values()) {
            if (profile.code.equals(text == null ? null : text.toLowerCase(Locale.ROOT))) {
                return profile;
            }
        }
        throw new IllegalArgumentException("unknown certificate profile '" + text + "'; expected sign or auth");
    }

    public String code() {
        return code;
    }

    /** The identifier type this profile certifies: {@link MemberId} or {@link SecurityServerId}. */
    public Class<? extends XRoadId> identityType() {
        return this == SIGN ? MemberId.class : SecurityServerId.class;
    }

    /** The SAN URI naming {@code identity}; the identity must be of {@link #identityType()}. */
    public String uriFor(XRoadId identity) {
        if (!identityType().isInstance(identity)) {
            throw new IllegalArgumentException("a " + code + " certificate names a "
                    + (this == SIGN ? "member (INSTANCE/CLASS/CODE)" : "security server (INSTANCE/CLASS/CODE/SERVERCODE)")
                    + ", not " + identity.format());
        }
        return uriPrefix + identity.format();
    }

    /** Whether the URI is one of ours ({@code urn:xroad:...}), whatever the profile. */
    public static boolean isXRoadUri(String uri) {
        return uri.startsWith(URN_PREFIX);
    }

    /** The identity a URI of this profile names; refuses a URI of another form. */
    public XRoadId identityFromUri(String uri) throws ProfileException {
        if (!uri.startsWith(uriPrefix)) {
            throw new ProfileException("subject alternative name URI '" + uri + "' is not of the " + code
                    + " profile; expected " + uriPrefix + "...");
        }
        String id = uri.substring(uriPrefix.length());
        try {
            return this == SIGN ? MemberId.parse(id) : SecurityServerId.parse(id);
        } catch (InvalidIdentifierException e) {
            throw new ProfileException("subject alternative name URI '" + uri + "' is malformed: " + e.getMessage());
        }
    }

    /**
     * The identity the certificate carries for this profile: exactly one {@code urn:xroad:} URI in
     * its subject alternative names, of this profile's form.
     */
    public XRoadId identityOf(X509Certificate certificate) throws ProfileException {
        List<String> uris = xroadUris(sanUris(certificate));
        if (uris.size() != 1) {
            throw new ProfileException("certificate " + certificate.getSubjectX500Principal() + " carries "
                    + uris.size() + " urn:xroad: names; expected exactly one " + uriPrefix + "...");
        }
        return identityFromUri(uris.get(0));
    }

    /** The {@code urn:xroad:} URIs among {@code uris}. */
    public static List<String> xroadUris(Collection<String> uris) {
        return uris.stream().filter(CertificateProfile::isXRoadUri).toList();
    }

    private static List<String> sanUris(X509Certificate certificate) throws ProfileException {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            List<String> uris = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    if (((Integer) name.get(0)) == SAN_URI) {
                        uris.add((String) name.get(1));
                    }
                }
            }
            return uris;
        } catch (CertificateParsingException e) {
            throw new ProfileException("certificate subject alternative names cannot be read: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return code;
    }
}
