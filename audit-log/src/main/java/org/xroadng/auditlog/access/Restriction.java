package org.xroadng.auditlog.access;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why an access is kept from its data subject for a while (DESIGN.md section 7, restricted
 * accesses): the kind of authority that made it, the legal basis it names, and the instant it is
 * disclosed. The subject sees these three at once (in the log's stub entry, see
 * {@link AccessEvent#entry}); the rest of the event only from {@link #discloseAt} on.
 *
 * @param authority  the kind of authority, as the provider's access right names it: 1..40 of
 *                   {@code a-z 0-9 -} ({@code police}, {@code tax-investigation}, ...)
 * @param legalBasis the legal basis code the restriction was asked under: 1..100 of
 *                   {@code A-Za-z0-9 . _ : / ( ) -}
 * @param discloseAt when the event is disclosed, to the second
 */
public record Restriction(String authority, String legalBasis, Instant discloseAt) {

    /** The JSON member an entry or event carries its restriction in. */
    public static final String MEMBER = "restriction";

    private static final Pattern AUTHORITY = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern LEGAL_BASIS = Pattern.compile("[A-Za-z0-9._:/()-]{1,100}");

    public Restriction {
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(legalBasis, "legalBasis");
        Objects.requireNonNull(discloseAt, "discloseAt");
        requireAuthority(authority);
        requireLegalBasis(legalBasis);
        discloseAt = discloseAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Refuses a kind of authority that is not 1..40 of {@code a-z 0-9 -}, saying so. */
    public static void requireAuthority(String authority) {
        if (authority == null || !AUTHORITY.matcher(authority).matches()) {
            throw new IllegalArgumentException("authority kind '" + authority + "' is not a code: expected 1..40"
                    + " lower-case letters, digits or '-'");
        }
    }

    /** Refuses a legal basis code that is not 1..100 of {@code A-Za-z0-9 . _ : / ( ) -}, saying so. */
    public static void requireLegalBasis(String legalBasis) {
        if (legalBasis == null || !LEGAL_BASIS.matcher(legalBasis).matches()) {
            throw new IllegalArgumentException("legal basis '" + legalBasis + "' is not a code: expected 1..100"
                    + " letters, digits or . _ : / ( ) -");
        }
    }

    /** {@code {"authority", "legalBasis", "disclose"}}, the disclosure instant as RFC 3339 UTC text. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("authority", authority);
        json.put("legalBasis", legalBasis);
        json.put("disclose", discloseAt.toString());
        return json;
    }

    /**
     * The restriction a JSON object states ({@link #toJson()}'s members; others are ignored).
     *
     * @throws IllegalArgumentException naming the member that is missing or wrong
     */
    public static Restriction fromJson(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("member '" + MEMBER + "' is not an object");
        }
        Instant disclose;
        try {
            disclose = Instant.parse(text(map, "disclose"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("member 'disclose' is not an RFC 3339 time");
        }
        return new Restriction(text(map, "authority"), text(map, "legalBasis"), disclose);
    }

    private static String text(Map<?, ?> map, String member) {
        Object value = map.get(member);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("restriction member '" + member + "' is "
                    + (value == null ? "missing" : "not text"));
        }
        return text;
    }
}
