package org.xroadng.auditlog.portal.devidp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.xroadng.auditlog.portal.PersonalCode;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.MediaTypes;

/**
 * A development OpenID Provider for demos and tests: anyone may sign in as anyone by typing a
 * personal code. Every page, the discovery document and every JSON answer say so
 * ({@link #NOTICE}). Never run it where real personal data is shown.
 *
 * <p>Endpoints (OpenID Connect Core 1.0 implicit flow, section 3.2, {@code response_type=id_token}
 * only, and a test shortcut):
 * <ul>
 *   <li>{@code GET /.well-known/openid-configuration}: discovery (OpenID Connect Discovery 1.0);</li>
 *   <li>{@code GET /jwks.json}: the public ES256 key;</li>
 *   <li>{@code GET /authorize?client_id&redirect_uri&response_type=id_token&state&nonce}: a form for
 *       the personal code; {@code POST /authorize} answers 303 to
 *       {@code redirect_uri#id_token=...&state=...}. The redirect URI must be exactly one of the
 *       allowed ones, otherwise a page explains the refusal and nothing is redirected;</li>
 *   <li>{@code POST /token} with form fields {@code sub} and optional {@code client_id} (or
 *       {@code aud}) and {@code nonce}: {@code {"id_token": ...}} (DESIGN.md section 7).</li>
 * </ul>
 * Tokens carry {@code iss, sub, aud, iat, exp, jti} and {@code nonce} when given, and live
 * {@link #TOKEN_LIFETIME}. The key is P-256, generated at start or kept in a key directory.
 */
public final class DevIdentityProvider implements AutoCloseable {

    public static final String NOTICE = "Development identity provider \u2014 for demos only, not for production";
    /** The audience of tokens from {@code POST /token} without {@code client_id}; the portal's default client id. */
    public static final String DEFAULT_CLIENT_ID = "xroad-portal";
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);
    static final String SECURITY_POLICY_BASE = "default-src 'none'; style-src 'self'; frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'self'";

    private final HttpApiServer server;
    /**
     * Set before the server starts, except with port 0 and no issuer given: then it is the bound
     * address, set just after, before anyone can know the port.
     */
    private volatile String issuer;
    private final Set<URI> redirectUris;
    private final ECKey key;
    private final ECDSASigner signer;
    private final Clock clock;
    private final SecureRandom random;
    private final String securityPolicy;

    private DevIdentityProvider(InetSocketAddress bind, URI issuer, List<URI> redirectUris, ECKey key, Clock clock,
                                SecureRandom random) throws IOException {
        this.redirectUris = new LinkedHashSet<>(redirectUris);
        this.issuer = issuer != null ? strip(issuer.toString())
                : bind.getPort() != 0 ? "http://" + loopbackIfAny(bind) + ":" + bind.getPort() : null;
        this.key = key;
        this.clock = clock;
        this.random = random;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IOException("the signing key cannot sign: " + e.getMessage(), e);
        }
        this.securityPolicy = SECURITY_POLICY_BASE + redirectOrigins();
        this.server = HttpApiServer.builder("dev-idp").bind(bind).maxBodyBytes(16 * 1024)
                .route("GET", "/", call -> page(200, "Sign-in for demos", "<p>This server signs in anyone as"
                        + " anyone. Use it only with demo data.</p>"))
                .route("GET", "/.well-known/openid-configuration", call -> HttpReply.json(200, discovery()))
                .route("GET", "/jwks.json", call -> HttpReply.of(200, HttpReply.JSON,
                        new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8)))
                .route("GET", "/authorize", this::authorizeForm)
                .route("POST", "/authorize", this::authorizeSubmit)
                .route("POST", "/token", this::token)
                .route("GET", "/style.css", call -> resource("style.css", "text/css; charset=utf-8"))
                .start();
        if (this.issuer == null) {
            this.issuer = server.baseUri().toString();
        }
    }

    /**
     * Starts the provider.
     *
     * @param bind         where to listen (port 0 for any free port)
     * @param issuer       the base URL browsers and the portal use, which is also the issuer; null for
     *                     {@code http://host:port} of the bound address
     * @param redirectUris the only redirect URIs the authorization endpoint sends tokens to, compared exactly
     * @param keyDir       where the signing key is kept across restarts; null for a new key each start
     */
    public static DevIdentityProvider start(InetSocketAddress bind, URI issuer, List<URI> redirectUris, Path keyDir,
                                            Clock clock, SecureRandom random) throws IOException {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        for (URI uri : redirectUris) {
            if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawFragment() != null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("redirect URI '" + uri + "' must be an absolute http(s) URL"
                        + " without a fragment");
            }
        }
        if (issuer != null && (issuer.getRawQuery() != null || issuer.getRawFragment() != null || !issuer.isAbsolute())) {
            throw new IllegalArgumentException("issuer '" + issuer + "' must be an absolute URL without query or fragment");
        }
        return new DevIdentityProvider(bind, issuer, List.copyOf(redirectUris), SigningKeyFile.loadOrCreate(keyDir, random),
                clock, random);
    }

    /** The issuer identifier, also the base URL of every endpoint. */
    public String issuer() {
        return issuer;
    }

    /** Where the server listens, {@code http://host:port}. */
    public URI baseUri() {
        return server.baseUri();
    }

    /** The public signing key. */
    public ECKey publicKey() {
        return key.toPublicJWK();
    }

    /** Issues an ID token for {@code subject} to {@code audience}, as {@code POST /token} does. */
    public String issue(PersonalCode subject, String audience, String nonce) {
        Instant now = clock.instant();
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject(subject.value()).audience(audience)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .jwtID(HexFormat.of().formatHex(jti));
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("the development identity provider cannot sign: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.close();
    }

    private Map<String, Object> discovery() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer + "/authorize");
        doc.put("token_endpoint", issuer + "/token");
        doc.put("jwks_uri", issuer + "/jwks.json");
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("response_modes_supported", List.of("fragment"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("ES256"));
        doc.put("scopes_supported", List.of("openid"));
        doc.put("claims_supported", List.of("iss", "sub", "aud", "iat", "exp", "nonce", "jti"));
        doc.put("token_endpoint_auth_methods_supported", List.of("none"));
        doc.put("development_only", true);
        doc.put("notice", NOTICE);
        return doc;
    }

    private HttpReply token(HttpCall call) throws HttpProblem {
        Map<String, String> form = form(call);
        String sub = form.get("sub");
        if (sub == null) {
            throw HttpProblem.badRequest("form field 'sub' is missing; expected the personal code to sign in as,"
                    + " such as sub=EE38001010001");
        }
        PersonalCode subject;
        try {
            subject = PersonalCode.parse(sub);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("form field 'sub': " + e.getMessage());
        }
        String clientId = form.get("client_id");
        String aud = form.get("aud");
        if (clientId != null && aud != null && !clientId.equals(aud)) {
            throw HttpProblem.badRequest("form fields 'client_id' and 'aud' differ; give one of them");
        }
        String audience = clientId != null ? clientId : aud != null ? aud : DEFAULT_CLIENT_ID;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id_token", issue(subject, audience, form.get("nonce")));
        answer.put("token_type", "id_token");
        answer.put("expires_in", TOKEN_LIFETIME.toSeconds());
        answer.put("notice", NOTICE);
        return HttpReply.json(200, answer);
    }

    /** An authorization request whose redirect URI is allowed; everything else is an error page. */
    private record AuthorizeRequest(String clientId, URI redirectUri, String state, String nonce) {
    }

    /** An authorization request that must not go on; its message is shown on a page, nothing is redirected. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private HttpReply authorizeForm(HttpCall call) throws HttpProblem {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : List.of("client_id", "redirect_uri", "response_type", "state", "nonce", "scope")) {
            call.queryParam(name).ifPresent(value -> params.put(name, value));
        }
        try {
            return form(check(params), "", null);
        } catch (Refused e) {
            return errorPage(e.getMessage());
        }
    }

    private HttpReply authorizeSubmit(HttpCall call) throws HttpProblem {
        Map<String, String> params = form(call);
        AuthorizeRequest request;
        try {
            request = check(params);
        } catch (Refused e) {
            return errorPage(e.getMessage());
        }
        String typed = Optional.ofNullable(params.get("sub")).map(String::trim).orElse("")
                .toUpperCase(java.util.Locale.ROOT);
        if (!PersonalCode.isPlausible(typed)) {
            return form(request, typed, "\u201c" + typed + "\u201d is not a personal code. Type a two-letter country"
                    + " prefix and 6 to 20 letters or digits, such as EE38001010001.");
        }
        String token = issue(new PersonalCode(typed), request.clientId(), request.nonce());
        StringBuilder fragment = new StringBuilder("id_token=").append(token);
        if (request.state() != null) {
            fragment.append("&state=").append(URLEncoder.encode(request.state(), StandardCharsets.UTF_8));
        }
        return HttpReply.of(303, null, new byte[0]).withHeader("Location", request.redirectUri() + "#" + fragment)
                .withHeader("Referrer-Policy", "no-referrer");
    }

    /** The request, if its redirect URI is registered and it asks for what this provider does. */
    private AuthorizeRequest check(Map<String, String> params) throws Refused {
        String redirect = params.get("redirect_uri");
        if (redirect == null) {
            throw new Refused("The request names no redirect_uri, so there is nowhere to send you back to.");
        }
        URI redirectUri;
        try {
            redirectUri = new URI(redirect);
        } catch (java.net.URISyntaxException e) {
            redirectUri = null;
        }
        if (redirectUri == null || !redirectUris.contains(redirectUri)) {
            throw new Refused("The redirect address \u201c" + redirect + "\u201d is not registered with this identity"
                    + " provider, so no token is sent there. Registered addresses: "
                    + (redirectUris.isEmpty() ? "none" : String.join(", ", redirectUris.stream().map(URI::toString).toList()))
                    + ".");
        }
        String clientId = params.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            throw new Refused("The request names no client_id.");
        }
        if (!"id_token".equals(params.get("response_type"))) {
            throw new Refused("The request asks for response_type \u201c" + params.get("response_type")
                    + "\u201d; this provider supports only id_token (the implicit flow).");
        }
        String nonce = params.get("nonce");
        if (nonce == null || nonce.isEmpty()) {
            throw new Refused("The request has no nonce; the implicit flow requires one (OpenID Connect Core 3.2.2.1).");
        }
        return new AuthorizeRequest(clientId, redirectUri, params.get("state"), nonce);
    }

    private HttpReply form(AuthorizeRequest request, String typed, String error) {
        StringBuilder body = new StringBuilder();
        body.append("<p>Sign in to <strong>").append(Html.escape(request.clientId()))
                .append("</strong>. You will be sent back to <code>").append(Html.escape(request.redirectUri().toString()))
                .append("</code>.</p>");
        if (error != null) {
            body.append("<p class=\"error\" role=\"alert\">").append(Html.escape(error)).append("</p>");
        }
        body.append("<form method=\"post\" action=\"/authorize\">")
                .append(hidden("client_id", request.clientId()))
                .append(hidden("redirect_uri", request.redirectUri().toString()))
                .append(hidden("response_type", "id_token"))
                .append(request.state() == null ? "" : hidden("state", request.state()))
                .append(hidden("nonce", request.nonce()))
                .append("<label for=\"sub\">Personal code</label> ")
                .append("<input id=\"sub\" name=\"sub\" autocomplete=\"off\" autofocus required placeholder=\"EE38001010001\" value=\"")
                .append(Html.escape(typed)).append("\"> ")
                .append("<button id=\"sign-in\" type=\"submit\">Sign in</button></form>");
        return page(error == null ? 200 : 400, "Sign in", body.toString());
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Html.escape(value) + "\">";
    }

    private HttpReply errorPage(String message) {
        return page(400, "Sign-in refused", "<p class=\"error\" role=\"alert\">" + Html.escape(message) + "</p>");
    }

    private HttpReply page(int status, String title, String body) {
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.escape(title) + " \u2014 development identity provider</title>"
                + "<link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
                + "<div class=\"notice\" role=\"note\">" + Html.escape(NOTICE) + "</div>"
                + "<main><h1>" + Html.escape(title) + "</h1>" + body + "</main></body></html>";
        return HttpReply.of(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8))
                .withHeader("Content-Security-Policy", securityPolicy)
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "no-referrer");
    }

    private static HttpReply resource(String name, String contentType) {
        try (InputStream in = DevIdentityProvider.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the build");
            }
            return HttpReply.of(200, contentType, in.readAllBytes()).withHeader("X-Content-Type-Options", "nosniff");
        } catch (IOException e) {
            throw new IllegalStateException("resource " + name + " cannot be read", e);
        }
    }

    /** A URL-encoded form body (HTML 5 section 4.10.21.7); a field given twice is refused. */
    static Map<String, String> form(HttpCall call) throws HttpProblem {
        MediaTypes.require(call, "application/x-www-form-urlencoded", "form fields, RFC 6749 section 3.2");
        Map<String, String> fields = new LinkedHashMap<>();
        String body = new String(call.body(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("the form body is malformed: " + e.getMessage());
            }
            if (fields.putIfAbsent(name, value) != null) {
                throw HttpProblem.badRequest("form field '" + name + "' is given more than once");
            }
        }
        return fields;
    }

    private String redirectOrigins() {
        List<String> origins = new ArrayList<>();
        for (URI uri : redirectUris) {
            String origin = uri.getScheme() + "://" + uri.getRawAuthority();
            if (!origins.contains(origin)) {
                origins.add(origin);
            }
        }
        return origins.isEmpty() ? "" : " " + String.join(" ", origins);
    }

    private static String loopbackIfAny(InetSocketAddress bind) {
        if (bind.getAddress() != null && bind.getAddress().isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = bind.getHostString();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
