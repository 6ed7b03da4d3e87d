package org.xroadng.securityserver.keys;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One of the server's own certificates that expires soon or has expired: what the health
 * endpoint's {@code warnings} and the console's dashboard tell the operator while there is time to
 * renew it (a new key or CSR, the CA, and for an authentication certificate the registry's
 * approval take days). The metrics carry the same as {@code xroad_certificate_expiry_seconds}.
 *
 * @param role     which key the certificate is for
 * @param keyId    the key's id in the server's token
 * @param serial   the certificate's serial number, in hexadecimal
 * @param notAfter the end of its validity (RFC 5280 section 4.1.2.5)
 */
public record CertificateExpiry(ServerKeys.Role role, String keyId, String serial, Instant notAfter) {

    /** How long ahead an expiry is reported. */
    public static final Duration AHEAD = Duration.ofDays(30);

    /** The certificates among {@code keys} that expire within {@link #AHEAD} of {@code now} or have expired, soonest first. */
    public static List<CertificateExpiry> dueSoon(List<ServerKeys.KeyInfo> keys, Instant now) {
        List<CertificateExpiry> due = new ArrayList<>();
        for (ServerKeys.KeyInfo key : keys) {
            if (key.certificate().isEmpty()) {
                continue;
            }
            X509Certificate certificate = key.certificate().get();
            Instant notAfter = certificate.getNotAfter().toInstant();
            if (notAfter.isBefore(now.plus(AHEAD))) {
                due.add(new CertificateExpiry(key.role(), key.keyId(), certificate.getSerialNumber().toString(16),
                        notAfter));
            }
        }
        due.sort(Comparator.comparing(CertificateExpiry::notAfter));
        return List.copyOf(due);
    }

    /** Whole days from {@code now} until it expires; 0 or less once it has. */
    public long daysLeft(Instant now) {
        return Duration.between(now, notAfter).toDays();
    }

    public boolean expired(Instant now) {
        return !now.isBefore(notAfter);
    }

    /**
     * A sentence for an operator, such as "the signing certificate (key k1, serial 3f2a) expires
     * on 2027-01-05T10:00:00Z, in 9 days: renew it at the CA and import the new certificate
     * (xroad server import-cert)".
     */
    public String sentence(Instant now) {
        String which = (role == ServerKeys.Role.AUTH ? "the authentication" : "the signing") + " certificate (key "
                + keyId + ", serial " + serial + ")";
        String renew = "renew it at the CA and import the new certificate (xroad server import-cert)"
                + (role == ServerKeys.Role.AUTH ? ", then register it (xroad server register)" : "");
        if (expired(now)) {
            return which + " expired on " + notAfter + ": " + renew;
        }
        long days = daysLeft(now);
        return which + " expires on " + notAfter + ", in " + (days < 1 ? "less than a day"
                : days + (days == 1 ? " day" : " days")) + ": " + renew;
    }
}
