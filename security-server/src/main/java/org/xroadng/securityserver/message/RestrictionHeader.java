package org.xroadng.securityserver.message;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.protocol.XRoadHeaders;

/**
 * The {@code X-Road-Restriction} header (DESIGN.md section 7, restricted accesses):
 * <pre>
 *   X-Road-Restriction: &lt;legal basis code&gt;;disclose=&lt;date&gt;[;authority=&lt;kind&gt;]
 * </pre>
 * The consumer IS asks with the legal basis and the disclosure date (or the provider IS answers
 * with them); the provider's server, which knows from the access right what kind of authority the
 * client is, answers with {@code ;authority=<kind>} added, so the consumer's server logs the same
 * restriction. {@code <date>} is an RFC 3339 time with offset ({@code 2026-12-07T10:15:00+07:00})
 * or a day ({@code 2026-12-31}, its start in UTC). One header at most; spaces around the parts are
 * ignored. Looking for it is one pass over the headers: an unrestricted exchange pays nothing more.
 *
 * @param authority null unless the provider's server stated it
 */
public record RestrictionHeader(String legalBasis, Instant discloseAt, String authority) {

    public RestrictionHeader {
        Restriction.requireLegalBasis(legalBasis);
        Objects.requireNonNull(discloseAt, "discloseAt");
        if (authority != null) {
            Restriction.requireAuthority(authority);
        }
    }

    /**
     * The restriction header among {@code headers}, if any.
     *
     * @throws IllegalArgumentException saying what is wrong when it is given twice or malformed
     */
    public static Optional<RestrictionHeader> find(List<Map.Entry<String, String>> headers) {
        String found = null;
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(XRoadHeaders.RESTRICTION)) {
                if (found != null) {
                    throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + " is given more than once");
                }
                found = header.getValue();
            }
        }
        return found == null ? Optional.empty() : Optional.of(parse(found));
    }

    /**
     * Reads a header value.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static RestrictionHeader parse(String value) {
        String expected = "; expected " + XRoadHeaders.RESTRICTION
                + ": <legal basis code>;disclose=<RFC 3339 time or yyyy-MM-dd>";
        String[] parts = value == null ? new String[0] : value.split(";", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + " '" + value + "' is malformed" + expected);
        }
        String legalBasis = parts[0].strip();
        try {
            Restriction.requireLegalBasis(legalBasis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + ": " + e.getMessage());
        }
        Instant disclose = null;
        String authority = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.startsWith("disclose=") && disclose == null) {
                disclose = date(part.substring("disclose=".length()).strip(), expected);
            } else if (part.startsWith("authority=") && authority == null) {
                authority = part.substring("authority=".length()).strip();
                try {
                    Restriction.requireAuthority(authority);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + ": " + e.getMessage());
                }
            } else {
                throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + " part '" + part + "' is not understood"
                        + expected);
            }
        }
        if (disclose == null) {
            throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + " '" + value + "' names no disclose= date"
                    + expected);
        }
        return new RestrictionHeader(legalBasis, disclose, authority);
    }

    /** The header value the provider's server answers with for {@code restriction}. */
    public static String format(Restriction restriction) {
        return restriction.legalBasis() + ";disclose=" + restriction.discloseAt() + ";authority="
                + restriction.authority();
    }

    /** The restriction this header states, when it names its authority. */
    public Optional<Restriction> restriction() {
        return authority == null ? Optional.empty() : Optional.of(new Restriction(authority, legalBasis, discloseAt));
    }

    private static Instant date(String text, String expected) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(XRoadHeaders.RESTRICTION + " disclose date '" + text
                    + "' is neither an RFC 3339 time with offset nor a day yyyy-MM-dd" + expected);
        }
    }
}
