package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;

/** Which language a request to the portal's pages gets: the switch, the cookie, Accept-Language, Vietnamese. */
class PortalLanguageTest {

    @Test
    void acceptLanguage_picksTheBestSupportedLanguageAndDefaultsToVietnamese() {
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage("vi"));
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.fromAcceptLanguage("en"));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage("vi-VN"));
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.fromAcceptLanguage("en-US;q=0.8"));
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.fromAcceptLanguage("fr-FR, fr;q=0.9, en-US;q=0.8"));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage("en;q=0.5, vi-VN;q=0.9"));
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.fromAcceptLanguage("en-GB,en"));
    }

    @Test
    void acceptLanguageUnknownEmptyOrMalformed_isVietnamese() {
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage("de-DE"));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage(null));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage(""));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage("*"));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.fromAcceptLanguage("en;q=banana"));
    }

    @Test
    void rememberedChoice_winsOverAcceptLanguageUnlessUnknown() {
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.choose("en", "vi-VN"));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.choose("vi", "en-US"));
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.choose("klingon", "en-US"));
    }

    @Test
    void request_switchThenCookieThenHeader() throws HttpProblem {
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.of(call(Map.of("lang", List.of("en")),
                Map.of("cookie", List.of("portal-lang=vi"), "accept-language", List.of("vi")))));
        assertEquals(PortalLanguage.ENGLISH, PortalLanguage.of(call(Map.of(),
                Map.of("cookie", List.of("theme=dark; portal-lang=en"), "accept-language", List.of("vi")))));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.of(call(Map.of(),
                Map.of("accept-language", List.of("vi-VN,vi;q=0.9")))));
        assertEquals(PortalLanguage.VIETNAMESE, PortalLanguage.of(call(Map.of(), Map.of())));
    }

    @Test
    void switchToAnUnsupportedLanguage_is400NamingTheChoices() {
        HttpProblem problem = assertThrows(HttpProblem.class,
                () -> PortalLanguage.of(call(Map.of("lang", List.of("fr")), Map.of())));
        assertEquals(400, problem.status());
        assertTrue(problem.getMessage().contains("'fr'") && problem.getMessage().contains("vi, en"), problem.getMessage());
    }

    @Test
    void cookieHeader_isReadByName() {
        assertEquals(Optional.of("en"), PortalLanguage.cookie("a=1; portal-lang=en; b=2"));
        assertEquals(Optional.empty(), PortalLanguage.cookie("xportal-lang=en"));
        assertEquals(Optional.empty(), PortalLanguage.cookie(null));
        assertTrue(PortalLanguage.rememberCookie(PortalLanguage.ENGLISH, true).contains("Secure"));
        assertTrue(PortalLanguage.rememberCookie(PortalLanguage.ENGLISH, false).startsWith("portal-lang=en; Path=/;"));
    }

    private static HttpCall call(Map<String, List<String>> query, Map<String, List<String>> headers) {
        return new HttpCall("GET", "/", Map.of(), query, headers, new byte[0]);
    }
}
