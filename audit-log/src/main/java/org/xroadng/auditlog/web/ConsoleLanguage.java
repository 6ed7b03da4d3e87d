package org.xroadng.auditlog.web;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xroadng.protocol.http.HttpCall;

/**
 * The languages the operator consoles speak and which one a request gets, in order: {@code ?lang=vi|en} (the
 * switch on every page), the {@value #COOKIE} cookie the switch set, the browser's
 * {@code Accept-Language} (RFC 9110 section 12.5.4, weights honoured), then Vietnamese. An unknown
 * {@code lang} value is ignored rather than refused: a page still opens in a language the viewer can
 * read.
 */
public final class ConsoleLanguage {

    public static final Locale VIETNAMESE = Locale.forLanguageTag("vi");
    public static final Locale ENGLISH = Locale.forLanguageTag("en");
    public static final List<Locale> SUPPORTED = List.of(VIETNAMESE, ENGLISH);
    public static final String COOKIE = "console-lang";

    private ConsoleLanguage() {
    }

    /** The language asked for explicitly by {@code ?lang=}, if it is one we speak. */
    public static Optional<Locale> requested(HttpCall call) {
        List<String> values = call.query().get("lang");
        return values == null || values.size() != 1 ? Optional.empty() : supported(values.get(0));
    }

    public static Locale of(HttpCall call) {
        return requested(call).or(() -> Cookies.value(call, COOKIE).flatMap(ConsoleLanguage::supported))
                .orElseGet(() -> fromAcceptLanguage(call.header("Accept-Language").orElse(null)));
    }

    public static Locale fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return VIETNAMESE;
        }
        try {
            Locale best = Locale.lookup(Locale.LanguageRange.parse(header), SUPPORTED);
            return best == null ? VIETNAMESE : best;
        } catch (IllegalArgumentException e) {
            return VIETNAMESE;
        }
    }

    public static Optional<Locale> supported(String tag) {
        return SUPPORTED.stream().filter(l -> l.getLanguage().equalsIgnoreCase(tag.trim())).findFirst();
    }

    public static String rememberCookie(Locale language, boolean secure) {
        return COOKIE + "=" + language.getLanguage() + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }
}
