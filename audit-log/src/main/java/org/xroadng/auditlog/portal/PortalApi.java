package org.xroadng.auditlog.portal;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.portal.oidc.IdTokenException;
import org.xroadng.auditlog.portal.oidc.OidcIdTokenVerifier;
import org.xroadng.auditlog.portal.oidc.ProviderMetadata;
import org.xroadng.auditlog.portal.oidc.VerifiedIdToken;
import org.xroadng.protocol.error.ErrorBody;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpReply;

/**
 * The portal's JSON API for the page and for programs, routes of an {@link HttpApiServer} (the
 * citizen's pages are {@link PortalPages}):
 * <ul>
 *   <li>{@code GET /api/v1/login}: {@code {"authorizationEndpoint", "clientId", "redirectUri", "issuer"}} for
 *       the page's sign-in (OpenID Connect implicit flow);</li>
 *   <li>{@code GET /api/v1/events} with {@code Authorization: Bearer <ID token>}: DESIGN.md section 7's
 *       {@code {"subject", "events": [...], "unreachable": [...]}}, each event with the added members
 *       {@code issue, outcome, agree, differences, reasons, witnesses, restricted} ({@code restricted}:
 *       null, or a restricted access's restriction and disclosure status; until it is disclosed the
 *       event's other members are null); ({@code witnesses}: per side
 *       whose checkpoint's cosignatures were checked, {@code {"side", "server", "quorum", "vouched":
 *       [names], "missing": {name: "NO_COSIGNATURE" | "COSIGNATURE_INVALID"}}}), and
 *       {@code unreachableReasons} and {@code problems} beside.</li>
 * </ul>
 * A refused token is a 401 whose JSON message names the reason (expired, wrong issuer, ...); an
 * identity provider or registry that cannot be reached is a 503. Every answer carries
 * {@code X-Content-Type-Options: nosniff} and pages a strict {@code Content-Security-Policy}
 * (scripts and styles from this origin only, no inline code).
 */
public final class PortalApi {

    static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final CitizenAccessLogs logs;
    private final OidcIdTokenVerifier verifier;
    private final String clientId;
    private final URI redirectUri;

    /**
     * @param redirectUri where the identity provider sends the citizen back: the portal's page {@code /}
     */
    public PortalApi(CitizenAccessLogs logs, OidcIdTokenVerifier verifier, String clientId, URI redirectUri) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
    }

    /** Adds the portal's routes. */
    public HttpApiServer.Builder routes(HttpApiServer.Builder builder) {
        return builder
                .route("GET", "/api/v1/login", call -> secured(login()))
                .route("GET", "/api/v1/events", call -> secured(events(call)));
    }

    private HttpReply login() {
        ProviderMetadata metadata;
        try {
            metadata = verifier.metadata();
        } catch (IdTokenException e) {
            return error(503, "IdentityProviderUnavailable", e.getMessage(), e.reason().label());
        }
        Map<String, Object> login = new LinkedHashMap<>();
        login.put("authorizationEndpoint", metadata.authorizationEndpoint().toString());
        login.put("clientId", clientId);
        login.put("redirectUri", redirectUri.toString());
        login.put("issuer", metadata.issuer());
        return HttpReply.json(200, login);
    }

    private HttpReply events(HttpCall call) {
        VerifiedIdToken token;
        try {
            token = verifier.verify(bearer(call).orElse(null));
        } catch (IdTokenException e) {
            if (e.reason() == IdTokenException.Reason.PROVIDER_UNAVAILABLE) {
                return error(503, "IdentityProviderUnavailable", e.getMessage(), e.reason().label());
            }
            return error(401, "Unauthorized", "the ID token is refused: " + e.getMessage(), e.reason().label())
                    .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        CitizenEvents events;
        try {
            events = logs.eventsOf(token.subject());
        } catch (ConfigurationException e) {
            return error(503, "ConfigurationUnavailable", "the portal has no valid global configuration to find the"
                    + " security servers: " + e.getMessage(), null);
        }
        return HttpReply.json(200, json(events, logs::memberNameOf));
    }

    /** Per side whose witnesses were checked: who vouched for its checkpoint, who did not and why. */
    private static List<Object> witnesses(ExchangeRow row) {
        List<Object> sides = new ArrayList<>();
        for (SideRecord record : row.records()) {
            if (record.vouching() == null) {
                continue;
            }
            Map<String, Object> side = new LinkedHashMap<>();
            side.put("side", record.side());
            side.put("server", record.server().format());
            side.put("quorum", record.vouching().quorum());
            side.put("vouched", record.vouching().vouched().keySet().stream().sorted().toList());
            Map<String, Object> missing = new java.util.TreeMap<>();
            record.vouching().missing().forEach((name, why) -> missing.put(name, why.name()));
            side.put("missing", missing);
            sides.add(side);
        }
        return sides;
    }

    /**
     * A restricted access's {@code {"authority", "legalBasis", "disclose", "commitment", "status":
     * "SEALED" | "DUE" | "DISCLOSED" | "MISMATCH" | "OVERDUE", "loggedAt"}}, null for an ordinary one.
     */
    private static Map<String, Object> restricted(ExchangeRow row) {
        if (row.restricted() == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>(row.restricted().restriction().toJson());
        json.put("commitment", row.restricted().commitment());
        json.put("status", row.restricted().status().name());
        json.put("loggedAt", row.restricted().loggedAt().toString());
        return json;
    }

    /** @param memberNames the member name for a client or service identifier, for people to read */
    static Map<String, Object> json(CitizenEvents events,
                                    java.util.function.Function<String, java.util.Optional<String>> memberNames) {
        List<Object> rows = new ArrayList<>();
        for (ExchangeRow row : events.events()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("time", row.time().toString());
            e.put("client", row.client());
            e.put("service", row.service());
            e.put("method", row.method());
            e.put("path", row.path());
            e.put("userId", row.userId());
            e.put("purpose", row.purpose());
            e.put("queryId", row.queryId());
            e.put("sides", row.sides());
            e.put("verified", row.verified());
            e.put("issue", row.issue());
            e.put("outcome", row.outcome());
            e.put("agree", row.agree());
            e.put("differences", row.differences());
            e.put("reasons", row.reasons());
            e.put("witnesses", witnesses(row));
            e.put("clientName", memberNames.apply(row.client()).orElse(null));
            e.put("providerName", memberNames.apply(row.service()).orElse(null));
            e.put("restricted", restricted(row));
            rows.add(e);
        }
        List<String> unreachable = new ArrayList<>();
        List<Object> reasons = new ArrayList<>();
        for (CitizenEvents.Unreachable u : events.unreachable()) {
            unreachable.add(u.server().format());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("server", u.server().format());
            r.put("reason", u.reason());
            reasons.add(r);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("subject", events.subject().value());
        json.put("events", rows);
        json.put("unreachable", unreachable);
        json.put("unreachableReasons", reasons);
        json.put("problems", events.problems().stream().map(CitizenEvents.Problem::text).toList());
        return json;
    }

    static Optional<String> bearer(HttpCall call) {
        return call.header("Authorization").map(String::trim)
                .filter(h -> h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer "))
                .map(h -> h.substring(7).trim());
    }

    private static HttpReply error(int status, String type, String message, String detail) {
        return HttpReply.json(status, new ErrorBody(type, message, detail));
    }

    /** The security headers every portal answer carries (nosniff, the page's strict policy, no referrer). */
    static HttpReply secured(HttpReply reply) {
        return reply.withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Content-Security-Policy", SECURITY_POLICY)
                .withHeader("Referrer-Policy", "no-referrer");
    }
}
