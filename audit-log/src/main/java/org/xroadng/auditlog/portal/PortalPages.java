package org.xroadng.auditlog.portal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.portal.oidc.IdTokenException;
import org.xroadng.auditlog.portal.oidc.OidcIdTokenVerifier;
import org.xroadng.auditlog.portal.oidc.VerifiedIdToken;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;

/**
 * The citizen's pages, rendered on the server by {@link PortalTemplates} in the language
 * {@link PortalLanguage} chooses:
 * <ul>
 *   <li>{@code GET /} ({@code ?lang=vi|en} switches and remembers the language in a cookie): the page,
 *       with every text from the bundles; its script signs the citizen in;</li>
 *   <li>{@code GET /page/events?lang=..&tz=<IANA zone>} with {@code Authorization: Bearer <ID token>}:
 *       the citizen's accesses as an HTML fragment the page inserts, dates {@code dd/MM/yyyy} and times in
 *       the zone the browser sent ({@code UTC} without one); a bad zone or language is a 400, a refused token
 *       a 401 and an unreachable identity provider or registry a 503, each with a plain sentence in the
 *       chosen language as {@code text/plain};</li>
 *   <li>{@code GET /portal.js}, {@code /portal.css}: static.</li>
 * </ul>
 * Every answer carries {@link PortalApi#secured(HttpReply) the portal's security headers}.
 */
final class PortalPages {

    private final PortalTemplates templates;
    private final CitizenAccessLogs logs;
    private final OidcIdTokenVerifier verifier;
    private final boolean secureCookies;

    /** @param secureCookies whether the portal is reached over TLS, so the language cookie is {@code Secure} */
    PortalPages(PortalTemplates templates, CitizenAccessLogs logs, OidcIdTokenVerifier verifier, boolean secureCookies) {
        this.templates = Objects.requireNonNull(templates, "templates");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.secureCookies = secureCookies;
    }

    HttpApiServer.Builder routes(HttpApiServer.Builder builder) {
        return builder
                .route("GET", "/", this::index)
                .route("GET", "/page/events", this::events)
                .route("GET", "/portal.js", asset("portal.js", "text/javascript; charset=utf-8"))
                .route("GET", "/portal.css", asset("portal.css", "text/css; charset=utf-8"));
    }

    private HttpReply index(HttpCall call) throws HttpProblem {
        Locale language = PortalLanguage.of(call);
        HttpReply reply = html(200, language, templates.render("index", language, Map.of()));
        if (call.queryParam("lang").isPresent()) {
            reply = reply.withHeader("Set-Cookie", PortalLanguage.rememberCookie(language, secureCookies));
        }
        return reply;
    }

    private HttpReply events(HttpCall call) throws HttpProblem {
        Locale language = PortalLanguage.of(call);
        ZoneId zone = zone(call.queryParam("tz"));
        PortalMessages messages = templates.messages();
        VerifiedIdToken token;
        try {
            token = verifier.verify(PortalApi.bearer(call).orElse(null));
        } catch (IdTokenException e) {
            if (e.reason() == IdTokenException.Reason.PROVIDER_UNAVAILABLE) {
                return text(503, language, messages.get(language, "error.unavailable"));
            }
            return text(401, language, messages.get(language, "error.signInAgain"))
                    .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        CitizenEvents events;
        try {
            events = logs.eventsOf(token.subject());
        } catch (ConfigurationException e) {
            return text(503, language, messages.get(language, "error.unavailable"));
        }
        List<ExchangeView> rows = new ArrayList<>();
        for (ExchangeRow row : events.events()) {
            rows.add(ExchangeView.of(row, logs::memberNameOf, messages, language, zone));
        }
        List<PageNotice> unreachable = events.unreachable().stream()
                .map(u -> PageNotice.of(u, messages, language)).toList();
        List<PageNotice> problems = events.problems().stream().map(p -> PageNotice.of(p, messages, language)).toList();
        return html(200, language, templates.render("events", language, Map.of("subject", events.subject().value(),
                "rows", rows, "unreachable", unreachable, "problems", problems, "zone", zone.getId())));
    }

    /** The viewer's zone from {@code tz}: an IANA name such as {@code Asia/Ho_Chi_Minh}; UTC when absent. */
    static ZoneId zone(Optional<String> tz) throws HttpProblem {
        if (tz.isEmpty()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(tz.get());
        } catch (DateTimeException e) {
            throw HttpProblem.badRequest("query parameter 'tz' is '" + tz.get()
                    + "'; expected a time zone name such as Asia/Ho_Chi_Minh");
        }
    }

    private static HttpReply html(int status, Locale language, String body) {
        return localised(HttpReply.of(status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8)),
                language);
    }

    private static HttpReply text(int status, Locale language, String body) {
        return localised(HttpReply.of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8)),
                language);
    }

    private static HttpReply localised(HttpReply reply, Locale language) {
        return PortalApi.secured(reply.withHeader("Content-Language", language.getLanguage())
                .withHeader("Vary", "Accept-Language, Cookie").withHeader("Cache-Control", "no-store"));
    }

    private static HttpEndpoint asset(String name, String contentType) {
        byte[] body;
        try (InputStream in = PortalPages.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource web/" + name + " is missing from the build");
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("resource web/" + name + " cannot be read", e);
        }
        HttpReply reply = PortalApi.secured(HttpReply.of(200, contentType, body));
        return call -> reply;
    }
}
