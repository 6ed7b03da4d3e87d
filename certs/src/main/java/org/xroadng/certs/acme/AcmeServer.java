package org.xroadng.certs.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.IssuedCertificate;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.StoreException;

/**
 * The CA's ACME server (RFC 8555) on the trust services' HTTP listener, under {@code /acme}:
 * directory, newNonce, newAccount (external account binding required), account, newOrder, orders,
 * authorizations, challenges, finalize and certificate download. Every POST is a JWS signed with
 * ES256 ({@link SignedRequest}); every answer carries a fresh {@code Replay-Nonce}; every refusal is
 * an RFC 7807 problem document with an ACME error type ({@link AcmeError}).
 *
 * <p><b>What an order proves and how.</b> Identifiers are those our certificates assert
 * ({@link AcmeIdentifier}): one {@code xroad} identifier, the {@code urn:xroad:member:} or
 * {@code urn:xroad:server:} name, and for an authentication certificate the server's DNS names or
 * IP addresses. The {@code xroad} identifier is authorized by the account's external account
 * binding: the CA operator created the EAB credentials for one member after checking who it is
 * (as X-Road's CAs do), so an account may order for that member and its security servers only; the
 * authorization is valid when created. Each {@code dns} or {@code ip} identifier is proven with an
 * {@code http-01} challenge (RFC 8555 section 8.3), the challenge X-Road 7.5+ uses: the CA fetches
 * {@code http://HOST:PORT/.well-known/acme-challenge/TOKEN} (port 80 unless configured) and
 * expects the key authorization. An authentication certificate is then still registered at the
 * registry by {@code authCertReg}; ACME replaces the trip to the CA, not the registration.
 *
 * <p>Finalize checks the CSR against the order (its {@code urn:xroad:} name and host names exactly
 * the order's) and issues through {@link CertificateAuthority#issue}, which checks the profile.
 * Key change, account deactivation and revocation by ACME are not offered; revocation stays
 * {@code xroad ca revoke}.
 */
public final class AcmeServer {

    /** Where the ACME resources live on the trust server. */
    public static final String PATH = "/acme";
    public static final int DEFAULT_CHALLENGE_PORT = 80;
    static final Duration NONCE_LIFETIME = Duration.ofHours(1);
    static final Duration ORDER_LIFETIME = Duration.ofDays(7);
    private static final int MAX_IDENTIFIERS = 10;
    private static final String PROBLEM = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(AcmeServer.class);

    private final CertificateAuthority ca;
    private final AcmeStore store;
    private final String base;
    private final Http01Validator validator;
    private final Clock clock;
    private final SecureRandom random;

    public AcmeServer(CertificateAuthority ca, int challengePort, Clock clock, SecureRandom random) {
        this.ca = ca;
        this.store = new AcmeStore(ca.database());
        String origin = ca.settings().baseUrl().toString();
        this.base = (origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin) + PATH;
        this.validator = new Http01Validator(challengePort);
        this.clock = clock;
        this.random = random;
    }

    /** The directory URL a client starts from. */
    public URI directoryUrl() {
        return URI.create(base + "/directory");
    }

    /**
     * Creates EAB credentials for {@code member} (the CA operator's step, {@code xroad ca acme-eab}):
     * a fresh key id and a 256-bit HMAC key, stored; the caller hands both to the member.
     */
    public static EabCredentials createEab(CertificateAuthority ca, MemberId member, Clock clock, SecureRandom random)
            throws CaException {
        EabCredentials credentials = new EabCredentials(randomId(random), bytes(random, 32));
        try {
            new AcmeStore(ca.database()).insertEab(credentials.keyId(), credentials.hmacKey(), member, clock.instant());
        } catch (StoreException e) {
            throw new CaException("cannot record the EAB credentials: " + e.getMessage(), e);
        }
        return credentials;
    }

    /** Withdraws EAB credentials: no new account can be bound with them; false if unknown or already withdrawn. */
    public static boolean revokeEab(CertificateAuthority ca, String keyId, Clock clock) throws CaException {
        try {
            return new AcmeStore(ca.database()).revokeEab(keyId, clock.instant());
        } catch (StoreException e) {
            throw new CaException("cannot withdraw the EAB credentials: " + e.getMessage(), e);
        }
    }

    /** Adds the ACME routes to a server being built. */
    public void addTo(HttpApiServer.Builder builder) {
        builder.route("GET", PATH + "/directory", answering(call -> directory()))
                .route("GET", PATH + "/new-nonce", answering(call -> HttpReply.of(
                        "HEAD".equals(call.method()) ? 200 : 204, null, new byte[0])
                        .withHeader("Cache-Control", "no-store")))
                .route("POST", PATH + "/new-account", answering(this::newAccount))
                .route("POST", PATH + "/account/{id}", answering(this::account))
                .route("POST", PATH + "/account/{id}/orders", answering(this::orders))
                .route("POST", PATH + "/new-order", answering(this::newOrder))
                .route("POST", PATH + "/order/{id}", answering(this::order))
                .route("POST", PATH + "/order/{id}/finalize", answering(this::finalizeOrder))
                .route("POST", PATH + "/authz/{id}", answering(this::authz))
                .route("POST", PATH + "/challenge/{id}", answering(this::challenge))
                .route("POST", PATH + "/certificate/{id}", answering(this::certificate));
    }

    @FunctionalInterface
    private interface AcmeEndpoint {
        HttpReply handle(HttpCall call) throws AcmeException, StoreException;
    }

    /** Every answer with a fresh nonce; every refusal as a problem document. */
    private HttpEndpoint answering(AcmeEndpoint endpoint) {
        return call -> {
            HttpReply reply;
            try {
                reply = endpoint.handle(call);
            } catch (AcmeException e) {
                reply = problem(e);
            } catch (StoreException e) {
                LOG.error("ACME request {} {} failed on the CA database", call.method(), call.path(), e);
                reply = problem(new AcmeException(AcmeError.SERVER_INTERNAL, "the CA's database failed; try again later"));
            }
            try {
                return reply.withHeader("Replay-Nonce", newNonce());
            } catch (StoreException e) {
                LOG.error("no nonce could be stored", e);
                return problem(new AcmeException(AcmeError.SERVER_INTERNAL, "the CA's database failed; try again later"));
            }
        };
    }

    private static HttpReply problem(AcmeException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", e.type());
        body.put("detail", e.getMessage());
        body.put("status", e.status());
        return HttpReply.of(e.status(), PROBLEM, json(body));
    }

    private String newNonce() throws StoreException {
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, 16));
        Instant now = clock.instant();
        store.issueNonce(nonce, now.plus(NONCE_LIFETIME), now);
        return nonce;
    }

    private HttpReply directory() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("newNonce", base + "/new-nonce");
        body.put("newAccount", base + "/new-account");
        body.put("newOrder", base + "/new-order");
        body.put("meta", Map.of("externalAccountRequired", true, "website", ca.settings().baseUrl().toString()));
        return HttpReply.of(200, HttpReply.JSON, json(body));
    }

    // --- accounts ---

    private HttpReply newAccount(HttpCall call) throws AcmeException, StoreException {
        Verified verified = verified(call, true);
        ECKey key = verified.request().jwk();
        String thumbprint = thumbprint(key);
        JsonNode payload = verified.payload();
        Optional<AcmeStore.Account> existing = store.accountByThumbprint(thumbprint);
        if (existing.isPresent()) {
            return accountReply(200, existing.get());
        }
        if (payload.path("onlyReturnExisting").asBoolean(false)) {
            throw new AcmeException(AcmeError.ACCOUNT_DOES_NOT_EXIST, "no account has this key");
        }
        JsonNode binding = payload.get("externalAccountBinding");
        if (binding == null || binding.isNull()) {
            throw new AcmeException(AcmeError.EXTERNAL_ACCOUNT_REQUIRED, "this CA requires external account binding:"
                    + " ask the CA operator for EAB credentials for your member (xroad ca acme-eab)");
        }
        AcmeStore.Eab eab = ExternalAccountBinding.verify(binding, base + "/new-account", key, store);
        AcmeStore.Account account = new AcmeStore.Account(randomId(random), thumbprint,
                key.toPublicJWK().toJSONString(), eab.member());
        store.insertAccount(account, eab.kid(), clock.instant());
        return accountReply(201, account);
    }

    private HttpReply account(HttpCall call) throws AcmeException, StoreException {
        AcmeStore.Account account = accountOf(verified(call, false));
        if (!account.id().equals(call.pathParam("id"))) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "a request may only read the account that signs it");
        }
        return accountReply(200, account);
    }

    private HttpReply orders(HttpCall call) throws AcmeException, StoreException {
        AcmeStore.Account account = accountOf(verified(call, false));
        if (!account.id().equals(call.pathParam("id"))) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "a request may only list the orders of the account that signs it");
        }
        List<String> urls = store.orderIds(account.id()).stream().map(id -> base + "/order/" + id).toList();
        return HttpReply.of(200, HttpReply.JSON, json(Map.of("orders", urls)));
    }

    private HttpReply accountReply(int status, AcmeStore.Account account) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "valid");
        body.put("contact", List.of());
        body.put("orders", base + "/account/" + account.id() + "/orders");
        return HttpReply.of(status, HttpReply.JSON, json(body)).withHeader("Location", base + "/account/" + account.id());
    }

    // --- orders ---

    private HttpReply newOrder(HttpCall call) throws AcmeException, StoreException {
        Verified verified = verified(call, false);
        AcmeStore.Account account = accountOf(verified);
        JsonNode payload = verified.payload();
        if (payload.has("notBefore") || payload.has("notAfter")) {
            throw new AcmeException(AcmeError.MALFORMED, "notBefore and notAfter are not supported;"
                    + " the CA sets the validity of certificates");
        }
        List<AcmeIdentifier> identifiers = identifiers(payload.get("identifiers"));
        List<AcmeIdentifier> xroad = identifiers.stream().filter(AcmeIdentifier::isXRoad).toList();
        if (xroad.size() != 1) {
            throw new AcmeException(AcmeError.REJECTED_IDENTIFIER, "an order names exactly one xroad identifier"
                    + " (urn:xroad:member:... for a signing certificate, urn:xroad:server:... for an authentication"
                    + " certificate), not " + xroad.size());
        }
        AcmeIdentifier named = xroad.get(0);
        XRoadId identity = named.identity();
        MemberId member = identity instanceof SecurityServerId server ? server.owner() : (MemberId) identity;
        if (!member.equals(account.member())) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "this account is bound to member " + account.member().format()
                    + " and may not order a certificate for " + identity.format());
        }
        int hosts = identifiers.size() - 1;
        CertificateProfile profile = named.profile();
        if (profile == CertificateProfile.SIGN && hosts > 0) {
            throw new AcmeException(AcmeError.REJECTED_IDENTIFIER, "a signing certificate carries no DNS names or IP"
                    + " addresses; order the member's identifier alone");
        }
        if (profile == CertificateProfile.AUTH && hosts == 0) {
            throw new AcmeException(AcmeError.REJECTED_IDENTIFIER, "an authentication certificate needs the security"
                    + " server's DNS name or IP address: add a dns or ip identifier");
        }
        Instant now = clock.instant();
        String orderId = randomId(random);
        List<AcmeStore.Authz> authorizations = new ArrayList<>();
        for (AcmeIdentifier id : identifiers) {
            boolean bound = id.isXRoad();
            authorizations.add(new AcmeStore.Authz(randomId(random), orderId, id, bound ? "valid" : "pending",
                    bound ? null : randomId(random) + randomId(random), bound ? null : "pending", bound ? now : null, null));
        }
        AcmeStore.Order order = new AcmeStore.Order(orderId, account.id(), hosts == 0 ? "ready" : "pending", profile,
                identity.format(), identifiers, now.plus(ORDER_LIFETIME), null, null);
        store.insertOrder(order, authorizations, now);
        return orderReply(201, store.order(orderId).orElseThrow()).withHeader("Location", base + "/order/" + orderId);
    }

    private static List<AcmeIdentifier> identifiers(JsonNode node) throws AcmeException {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new AcmeException(AcmeError.MALFORMED, "the order needs a non-empty 'identifiers' array");
        }
        if (node.size() > MAX_IDENTIFIERS) {
            throw new AcmeException(AcmeError.REJECTED_IDENTIFIER, "an order names at most " + MAX_IDENTIFIERS
                    + " identifiers, not " + node.size());
        }
        List<AcmeIdentifier> out = new ArrayList<>();
        Set<AcmeIdentifier> seen = new HashSet<>();
        for (JsonNode item : node) {
            if (!item.isObject() || !item.path("type").isTextual() || !item.path("value").isTextual()) {
                throw new AcmeException(AcmeError.MALFORMED, "each identifier is {\"type\": string, \"value\": string}");
            }
            String type = item.get("type").asText();
            if (!Set.of(AcmeIdentifier.XROAD, AcmeIdentifier.DNS, AcmeIdentifier.IP).contains(type)) {
                throw new AcmeException(AcmeError.UNSUPPORTED_IDENTIFIER, "identifier type '" + printable(type)
                        + "' is not supported; expected xroad, dns or ip");
            }
            AcmeIdentifier id;
            try {
                id = new AcmeIdentifier(type, item.get("value").asText());
            } catch (IllegalArgumentException e) {
                throw new AcmeException(AcmeError.REJECTED_IDENTIFIER, e.getMessage());
            }
            if (!seen.add(id)) {
                throw new AcmeException(AcmeError.MALFORMED, "identifier " + id.type() + " " + id.value()
                        + " is named twice");
            }
            out.add(id);
        }
        return out;
    }

    private HttpReply order(HttpCall call) throws AcmeException, StoreException {
        AcmeStore.Account account = accountOf(verified(call, false));
        return orderReply(200, ownOrder(account, call.pathParam("id")));
    }

    private HttpReply orderReply(int status, AcmeStore.Order order) throws StoreException {
        Map<String, Object> body = new LinkedHashMap<>();
        String state = effectiveStatus(order);
        body.put("status", state);
        body.put("expires", order.expiresAt().toString());
        body.put("identifiers", order.identifiers().stream()
                .map(id -> Map.of("type", id.type(), "value", id.value())).toList());
        body.put("authorizations", store.authorizations(order.id()).stream().map(a -> base + "/authz/" + a.id()).toList());
        body.put("finalize", base + "/order/" + order.id() + "/finalize");
        if (order.serial() != null) {
            body.put("certificate", base + "/certificate/" + order.id());
        }
        if (order.error() != null) {
            body.put("error", Map.of("type", AcmeError.INCORRECT_RESPONSE.type(), "detail", order.error()));
        }
        return HttpReply.of(status, HttpReply.JSON, json(body));
    }

    /** An order that is not finished by its expiry is invalid (RFC 8555 section 7.1.6). */
    private String effectiveStatus(AcmeStore.Order order) {
        boolean open = order.status().equals("pending") || order.status().equals("ready");
        return open && !clock.instant().isBefore(order.expiresAt()) ? "invalid" : order.status();
    }

    private AcmeStore.Order ownOrder(AcmeStore.Account account, String id) throws AcmeException, StoreException {
        AcmeStore.Order order = store.order(id).orElseThrow(() ->
                new AcmeException(AcmeError.NOT_FOUND, "there is no order " + printable(id)));
        if (!order.accountId().equals(account.id())) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "order " + id + " belongs to another account");
        }
        return order;
    }

    private synchronized HttpReply finalizeOrder(HttpCall call) throws AcmeException, StoreException {
        Verified verified = verified(call, false);
        AcmeStore.Account account = accountOf(verified);
        JsonNode payload = verified.payload();
        AcmeStore.Order order = ownOrder(account, call.pathParam("id"));
        String status = effectiveStatus(order);
        if (!status.equals("ready")) {
            throw new AcmeException(AcmeError.ORDER_NOT_READY, "order " + order.id() + " is " + status
                    + (status.equals("pending") ? "; complete its challenges first"
                    : status.equals("valid") ? "; its certificate is already issued" : "; start a new order"));
        }
        if (!payload.path("csr").isTextual()) {
            throw new AcmeException(AcmeError.MALFORMED, "finalize needs 'csr': the PKCS#10 request in base64url DER");
        }
        byte[] der;
        try {
            der = Base64.getUrlDecoder().decode(payload.get("csr").asText());
        } catch (IllegalArgumentException e) {
            throw new AcmeException(AcmeError.BAD_CSR, "the csr is not base64url: " + e.getMessage());
        }
        CsrNames names = CsrNames.of(der);
        AcmeIdentifier named = order.identifiers().stream().filter(AcmeIdentifier::isXRoad).findFirst().orElseThrow();
        Set<AcmeIdentifier> orderedHosts = new HashSet<>(order.identifiers());
        orderedHosts.remove(named);
        if (!names.uris().equals(List.of(named.value()))) {
            throw new AcmeException(AcmeError.BAD_CSR, "the CSR names " + (names.uris().isEmpty() ? "no urn:xroad: URI"
                    : String.join(", ", names.uris())) + " but the order is for " + named.value()
                    + " (a " + named.profile().code() + " certificate)");
        }
        if (!names.hosts().equals(orderedHosts)) {
            throw new AcmeException(AcmeError.BAD_CSR, "the CSR's DNS names and IP addresses "
                    + describe(names.hosts()) + " differ from the order's " + describe(orderedHosts));
        }
        IssuedCertificate issued;
        try {
            issued = ca.issue(new IssueRequest(der, order.profile(), named.identity(), List.of(), null));
        } catch (CaException e) {
            throw new AcmeException(AcmeError.BAD_CSR, e.getMessage());
        }
        if (!store.completeOrder(order.id(), issued.serial().toString(16))) {
            throw new AcmeException(AcmeError.ORDER_NOT_READY, "order " + order.id() + " changed while it was finalized");
        }
        return orderReply(200, store.order(order.id()).orElseThrow())
                .withHeader("Location", base + "/order/" + order.id());
    }

    private static String describe(Set<AcmeIdentifier> hosts) {
        return hosts.isEmpty() ? "(none)" : hosts.stream().map(AcmeIdentifier::value).sorted().toList().toString();
    }

    private HttpReply certificate(HttpCall call) throws AcmeException, StoreException {
        AcmeStore.Account account = accountOf(verified(call, false));
        AcmeStore.Order order = ownOrder(account, call.pathParam("id"));
        if (order.serial() == null) {
            throw new AcmeException(AcmeError.NOT_FOUND, "order " + order.id() + " has no certificate yet");
        }
        IssuedCertificate issued;
        try {
            issued = ca.find(new BigInteger(order.serial(), 16)).orElseThrow(() ->
                    new AcmeException(AcmeError.SERVER_INTERNAL, "the certificate of order " + order.id() + " is missing"));
        } catch (CaException e) {
            throw new StoreException(e.getMessage(), e);
        }
        String chain = Pem.encode(issued.certificate()) + Pem.encode(ca.caCertificate());
        return HttpReply.of(200, "application/pem-certificate-chain", chain.getBytes(StandardCharsets.US_ASCII));
    }

    // --- authorizations and challenges ---

    private HttpReply authz(HttpCall call) throws AcmeException, StoreException {
        AcmeStore.Account account = accountOf(verified(call, false));
        AcmeStore.Authz authz = ownAuthz(account, call.pathParam("id"));
        return HttpReply.of(200, HttpReply.JSON, json(authzBody(authz)));
    }

    private HttpReply challenge(HttpCall call) throws AcmeException, StoreException {
        Verified verified = verified(call, false);
        SignedRequest request = verified.request();
        AcmeStore.Account account = accountOf(verified);
        String id = call.pathParam("id");
        AcmeStore.Authz authz = ownAuthz(account, id);
        if (authz.token() == null) {
            throw new AcmeException(AcmeError.NOT_FOUND, "there is no challenge " + printable(id));
        }
        if (!request.postAsGet()) { // a response to a challenge is {} (RFC 8555 section 7.5.1)
            if (authz.status().equals("pending")) {
                String keyAuthorization = authz.token() + "." + account.thumbprint();
                Optional<String> failure = validator.validate(authz.identifier(), authz.token(), keyAuthorization);
                store.recordValidation(authz, failure.isEmpty(), failure.orElse(null), clock.instant());
                authz = store.authz(authz.id()).orElseThrow();
            }
        }
        return HttpReply.of(200, HttpReply.JSON, json(challengeBody(authz)))
                .withHeader("Link", "<" + base + "/authz/" + authz.id() + ">;rel=\"up\"");
    }

    private AcmeStore.Authz ownAuthz(AcmeStore.Account account, String id) throws AcmeException, StoreException {
        AcmeStore.Authz authz = store.authz(id).orElseThrow(() ->
                new AcmeException(AcmeError.NOT_FOUND, "there is no authorization or challenge " + printable(id)));
        ownOrder(account, authz.orderId());
        return authz;
    }

    private Map<String, Object> authzBody(AcmeStore.Authz authz) throws StoreException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifier", Map.of("type", authz.identifier().type(), "value", authz.identifier().value()));
        body.put("status", authz.status());
        store.order(authz.orderId()).ifPresent(o -> body.put("expires", o.expiresAt().toString()));
        body.put("challenges", authz.token() == null ? List.of() : List.of(challengeBody(authz)));
        return body;
    }

    private Map<String, Object> challengeBody(AcmeStore.Authz authz) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "http-01");
        body.put("url", base + "/challenge/" + authz.id());
        body.put("status", authz.challengeStatus());
        body.put("token", authz.token());
        if (authz.validatedAt() != null && "valid".equals(authz.challengeStatus())) {
            body.put("validated", authz.validatedAt().toString());
        }
        if (authz.error() != null) {
            body.put("error", Map.of("type", AcmeError.INCORRECT_RESPONSE.type(), "detail", authz.error()));
        }
        return body;
    }

    // --- request authentication ---

    /** An authenticated request and its payload (an empty object for a POST-as-GET). */
    private record Verified(SignedRequest request, JsonNode payload) {
    }

    /**
     * Parses and authenticates a POST (RFC 8555 section 6.2, 6.4, 6.5): the content type, the JWS
     * form, the {@code url} equal to this request's URL, the signature with the key named
     * ({@code jwk} for newAccount, else the account's key by {@code kid}), and then the nonce,
     * used up only by a request that is otherwise genuine.
     */
    private Verified verified(HttpCall call, boolean newAccount) throws AcmeException, StoreException {
        String contentType = call.header("Content-Type").orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/jose+json")) {
            throw new AcmeException(AcmeError.MALFORMED, "an ACME request is application/jose+json, not '"
                    + printable(contentType) + "'");
        }
        SignedRequest request = SignedRequest.parse(call.body());
        String expectedUrl = originOf(base) + call.path();
        if (!request.url().equals(expectedUrl)) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "the JWS url is " + printable(request.url())
                    + " but the request went to " + expectedUrl);
        }
        ECKey key;
        if (newAccount) {
            if (request.jwk() == null) {
                throw new AcmeException(AcmeError.MALFORMED, "newAccount is signed with the new key given as jwk, not a kid");
            }
            key = request.jwk();
        } else {
            if (request.kid() == null) {
                throw new AcmeException(AcmeError.MALFORMED, "this request names its account by kid, not jwk");
            }
            key = accountKey(request.kid());
        }
        request.verify(key);
        if (!store.consumeNonce(request.nonce(), clock.instant())) {
            throw new AcmeException(AcmeError.BAD_NONCE, "the nonce was already used, has expired or was never issued;"
                    + " get a fresh one from the Replay-Nonce header");
        }
        return new Verified(request, request.postAsGet() ? ProtocolJson.mapper().createObjectNode() : request.payload());
    }

    private ECKey accountKey(String kid) throws AcmeException, StoreException {
        String prefix = base + "/account/";
        String id = kid.startsWith(prefix) ? kid.substring(prefix.length()) : null;
        Optional<AcmeStore.Account> account = id == null ? Optional.empty() : store.account(id);
        if (account.isEmpty()) {
            throw new AcmeException(AcmeError.ACCOUNT_DOES_NOT_EXIST, "no account " + printable(kid));
        }
        try {
            return ECKey.parse(account.get().jwk());
        } catch (java.text.ParseException e) {
            throw new StoreException("the stored key of account " + id + " cannot be read: " + e.getMessage(), e);
        }
    }

    private AcmeStore.Account accountOf(Verified verified) throws AcmeException, StoreException {
        SignedRequest request = verified.request();
        String id = request.kid().substring((base + "/account/").length());
        return store.account(id).orElseThrow(() ->
                new AcmeException(AcmeError.ACCOUNT_DOES_NOT_EXIST, "no account " + printable(request.kid())));
    }

    static String thumbprint(ECKey key) throws AcmeException {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new AcmeException(AcmeError.BAD_PUBLIC_KEY, "the key's thumbprint cannot be computed: " + e.getMessage());
        }
    }

    private static String originOf(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static byte[] json(Object value) {
        try {
            return ProtocolJson.mapper().writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an ACME answer cannot be written: " + e.getMessage(), e);
        }
    }

    static String randomId(SecureRandom random) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(random, 15));
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
