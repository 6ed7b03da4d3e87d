package org.xroadng.certs.acme;

import java.util.Locale;
import java.util.regex.Pattern;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;

/**
 * One identifier of an ACME order (RFC 8555 section 7.1.3). Three types:
 * <ul>
 *   <li>{@code xroad}: the {@code urn:xroad:member:...} or {@code urn:xroad:server:...} URI the
 *       certificate will carry in its subject alternative names, so the order names the X-Road
 *       identity exactly as the certificate asserts it (a type of our own; RFC 8555 section 9.7.7
 *       leaves the registry open);
 *   <li>{@code dns}: a DNS name of a security server (RFC 8555 section 9.7.7), for an
 *       authentication certificate;
 *   <li>{@code ip}: an IP address of a security server (RFC 8738).
 * </ul>
 * Values are checked when created: a bad one is an {@link IllegalArgumentException} whose message
 * says what was wrong.
 */
public record AcmeIdentifier(String type, String value) {

    public static final String XROAD = "xroad";
    public static final String DNS = "dns";
    public static final String IP = "ip";

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]{2,39}");

    public AcmeIdentifier {
        if (type == null || value == null) {
            throw new IllegalArgumentException("an identifier needs a type and a value");
        }
        switch (type) {
            case XROAD -> identity(value);
            case DNS -> {
                if (!DNS_NAME.matcher(value).matches()) {
                    throw new IllegalArgumentException("'" + printable(value) + "' is not a lower-case DNS name"
                            + " (letters, digits, hyphens, dot-separated labels of at most 63 characters)");
                }
            }
            case IP -> {
                if (!IPV4.matcher(value).matches() && !(value.contains(":") && IPV6.matcher(value).matches())) {
                    throw new IllegalArgumentException("'" + printable(value) + "' is not an IPv4 or IPv6 address");
                }
            }
            default -> throw new IllegalArgumentException("identifier type '" + printable(type)
                    + "' is not supported; expected xroad, dns or ip");
        }
    }

    /** The {@code xroad} identifier naming {@code identity}: a member (sign) or a security server (auth). */
    public static AcmeIdentifier of(XRoadId identity) {
        CertificateProfile profile = identity instanceof MemberId ? CertificateProfile.SIGN : CertificateProfile.AUTH;
        return new AcmeIdentifier(XROAD, profile.uriFor(identity));
    }

    /** A {@code dns} or {@code ip} identifier for a host name or address. */
    public static AcmeIdentifier host(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return IPV4.matcher(lower).matches() || lower.contains(":") ? new AcmeIdentifier(IP, lower)
                : new AcmeIdentifier(DNS, lower);
    }

    /**
     * The identifiers a PKCS#10 request (DER) asks to be certified: its {@code urn:xroad:} URIs
     * first, then its DNS names and IP addresses; what an order for it must name.
     */
    public static java.util.List<AcmeIdentifier> requestedBy(byte[] csrDer) throws AcmeException {
        CsrNames names = CsrNames.of(csrDer);
        java.util.List<AcmeIdentifier> out = new java.util.ArrayList<>();
        for (String uri : names.uris()) {
            try {
                out.add(new AcmeIdentifier(XROAD, uri));
            } catch (IllegalArgumentException e) {
                throw new AcmeException(AcmeError.BAD_CSR, e.getMessage());
            }
        }
        names.hosts().stream().sorted(java.util.Comparator.comparing(AcmeIdentifier::value)).forEach(out::add);
        return java.util.List.copyOf(out);
    }

    public boolean isXRoad() {
        return XROAD.equals(type);
    }

    /** The profile an {@code xroad} identifier asks for: sign for a member, auth for a security server. */
    public CertificateProfile profile() {
        if (!isXRoad()) {
            throw new IllegalStateException("a " + type + " identifier names no profile");
        }
        return identity() instanceof MemberId ? CertificateProfile.SIGN : CertificateProfile.AUTH;
    }

    /** The X-Road identity an {@code xroad} identifier names. */
    public XRoadId identity() {
        if (!isXRoad()) {
            throw new IllegalStateException("a " + type + " identifier names no X-Road identity");
        }
        return identity(value);
    }

    private static XRoadId identity(String uri) {
        String member = "urn:xroad:member:";
        String server = "urn:xroad:server:";
        try {
            if (uri.startsWith(member)) {
                return MemberId.parse(uri.substring(member.length()));
            }
            if (uri.startsWith(server)) {
                return SecurityServerId.parse(uri.substring(server.length()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + printable(uri) + "' names no valid X-Road identity: "
                    + e.getMessage(), e);
        }
        throw new IllegalArgumentException("an xroad identifier is urn:xroad:member:INSTANCE/CLASS/CODE or"
                + " urn:xroad:server:INSTANCE/CLASS/CODE/SERVERCODE, not '" + printable(uri) + "'");
    }

    private static String printable(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
