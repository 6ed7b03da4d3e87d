package org.xroadng.certs.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xroadng.certs.Pem;

/**
 * An ACME client (RFC 8555) for our CA's ACME server, as a security server uses it to renew a
 * certificate: {@link #register} creates an account with a fresh ES256 key bound by external
 * account binding, {@link Account#obtain} orders, answers the http-01 challenges through an
 * {@link Http01Responder}, finalizes with the CSR and downloads the chain. A {@code badNonce}
 * answer is retried once with the nonce it carries (RFC 8555 section 6.5); any other problem
 * document is an {@link AcmeException} with the server's type and detail. One client serves one
 * thread (it keeps the last nonce); polling a resource still pending waits as {@code Retry-After}
 * says (at most 5 s, 10 times), so call it off the event loop.
 */
public final class AcmeClient {

    static final String JOSE_JSON = "application/jose+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POLLS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final SecureRandom random;
    private final Map<String, String> directory;
    private String nonce;

    private AcmeClient(HttpClient http, SecureRandom random, Map<String, String> directory) {
        this.http = http;
        this.random = random;
        this.directory = directory;
    }

    /** Reads the directory at {@code directoryUrl}. */
    public static AcmeClient connect(URI directoryUrl, HttpClient http, SecureRandom random) throws AcmeException {
        AcmeClient client = new AcmeClient(http, random, Map.of());
        Reply reply = client.exchange(HttpRequest.newBuilder(directoryUrl).GET());
        JsonNode body = reply.json();
        Map<String, String> urls = new LinkedHashMap<>();
        for (String name : List.of("newNonce", "newAccount", "newOrder")) {
            if (!body.path(name).isTextual()) {
                throw new AcmeException("about:blank", 0, "the ACME directory at " + directoryUrl + " has no " + name);
            }
            urls.put(name, body.get(name).asText());
        }
        return new AcmeClient(http, random, Map.copyOf(urls));
    }

    /** A new account with a fresh key, bound to the member of {@code eab} (RFC 8555 sections 7.3, 7.3.4). */
    public Account register(EabCredentials eab) throws AcmeException {
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256).secureRandom(random).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("no EC P-256 key can be generated: " + e.getMessage(), e);
        }
        String url = directory.get("newAccount");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("termsOfServiceAgreed", true);
        payload.put("externalAccountBinding", eabBinding(eab, key, url));
        Reply reply = post(url, payload, key, null);
        String location = reply.header("Location");
        if (location == null) {
            throw new AcmeException("about:blank", reply.status(), "newAccount answered without the account's Location");
        }
        return new Account(key, location);
    }

    /** The {@code externalAccountBinding} object: the account key, MAC-signed with the EAB key (HS256). */
    static Map<String, String> eabBinding(EabCredentials eab, ECKey key, String url) {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(eab.keyId())
                .customParam("url", url).build(), new Payload(key.toPublicJWK().toJSONString()));
        try {
            jws.sign(new MACSigner(eab.hmacKey()));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the EAB HMAC key cannot sign: " + e.getMessage(), e);
        }
        return flattened(jws);
    }

    /** An account on the server: its key and URL. */
    public final class Account {

        private final ECKey key;
        private final String url;

        private Account(ECKey key, String url) {
            this.key = key;
            this.url = url;
        }

        public String url() {
            return url;
        }

        ECKey key() {
            return key;
        }

        /**
         * Orders a certificate for {@code identifiers} and returns its chain, certificate first:
         * each pending authorization's http-01 challenge is published through {@code responder}
         * while the server validates it; then the order is finalized with {@code csrDer}.
         */
        public List<X509Certificate> obtain(List<AcmeIdentifier> identifiers, byte[] csrDer, Http01Responder responder)
                throws AcmeException {
            List<Map<String, String>> ids = identifiers.stream()
                    .map(id -> Map.of("type", id.type(), "value", id.value())).toList();
            Reply created = post(directory.get("newOrder"), Map.of("identifiers", ids), null, this);
            String orderUrl = created.header("Location");
            JsonNode order = created.json();
            for (JsonNode authzUrl : order.path("authorizations")) {
                authorize(authzUrl.asText(), responder);
            }
            order = poll(orderUrl, "ready");
            Reply finalized = post(order.path("finalize").asText(),
                    Map.of("csr", Base64.getUrlEncoder().withoutPadding().encodeToString(csrDer)), null, this);
            order = finalized.json();
            if (!"valid".equals(order.path("status").asText())) {
                order = poll(orderUrl, "valid");
            }
            Reply chain = post(order.path("certificate").asText(), null, null, this);
            try {
                List<X509Certificate> certificates = Pem.certificates(new String(chain.body(), StandardCharsets.US_ASCII));
                if (certificates.isEmpty()) {
                    throw new AcmeException("about:blank", chain.status(), "the certificate download held no certificate");
                }
                return certificates;
            } catch (CertificateException e) {
                throw new AcmeException("about:blank", chain.status(), "the certificate chain cannot be read: "
                        + e.getMessage());
            }
        }

        private void authorize(String authzUrl, Http01Responder responder) throws AcmeException {
            JsonNode authz = post(authzUrl, null, null, this).json();
            String status = authz.path("status").asText();
            if (status.equals("valid")) {
                return;
            }
            if (!status.equals("pending")) {
                throw new AcmeException("about:blank", 0, "the authorization for "
                        + authz.path("identifier").path("value").asText() + " is " + status);
            }
            JsonNode challenge = null;
            for (JsonNode c : authz.path("challenges")) {
                if ("http-01".equals(c.path("type").asText())) {
                    challenge = c;
                }
            }
            if (challenge == null) {
                throw new AcmeException("about:blank", 0, "the server offers no http-01 challenge for "
                        + authz.path("identifier").path("value").asText());
            }
            String token = challenge.path("token").asText();
            String keyAuthorization;
            try {
                keyAuthorization = token + "." + key.computeThumbprint();
            } catch (JOSEException e) {
                throw new IllegalStateException("the account key's thumbprint cannot be computed", e);
            }
            try (Closeable published = responder.publish(token, keyAuthorization)) {
                post(challenge.path("url").asText(), Map.of(), null, this);
                JsonNode done = poll(authzUrl, "valid");
                if (!"valid".equals(done.path("status").asText())) {
                    throw new AcmeException("about:blank", 0, "authorization failed");
                }
            } catch (IOException e) {
                throw new AcmeException(AcmeError.CONNECTION.type(), 0, "the http-01 answer for "
                        + authz.path("identifier").path("value").asText() + " cannot be published: " + e.getMessage());
            }
        }

        /** POST-as-GET until the resource leaves pending/processing; refused if it ends in another state than {@code wanted}. */
        private JsonNode poll(String resourceUrl, String wanted) throws AcmeException {
            for (int i = 0; i < POLLS; i++) {
                Reply reply = post(resourceUrl, null, null, this);
                JsonNode body = reply.json();
                String status = body.path("status").asText();
                if (status.equals(wanted)) {
                    return body;
                }
                if (!status.equals("pending") && !status.equals("processing")) {
                    JsonNode error = body.path("error");
                    if (error.isMissingNode()) {
                        for (JsonNode c : body.path("challenges")) {
                            error = c.path("error").isMissingNode() ? error : c.path("error");
                        }
                    }
                    throw new AcmeException(error.path("type").asText("about:blank"), reply.status(), resourceUrl
                            + " is " + status + (error.isMissingNode() ? "" : ": " + error.path("detail").asText()));
                }
                pause(reply);
            }
            throw new AcmeException("about:blank", 0, resourceUrl + " is still not " + wanted + " after " + POLLS
                    + " polls");
        }
    }

    private static void pause(Reply reply) throws AcmeException {
        long seconds = 1;
        String retryAfter = reply.header("Retry-After");
        if (retryAfter != null && retryAfter.matches("\\d{1,3}")) {
            seconds = Math.min(5, Long.parseLong(retryAfter));
        }
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeException("about:blank", 0, "interrupted while waiting for the ACME server");
        }
    }

    /**
     * A signed POST (RFC 8555 section 6.2): with the account's {@code kid}, or the {@code jwk} of a
     * key without an account yet; a null payload is a POST-as-GET. One {@code badNonce} is retried.
     */
    private Reply post(String url, Object payload, ECKey jwk, Account account) throws AcmeException {
        for (int attempt = 0; ; attempt++) {
            String body = signedBody(url, payload, freshNonce(), jwk != null ? jwk : account.key, jwk,
                    account == null ? null : account.url);
            try {
                return send(url, body);
            } catch (AcmeException e) {
                if (attempt > 0 || !e.is(AcmeError.BAD_NONCE)) {
                    throw e;
                }
            }
        }
    }

    /** The flattened JWS of a request, for tests that break one part of it. */
    static String signedBody(String url, Object payload, String nonce, ECKey signer, ECKey jwk, String kid) {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).customParam("nonce", nonce)
                .customParam("url", url);
        if (jwk != null) {
            header.jwk(jwk.toPublicJWK());
        } else {
            header.keyID(kid);
        }
        String text;
        try {
            text = payload == null ? "" : JSON.writeValueAsString(payload);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the payload cannot be written: " + e.getMessage(), e);
        }
        JWSObject jws = new JWSObject(header.build(), new Payload(text));
        try {
            jws.sign(new ECDSASigner(signer));
        } catch (JOSEException e) {
            throw new IllegalStateException("the account key cannot sign: " + e.getMessage(), e);
        }
        try {
            return JSON.writeValueAsString(flattened(jws));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> flattened(JWSObject jws) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("protected", jws.getHeader().toBase64URL().toString());
        out.put("payload", jws.getPayload().toBase64URL().toString());
        out.put("signature", jws.getSignature().toString());
        return out;
    }

    /** The nonce of the last answer, or a new one from newNonce. */
    String freshNonce() throws AcmeException {
        String next = nonce;
        nonce = null;
        if (next != null) {
            return next;
        }
        exchange(HttpRequest.newBuilder(URI.create(directory.get("newNonce"))).method("HEAD",
                HttpRequest.BodyPublishers.noBody()));
        if (nonce == null) {
            throw new AcmeException("about:blank", 0, "newNonce answered without a Replay-Nonce");
        }
        next = nonce;
        nonce = null;
        return next;
    }

    String url(String name) {
        return directory.get(name);
    }

    /** POSTs a JWS body as is; an error answer is an {@link AcmeException}. */
    Reply send(String url, String body) throws AcmeException {
        return exchange(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", JOSE_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Reply exchange(HttpRequest.Builder request) throws AcmeException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AcmeException(AcmeError.CONNECTION.type(), 0, "the ACME server cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeException(AcmeError.CONNECTION.type(), 0, "interrupted while talking to the ACME server");
        }
        response.headers().firstValue("Replay-Nonce").ifPresent(n -> nonce = n);
        Reply reply = new Reply(response.statusCode(), response.headers().map(), response.body());
        if (reply.status() >= 400) {
            String type = "about:blank";
            String detail = new String(reply.body(), StandardCharsets.UTF_8);
            try {
                JsonNode problem = JSON.readTree(reply.body());
                type = problem.path("type").asText(type);
                detail = problem.path("detail").asText(detail);
            } catch (IOException e) {
                // not a problem document: its text is the detail
            }
            throw new AcmeException(type, reply.status(), detail);
        }
        return reply;
    }

    /** An answer: status, headers, body. */
    record Reply(int status, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        JsonNode json() throws AcmeException {
            try {
                JsonNode node = JSON.readTree(body);
                if (node == null || !node.isObject()) {
                    throw new AcmeException("about:blank", status, "the ACME server answered no JSON object");
                }
                return node;
            } catch (IOException e) {
                throw new AcmeException("about:blank", status, "the ACME server answered malformed JSON: " + e.getMessage());
            }
        }
    }

}
