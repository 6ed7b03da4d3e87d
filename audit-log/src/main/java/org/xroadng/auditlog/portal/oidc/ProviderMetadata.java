package org.xroadng.auditlog.portal.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The parts of an OpenID Provider's discovery document (OpenID Connect Discovery 1.0 section 3)
 * the portal uses. {@link #discover} fetches {@code {issuer}/.well-known/openid-configuration} and
 * checks, as section 4.3 requires, that the document's {@code issuer} is exactly the issuer asked
 * for, so a document cannot redirect trust to another issuer.
 */
public record ProviderMetadata(String issuer, URI jwksUri, URI authorizationEndpoint, URI tokenEndpoint) {

    /** The path of the discovery document below the issuer (section 4). */
    public static final String WELL_KNOWN_PATH = "/.well-known/openid-configuration";
    private static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public ProviderMetadata {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
    }

    /** Fetches and reads the discovery document of {@code issuer}. */
    public static ProviderMetadata discover(String issuer, HttpClient http, Duration timeout) throws IdTokenException {
        URI uri = URI.create(stripSlash(issuer) + WELL_KNOWN_PATH);
        byte[] body;
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (response.statusCode() != 200) {
                throw unavailable(uri, "it answered HTTP " + response.statusCode(), null);
            }
        } catch (IOException e) {
            throw unavailable(uri, "it cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(uri, "interrupted", e);
        }
        if (body.length > MAX_BYTES) {
            throw unavailable(uri, "the document is larger than " + MAX_BYTES + " bytes", null);
        }
        return read(uri, issuer, body);
    }

    static ProviderMetadata read(URI from, String expectedIssuer, byte[] body) throws IdTokenException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw unavailable(from, "the document is not JSON", e);
        }
        if (json == null || !json.isObject()) {
            throw unavailable(from, "the document is not a JSON object", null);
        }
        String issuer = text(json, "issuer", from);
        if (!issuer.equals(expectedIssuer)) {
            throw unavailable(from, "the document names issuer '" + issuer + "'; expected exactly '"
                    + expectedIssuer + "'", null);
        }
        URI token = json.hasNonNull("token_endpoint") ? uri(json, "token_endpoint", from) : null;
        return new ProviderMetadata(issuer, uri(json, "jwks_uri", from), uri(json, "authorization_endpoint", from), token);
    }

    private static String text(JsonNode json, String field, URI from) throws IdTokenException {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw unavailable(from, "the document has no '" + field + "'", null);
        }
        return value.asText();
    }

    private static URI uri(JsonNode json, String field, URI from) throws IdTokenException {
        String text = text(json, field, from);
        try {
            URI uri = new URI(text);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw unavailable(from, "'" + field + "' is '" + text + "'; expected an absolute http(s) URL", null);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw unavailable(from, "'" + field + "' is not a URL: " + e.getMessage(), e);
        }
    }

    private static IdTokenException unavailable(URI uri, String why, Throwable cause) {
        return new IdTokenException(IdTokenException.Reason.PROVIDER_UNAVAILABLE,
                "the identity provider's discovery document " + uri + " cannot be used: " + why, cause);
    }

    private static String stripSlash(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
