package org.xroadng.auditlog.portal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;

/**
 * The languages the portal's pages speak, and which one a request gets. The product's first country
 * is Vietnam, so Vietnamese is the default; in order:
 * <ol>
 *   <li>{@code ?lang=vi} or {@code ?lang=en} (the switch on the page); any other value is refused;</li>
 *   <li>the {@value #COOKIE} cookie the switch set, so the choice holds across pages and sign-ins
 *       (an unknown value is ignored: it is only a remembered preference);</li>
 *   <li>the browser's {@code Accept-Language} (RFC 9110 section 12.5.4, weights honoured, {@code vi-VN}
 *       and {@code en-US} count as {@code vi} and {@code en});</li>
 *   <li>Vietnamese, when the browser asks for nothing, for nothing we have, or sends a malformed header.</li>
 * </ol>
 */
public final class PortalLanguage {

    public static final Locale VIETNAMESE = Locale.forLanguageTag("vi");
    public static final Locale ENGLISH = Locale.forLanguageTag("en");
    /** Every language the pages are written in; each has a complete message bundle. */
    public static final List<Locale> SUPPORTED = List.of(VIETNAMESE, ENGLISH);
    public static final Locale DEFAULT = VIETNAMESE;
    /** The cookie that remembers the switch. */
    public static final String COOKIE = "portal-lang";

    private PortalLanguage() {
    }

    /** The language for a request to a page; a {@code lang} parameter that is not vi or en is a 400. */
    static Locale of(HttpCall call) throws HttpProblem {
        Optional<String> requested = call.queryParam("lang");
        if (requested.isPresent()) {
            return supported(requested.get()).orElseThrow(() -> HttpProblem.badRequest("query parameter 'lang' is '"
                    + requested.get() + "'; expected one of vi, en"));
        }
        return choose(cookie(call.header("Cookie").orElse(null)).orElse(null), call.header("Accept-Language").orElse(null));
    }

    /** The remembered choice if it names a supported language, else the best match for {@code acceptLanguage}. */
    static Locale choose(String remembered, String acceptLanguage) {
        return Optional.ofNullable(remembered).flatMap(PortalLanguage::supported)
                .orElseGet(() -> fromAcceptLanguage(acceptLanguage));
    }

    /** The best supported language for an {@code Accept-Language} header, {@link #DEFAULT} when none fits. */
    static Locale fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(header);
        } catch (IllegalArgumentException e) {
            return DEFAULT;
        }
        Locale best = Locale.lookup(ranges, SUPPORTED);
        return best == null ? DEFAULT : best;
    }

    /** {@code vi} or {@code en} (any case) as its locale; anything else is empty. */
    static Optional<Locale> supported(String tag) {
        return SUPPORTED.stream().filter(l -> l.getLanguage().equalsIgnoreCase(tag.trim())).findFirst();
    }

    /** The value of the {@value #COOKIE} cookie in a {@code Cookie} header (RFC 6265 section 4.2). */
    static Optional<String> cookie(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(COOKIE)) {
                return Optional.of(pair.substring(eq + 1).trim());
            }
        }
        return Optional.empty();
    }

    /** The {@code Set-Cookie} value that remembers {@code language} for a year. */
    static String rememberCookie(Locale language, boolean secure) {
        return COOKIE + "=" + language.getLanguage() + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }
}
