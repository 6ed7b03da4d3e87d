package org.xroadng.securityserver.admin;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.xroadng.certs.Pem;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.JsonBody;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.management.AddressChangeRequest;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.protocol.management.AuthCertDeletionRequest;
import org.xroadng.protocol.management.ClientChangeRequest;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.accesslog.CheckpointPublisher;
import org.xroadng.securityserver.accesslog.RestrictedAccessReader;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.ConfValues;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalGroup;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.conf.ServiceDescription;
import org.xroadng.securityserver.conf.ServiceEndpoint;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.conf.WsdlDescription;
import org.xroadng.securityserver.description.DescriptionFetcher;
import org.xroadng.securityserver.description.HttpDescriptionFetcher;
import org.xroadng.securityserver.description.ServiceDescriptions;
import org.xroadng.securityserver.keys.CertificateRenewal;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.registration.Registration;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * The security server's admin API under {@code /api/v1} (JSON, {@code Authorization: Bearer
 * <admin API key>}), DESIGN.md section 6: keys and certificates, registration with the registry,
 * clients, services and their OpenAPI descriptions, access rights and local groups.
 *
 * <p>Guarantees: a missing or unknown key is a 401 and nothing runs; every change goes through
 * {@link ServerAdmin}, the service layer the operator console uses too, so a key whose roles do not
 * grant it is a 403 {@code Forbidden} naming the roles that would (and the refusal is audited), and
 * every action is in the audit trail ({@code GET /audit}) with the key, the target and the outcome;
 * console users are managed under {@code /users}; a bad body or identifier is
 * a 400 naming the field and what is allowed, an unknown id a 404, a duplicate a 409; a registry
 * refusal keeps the registry's status and message; a service description that is not valid
 * OpenAPI 3 a 400 {@code InvalidServiceDescription} listing the parser's messages, one that cannot
 * be read from its URL a 502 {@code ServiceDescriptionUnavailable}. Every change goes through
 * {@link ServerConfStore} or {@link ServerKeys}, so it is validated and written in one
 * transaction. The API only adds routes ({@link #addTo}); whoever starts the server may add others
 * (metrics) to the same builder.
 */
public final class AdminApi {

    private static final String PREFIX = "/api/v1";

    /** One API operation for an authenticated operator; returns the JSON value to answer, or null for 204. */
    @FunctionalInterface
    private interface Operation {
        Object run(HttpCall call, Operator who) throws HttpProblem, AccessDeniedException, ServerException,
                RegistrationException, TokenException, DescriptionException;
    }

    /** A console user as listed: never the password hash. */
    public record UserView(String name, List<String> roles, String createdAt, String lockedUntil) {
    }

    /** An admin API key as listed: never the key itself. */
    public record ApiKeyView(long id, String label, List<String> roles, String createdAt, String revokedAt) {
    }

    /** A new admin API key (for a program, or a person with only some roles such as the inspector): the only answer that carries {@code key}. */
    public record NewApiKey(long id, String label, List<String> roles, String key) {
        @Override
        public String toString() {
            return "NewApiKey[id=" + id + ", label=" + label + ", roles=" + roles + "]";
        }
    }

    /** One row of the audit trail. */
    public record AuditView(long id, String at, String actor, String action, String target, String outcome) {
    }

    /** What {@code GET /status} answers. */
    /**
     * @param owner the member that owns the server as its current global configuration names it (the
     *              identifier's member until an approved ownerChange reaches the server)
     */
    public record Status(String serverId, String serverAddress, boolean authCertificate, int keys, int clients,
                         int services, int accessRights, int localGroups, String owner) {
    }

    /** A key as listed: never the private key. */
    /** @param inUse for an authentication key: whether TLS presents it now (one of two during a rotation) */
    public record KeyView(String keyId, String role, String identity, boolean certified, String subject,
                          String notAfter, String certificateSha256, String token, Boolean inUse) {
    }

    /** A new authentication key (a rotation) and its certification request. */
    public record NewAuthKey(String keyId, String server, String csr) {
    }

    /** A new signing key and its certification request. */
    public record NewSignKey(String keyId, String member, String csr) {
    }

    public record ClientView(String id, String isAuthentication, List<String> pinnedCertificates, boolean registered) {
    }

    public record ServiceView(String id, String url, long timeoutSeconds, boolean personalData, boolean enabled) {
    }

    /** @param restrictionAuthority and {@code restrictionMaxDays}: null unless the right allows restricted accesses */
    public record AccessRightView(long id, String service, String subject, String method, String path,
                                  List<String> purposes, String restrictionAuthority, Integer restrictionMaxDays) {
    }

    public record LocalGroupView(String code, String description, List<String> members) {
    }

    public record EndpointView(String method, String path) {
    }

    /** A service description as listed: never the document itself (getOpenAPI serves that). */
    public record DescriptionView(String service, String source, String contentType, int size, String refreshedAt,
                                  List<EndpointView> endpoints) {
    }

    /** What a refresh changed. */
    public record RefreshView(DescriptionView description, List<EndpointView> added, List<EndpointView> removed) {
    }

    /** A WSDL description as listed: never the document itself (getWsdl serves that). */
    public record WsdlView(long id, String provider, String source, int size, String refreshedAt,
                           List<String> services) {
    }

    /** What a WSDL refresh changed: services added and removed. */
    public record WsdlRefreshView(WsdlView description, List<String> added, List<String> removed) {
    }

    /** How long reading a service description from its URL may take. */
    public static final java.time.Duration DESCRIPTION_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final ServerSettings settings;
    private final ServerKeys keys;
    private final ServerConfStore store;
    private final AdminKeys adminKeys;
    private final java.util.function.Supplier<Optional<CheckpointPublisher>> checkpoints;
    private final java.util.function.Supplier<Optional<RestrictedAccessReader>> restricted;
    private final java.util.function.Supplier<Optional<MemberId>> owner;
    private final ServerAdmin admin;

    public AdminApi(ServerSettings settings, ServerKeys keys, ServerConfStore store, AdminKeys adminKeys,
                    Registration registration) {
        this(settings, keys, store, adminKeys, registration, Optional::empty,
                new HttpDescriptionFetcher(DESCRIPTION_TIMEOUT));
    }

    /**
     * @param checkpoints the running message path's access-log checkpoints, empty while it does not run
     * @param fetcher     reads service descriptions from the URLs operators give
     */
    public AdminApi(ServerSettings settings, ServerKeys keys, ServerConfStore store, AdminKeys adminKeys,
                    Registration registration, java.util.function.Supplier<Optional<CheckpointPublisher>> checkpoints,
                    DescriptionFetcher fetcher) {
        this(settings, adminKeys, new ServerAdmin(keys, store, registration, adminKeys, fetcher), checkpoints);
    }

    /** The API over a service layer shared with the console, so both enforce the same roles and audit alike. */
    public AdminApi(ServerSettings settings, AdminKeys adminKeys, ServerAdmin admin,
                    java.util.function.Supplier<Optional<CheckpointPublisher>> checkpoints) {
        this(settings, adminKeys, admin, checkpoints, Optional::empty);
    }

    /** @param restricted the running message path's reader of restricted accesses, empty while it does not run */
    public AdminApi(ServerSettings settings, AdminKeys adminKeys, ServerAdmin admin,
                    java.util.function.Supplier<Optional<CheckpointPublisher>> checkpoints,
                    java.util.function.Supplier<Optional<RestrictedAccessReader>> restricted) {
        this(settings, adminKeys, admin, checkpoints, restricted, Optional::empty);
    }

    /**
     * @param owner the server's owner as its current global configuration names it; empty while it
     *              has none (then the member its identifier names is reported)
     */
    public AdminApi(ServerSettings settings, AdminKeys adminKeys, ServerAdmin admin,
                    java.util.function.Supplier<Optional<CheckpointPublisher>> checkpoints,
                    java.util.function.Supplier<Optional<RestrictedAccessReader>> restricted,
                    java.util.function.Supplier<Optional<MemberId>> owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.restricted = Objects.requireNonNull(restricted, "restricted");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.keys = admin.keys();
        this.store = admin.store();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.adminKeys = Objects.requireNonNull(adminKeys, "adminKeys");
    }

    /** The service layer this API calls (the console calls the same one). */
    public ServerAdmin admin() {
        return admin;
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        route(server, "GET", "/status", 200, (call, who) -> new Status(settings.serverId().format(), settings.serverAddress(),
                keys.authCertificate().isPresent(), keys.keys().size(), store.current().clients().size(),
                store.current().services().size(), store.current().accessRights().size(),
                store.current().localGroups().size(), owner.get().orElse(settings.serverId().owner()).format()));

        // The inspector's reading of restricted accesses (docs/citizens.md): each reading is logged for the citizen.
        route(server, "GET", "/restricted-accesses", 200, (call, who) -> {
            RestrictedAccessReader reader = restricted.get().orElseThrow(() -> ServerException.notFound(
                    "this server keeps no access log, or its message path is not running"));
            return admin.readRestricted(who, reader, call.queryParam("subject").orElse(null)).stream()
                    .map(RestrictedAccessReader::view).toList();
        });
        route(server, "GET", "/access-log", 200, (call, who) -> checkpoints.get().map(CheckpointPublisher::status)
                .orElseThrow(() -> ServerException.notFound("this server keeps no access log"
                        + " yet: it starts with the message path, once the auth certificate is imported")));
        route(server, "GET", "/access-log/witnesses", 200, (call, who) -> checkpoints.get()
                .flatMap(CheckpointPublisher::notes).map(org.xroadng.securityserver.accesslog.NotePublisher::status)
                .orElseThrow(() -> ServerException.notFound("this server publishes no standard checkpoints yet: it"
                        + " starts with the message path, once the auth certificate is imported")));
        route(server, "GET", "/keys", 200, (call, who) -> {
            List<KeyView> out = new ArrayList<>();
            for (ServerKeys.KeyInfo key : keys.keys()) {
                out.add(view(key));
            }
            return out;
        });
        route(server, "DELETE", "/keys/{id}", 204, (call, who) -> {
            String keyId = call.pathParam("id");
            if (!keyId.matches("[0-9a-f]{1,64}")) {
                throw HttpProblem.badRequest("key id '" + keyId + "' is not one; expected the hex id GET /api/v1/keys"
                        + " lists");
            }
            admin.deleteKey(who, keyId);
            return null;
        });
        route(server, "POST", "/certificates", 201, (call, who) -> {
            String pem = JsonBody.parse(call, Set.of("certificate")).string("certificate");
            List<X509Certificate> chain;
            try {
                chain = Pem.certificates(pem);
            } catch (CertificateException | IllegalArgumentException e) {
                throw HttpProblem.badRequest("field 'certificate' is not a PEM certificate chain: " + e.getMessage());
            }
            return view(admin.importCertificate(who, chain));
        });
        route(server, "POST", "/auth-keys", 201, (call, who) -> {
            JsonBody.parse(call, Set.of());
            String keyId = admin.rotateAuthKey(who);
            return new NewAuthKey(keyId, keys.serverId().format(), keys.csr(keyId));
        });
        route(server, "POST", "/sign-keys", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("member", "token", "rotate"));
            MemberId member = ConfValues.id("member", body.string("member"), MemberId::parse);
            String token = body.optionalString("token");
            String tokenId = token == null || token.equals(ServerKeys.KeyInfo.SOFTWARE) ? null : token;
            String keyId = body.booleanValue("rotate", false) ? admin.rotateSigningKey(who, member, tokenId)
                    : admin.addSigningKey(who, member, tokenId);
            return new NewSignKey(keyId, member.format(), keys.csr(keyId));
        });
        // renewal by ACME (acme.yaml): one key's certificate, or every one that is due
        route(server, "POST", "/certificate-renewals", 200, (call, who) -> {
            String keyId = JsonBody.parse(call, Set.of("keyId")).optionalString("keyId");
            List<ServerAdmin.RenewalOutcome> outcomes = keyId == null ? admin.renewDue(who)
                    : List.of(admin.renewCertificate(who, keyId));
            return outcomes.stream().map(AdminApi::view).toList();
        });
        route(server, "POST", "/registration", 202, (call, who) -> admin.register(who));
        route(server, "POST", "/client-registrations", 202, (call, who) -> admin.registerClient(who, ConfValues.id("client",
                JsonBody.parse(call, Set.of("client")).string("client"), SubsystemId::parse)));

        route(server, "POST", "/management-requests", 202, this::fileOwnerRequest);

        route(server, "GET", "/clients", 200, (call, who) -> store.clients().stream().map(AdminApi::view).toList());
        route(server, "POST", "/clients", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("id", "isAuthentication", "pinnedCertificates"));
            SubsystemId id = ConfValues.id("id", body.string("id"), SubsystemId::parse);
            String auth = Optional.ofNullable(body.optionalString("isAuthentication")).orElse("http");
            LocalClient.IsAuthentication mode = switch (auth.toLowerCase(Locale.ROOT)) {
                case "http" -> LocalClient.IsAuthentication.HTTP;
                case "https" -> LocalClient.IsAuthentication.HTTPS;
                default -> throw HttpProblem.badRequest("field 'isAuthentication' is '" + auth
                        + "'; expected http or https");
            };
            List<X509Certificate> pinned = new ArrayList<>();
            for (String pem : body.strings("pinnedCertificates")) {
                try {
                    pinned.addAll(Pem.certificates(pem));
                } catch (CertificateException | IllegalArgumentException e) {
                    throw HttpProblem.badRequest("field 'pinnedCertificates' holds something that is not a PEM"
                            + " certificate: " + e.getMessage());
                }
            }
            return view(admin.addClient(who, id, mode, pinned));
        });
        route(server, "DELETE", "/clients/{id...}", 204, (call, who) -> {
            admin.deleteClient(who, pathId(call, "id", SubsystemId::parse));
            return null;
        });

        route(server, "GET", "/services", 200, (call, who) -> store.services().stream().map(AdminApi::view).toList());
        route(server, "POST", "/services", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("id", "url", "timeoutSeconds", "personalData"));
            ServiceId id = ConfValues.id("id", body.string("id"), ServiceId::parse);
            return view(admin.addService(who, id, ConfValues.url(body.string("url")), body.intValue("timeoutSeconds", 30),
                    body.booleanValue("personalData", false)));
        });
        route(server, "PUT", "/services/{id...}", 200, (call, who) -> {
            ServiceId id = pathId(call, "id", ServiceId::parse);
            LocalService existing = store.current().service(id)
                    .orElseThrow(() -> ServerException.notFound("no service " + id + " on this server"));
            JsonBody body = JsonBody.parse(call, Set.of("url", "timeoutSeconds", "personalData", "enabled"));
            String url = body.optionalString("url");
            return view(admin.updateService(who, id, url == null ? existing.url() : ConfValues.url(url),
                    body.intValue("timeoutSeconds", (int) existing.timeout().toSeconds()),
                    body.booleanValue("personalData", existing.personalData()),
                    body.booleanValue("enabled", existing.enabled())));
        });
        route(server, "DELETE", "/services/{id...}", 204, (call, who) -> {
            admin.deleteService(who, pathId(call, "id", ServiceId::parse));
            return null;
        });

        route(server, "GET", "/service-descriptions", 200, (call, who) -> store.descriptions().stream().map(AdminApi::view)
                .toList());
        route(server, "POST", "/service-descriptions", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("service", "url", "content"));
            ServiceId service = ConfValues.id("service", body.string("service"), ServiceId::parse);
            String url = body.optionalString("url");
            String content = body.optionalString("content");
            requireOneOf(url, content, "the description");
            return view(admin.addDescription(who, service, url, content));
        });
        route(server, "POST", "/service-descriptions/refresh", 200, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("service", "content"));
            ServiceId service = ConfValues.id("service", body.string("service"), ServiceId::parse);
            String content = body.optionalString("content");
            ServiceDescriptions.Refreshed refreshed = admin.refreshDescription(who, service, content);
            return new RefreshView(view(refreshed.description()), views(refreshed.added()), views(refreshed.removed()));
        });
        route(server, "DELETE", "/service-descriptions/{service...}", 204, (call, who) -> {
            admin.deleteDescription(who, pathId(call, "service", ServiceId::parse));
            return null;
        });

        route(server, "GET", "/wsdl-descriptions", 200, (call, who) -> store.wsdls().stream().map(AdminApi::view).toList());
        route(server, "POST", "/wsdl-descriptions", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("provider", "url", "content", "personalData"));
            SubsystemId provider = ConfValues.id("provider", body.string("provider"), SubsystemId::parse);
            String url = body.optionalString("url");
            String content = body.optionalString("content");
            requireOneOf(url, content, "the WSDL");
            boolean personalData = body.booleanValue("personalData", false);
            return view(admin.addWsdl(who, provider, url, content, personalData));
        });
        route(server, "POST", "/wsdl-descriptions/refresh", 200, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("id", "content"));
            String content = body.optionalString("content");
            int id = body.intValue("id", -1);
            if (id < 1) {
                throw HttpProblem.badRequest("'id' is required: the number of the WSDL description, as"
                        + " GET /wsdl-descriptions lists it");
            }
            ServerConfStore.WsdlChange change = admin.refreshWsdl(who, id, content);
            return new WsdlRefreshView(view(change.description()), codes(change.added()), codes(change.removed()));
        });
        route(server, "DELETE", "/wsdl-descriptions/{id}", 204, (call, who) -> {
            admin.deleteWsdl(who, number("WSDL description id", call.pathParam("id")));
            return null;
        });

        route(server, "GET", "/access-rights", 200, (call, who) -> store.accessRights().stream().map(AdminApi::view).toList());
        route(server, "POST", "/access-rights", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("service", "subject", "method", "path", "purposes",
                    "restrictionAuthority", "restrictionMaxDays"));
            ServiceId service = ConfValues.id("service", body.string("service"), ServiceId::parse);
            AccessRight.Subject subject = ConfValues.subject(body.string("subject"));
            int maxDays = body.intValue("restrictionMaxDays", -1);
            return view(admin.grant(who, service, subject, body.optionalString("method"), body.optionalString("path"),
                    body.strings("purposes"), body.optionalString("restrictionAuthority"), maxDays < 0 ? null
                            : maxDays));
        });
        route(server, "DELETE", "/access-rights/{id}", 204, (call, who) -> {
            admin.revoke(who, number("access right id", call.pathParam("id")));
            return null;
        });

        route(server, "GET", "/local-groups", 200, (call, who) -> store.localGroups().stream().map(AdminApi::view).toList());
        route(server, "POST", "/local-groups", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("code", "description"));
            return view(admin.addLocalGroup(who, body.string("code"), body.string("description")));
        });
        route(server, "DELETE", "/local-groups/{code}", 204, (call, who) -> {
            admin.deleteLocalGroup(who, call.pathParam("code"));
            return null;
        });
        route(server, "POST", "/local-groups/{code}/members", 201, (call, who) -> view(admin.addLocalGroupMember(who, 
                call.pathParam("code"), ConfValues.id("id", JsonBody.parse(call, Set.of("id")).string("id"),
                        SubsystemId::parse))));
        route(server, "DELETE", "/local-groups/{code}/members/{id...}", 200, (call, who) -> view(admin.removeLocalGroupMember(who, 
                call.pathParam("code"), pathId(call, "id", SubsystemId::parse))));

        route(server, "GET", "/users", 200, (call, who) -> admin.users().list().stream().map(AdminApi::view).toList());
        route(server, "POST", "/users", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("name", "password", "roles"));
            Set<Role> roles = roles(body.strings("roles"));
            return view(admin.addUser(who, body.string("name"), body.string("password"), roles));
        });
        route(server, "PUT", "/users/{name}/password", 204, (call, who) -> {
            admin.setPassword(who, call.pathParam("name"), JsonBody.parse(call, Set.of("password")).string("password"));
            return null;
        });
        route(server, "DELETE", "/users/{name}", 204, (call, who) -> {
            admin.deleteUser(who, call.pathParam("name"));
            return null;
        });
        route(server, "GET", "/api-keys", 200, (call, who) -> admin.adminKeys().list().stream().map(k -> new ApiKeyView(
                k.id(), k.label(), k.roles().stream().map(Role::code).sorted().toList(), k.createdAt().toString(),
                k.revokedAt().map(Object::toString).orElse(null))).toList());
        route(server, "POST", "/api-keys", 201, (call, who) -> {
            JsonBody body = JsonBody.parse(call, Set.of("label", "roles"));
            Set<Role> roles = roles(body.strings("roles"));
            AdminKeys.CreatedKey created = admin.createApiKey(who, body.string("label"), roles);
            return new NewApiKey(created.id(), created.label(), roles.stream().map(Role::code).sorted().toList(),
                    created.key());
        });
        route(server, "DELETE", "/api-keys/{id}", 204, (call, who) -> {
            admin.revokeApiKey(who, number("API key id", call.pathParam("id")));
            return null;
        });
        route(server, "GET", "/audit", 200, (call, who) -> {
            int limit = (int) number("limit", call.queryParam("limit").orElse("100"));
            long offset = number("offset", call.queryParam("offset").orElse("0"));
            if (offset < 0 || offset > Integer.MAX_VALUE) {
                throw HttpProblem.badRequest("offset " + offset + " is not one; expected 0 or more (rows to skip,"
                        + " newest first)");
            }
            return store.auditTrail((int) offset, limit, call.queryParam("action")).stream().map(e -> new AuditView(e.id(),
                    e.at().toString(), e.actor(), e.action(), e.target(), e.outcome())).toList();
        });
        return server;
    }

    private static Set<Role> roles(List<String> codes) throws HttpProblem {
        try {
            return Role.parse(String.join(" ", codes));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field 'roles': " + e.getMessage());
        }
    }

    private static UserView view(ConsoleUsers.User user) {
        return new UserView(user.name(), user.roles().stream().map(Role::code).sorted().toList(),
                user.createdAt().toString(), user.lockedUntil().map(Object::toString).orElse(null));
    }

    private void route(HttpApiServer.Builder server, String method, String path, int status, Operation operation) {
        server.route(method, PREFIX + path, call -> {
            Operator who = authenticate(call);
            try {
                Object result = operation.run(call, who);
                return result == null ? HttpReply.noContent() : HttpReply.json(status, result);
            } catch (ServerException e) {
                throw problem(e);
            } catch (AccessDeniedException e) {
                throw new HttpProblem(403, "Forbidden", e.getMessage());
            } catch (RegistrationException e) {
                throw problem(e);
            } catch (TokenException e) {
                throw new HttpProblem(500, "Server.Token", "the server's token failed: " + e.getMessage());
            } catch (DescriptionException e) {
                throw problem(e);
            }
        });
    }

    /** The operator the key stands for; a missing or unknown key is a 401 and nothing runs. */
    private Operator authenticate(HttpCall call) throws HttpProblem {
        Optional<String> header = call.header("Authorization");
        String key = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim())
                .orElse(null);
        Optional<Operator> operator = key == null ? Optional.empty() : adminKeys.authenticate(key);
        if (operator.isEmpty()) {
            String reason = header.isEmpty() ? "no API key" : "unknown or revoked API key";
            throw new HttpProblem(401, "Unauthorized", reason + "; send 'Authorization: Bearer <admin API key>'");
        }
        return operator.get();
    }

    /** A renewal's outcome as the API shows it. */
    record RenewalView(String keyId, String role, String identity, String newKeyId, String serial, String notAfter,
                       String failure, String registration, String registrationFailure) {
    }

    private static RenewalView view(ServerAdmin.RenewalOutcome o) {
        CertificateRenewal.Renewed r = o.renewed();
        return new RenewalView(o.keyId(), r == null ? null : r.role().name().toLowerCase(Locale.ROOT),
                r == null ? null : r.identity().format(), r == null ? null : r.keyId(),
                r == null ? null : r.certificate().getSerialNumber().toString(16),
                r == null ? null : r.certificate().getNotAfter().toInstant().toString(), o.failure(),
                o.registration() == null ? null : o.registration().type() + " " + o.registration().id() + " "
                        + o.registration().status(), o.registrationFailure());
    }

    /** Maps a refusal to its HTTP status and error type. */
    public static HttpProblem problem(ServerException e) {
        return switch (e.kind()) {
            case BAD_REQUEST -> new HttpProblem(400, "BadRequest", e.getMessage());
            case NOT_FOUND -> new HttpProblem(404, "NotFound", e.getMessage());
            case CONFLICT -> new HttpProblem(409, "Conflict", e.getMessage());
            case UPSTREAM -> new HttpProblem(502, "BadGateway", e.getMessage());
        };
    }

    /**
     * Files one of the requests the server's owner signs about its server: {@code type}
     * {@code clientDeletion}, {@code clientDisable} or {@code clientEnable} with {@code client};
     * {@code authCertDeletion} with an optional PEM {@code certificate} (else the current
     * authentication certificate); {@code addressChange} with {@code address}; {@code ownerChange}
     * with {@code newOwner}, a member (signed by that member's key, not the owner's).
     */
    private Registration.Filed fileOwnerRequest(HttpCall call, Operator who) throws HttpProblem, AccessDeniedException,
            ServerException, RegistrationException, TokenException, DescriptionException {
        JsonBody body = JsonBody.parse(call, Set.of("type", "client", "certificate", "address", "newOwner"));
        String type = body.string("type");
        if (ClientChangeRequest.TYPES.contains(type)) {
            requireOnly(body, type, "client");
            return admin.changeClient(who, type, ConfValues.id("client", body.string("client"), SubsystemId::parse));
        }
        if (type.equals(AuthCertDeletionRequest.TYPE)) {
            requireOnly(body, type, "certificate");
            String pem = body.optionalString("certificate");
            if (pem == null) {
                return admin.deleteAuthCertificate(who, Optional.empty());
            }
            try {
                return admin.deleteAuthCertificate(who, Optional.of(Pem.certificate(pem)));
            } catch (CertificateException | IllegalArgumentException e) {
                throw HttpProblem.badRequest("field 'certificate' is not a PEM certificate: " + e.getMessage());
            }
        }
        if (type.equals(AddressChangeRequest.TYPE)) {
            requireOnly(body, type, "address");
            String address = body.string("address");
            try {
                AddressChangeRequest.checkAddress(address);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("field 'address': " + e.getMessage());
            }
            return admin.changeAddress(who, address);
        }
        if (type.equals(OwnerChangeRequest.TYPE)) {
            requireOnly(body, type, "newOwner");
            return admin.changeOwner(who, ConfValues.id("newOwner", body.string("newOwner"), MemberId::parse));
        }
        throw HttpProblem.badRequest("field 'type' is '" + type + "'; expected one of clientDeletion, clientDisable,"
                + " clientEnable, authCertDeletion, addressChange, ownerChange (authCertReg and clientReg are filed at"
                + " /api/v1/registration and /api/v1/client-registrations)");
    }

    /** Refuses fields of other request types than {@code type}'s one field {@code allowed}. */
    private static void requireOnly(JsonBody body, String type, String allowed) throws HttpProblem {
        for (String field : List.of("client", "certificate", "address", "newOwner")) {
            if (!field.equals(allowed) && body.optionalString(field) != null) {
                throw HttpProblem.badRequest("field '" + field + "' does not belong to a " + type + " request;"
                        + " expected only 'type' and '" + allowed + "'");
            }
        }
    }

    /** Maps a refused description: not valid OpenAPI 3 400, not readable from its URL 502. */
    public static HttpProblem problem(DescriptionException e) {
        return e.kind() == DescriptionException.Kind.INVALID
                ? new HttpProblem(400, "InvalidServiceDescription", e.getMessage())
                : new HttpProblem(502, "ServiceDescriptionUnavailable", e.getMessage());
    }

    /** Maps a registration failure: not ready 409, unavailable 502, refused with the registry's status. */
    public static HttpProblem problem(RegistrationException e) {
        int status = switch (e.kind()) {
            case NOT_READY -> 409;
            case UNAVAILABLE -> 502;
            case REFUSED -> e.registryStatus() >= 400 && e.registryStatus() < 500 ? e.registryStatus() : 502;
        };
        return new HttpProblem(status, e.type(), e.getMessage());
    }

    private static <T> T pathId(HttpCall call, String name, java.util.function.Function<String, T> parse)
            throws HttpProblem, ServerException {
        String decoded;
        try {
            decoded = PercentDecoding.decode(call.pathParam(name));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("path is malformed: " + e.getMessage());
        }
        return ConfValues.id("path", decoded, parse);
    }

    static long number(String what, String text) throws HttpProblem {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest(what + " '" + text + "' is not a number");
        }
    }

    /** A document is given either by URL or as content, never both or neither. */
    private static void requireOneOf(String url, String content, String what) throws HttpProblem {
        if ((url == null) == (content == null)) {
            throw HttpProblem.badRequest("give " + what + " either by 'url' (read now, and again on each refresh) or"
                    + " as 'content' (the document itself), not " + (url == null ? "neither" : "both"));
        }
    }

    private static WsdlView view(WsdlDescription d) {
        return new WsdlView(d.id(), d.provider().format(), d.source().map(java.net.URI::toString).orElse("uploaded"),
                d.content().length, d.refreshedAt().toString(), codes(d.services()));
    }

    private static List<String> codes(List<ServiceId> services) {
        return services.stream().map(ServiceId::serviceCode).toList();
    }

    private KeyView view(ServerKeys.KeyInfo key) {
        X509Certificate certificate = key.certificate().orElse(null);
        Boolean inUse = key.role() != ServerKeys.Role.AUTH ? null
                : keys.authKeyInUse().map(k -> k.keyId().equals(key.keyId())).orElse(false);
        return new KeyView(key.keyId(), key.role().name().toLowerCase(Locale.ROOT), key.identity().format(),
                certificate != null, certificate == null ? null : certificate.getSubjectX500Principal().getName(),
                certificate == null ? null : certificate.getNotAfter().toInstant().toString(),
                certificate == null ? null : ServerConfStore.sha256(certificate), key.token(), inUse);
    }

    private static ClientView view(LocalClient client) {
        return new ClientView(client.id().format(), client.authentication().name().toLowerCase(Locale.ROOT),
                List.copyOf(new TreeSet<>(client.pinnedCertificateHashes())), client.registered());
    }

    private static ServiceView view(LocalService service) {
        return new ServiceView(service.id().format(), service.url().toString(), service.timeout().toSeconds(),
                service.personalData(), service.enabled());
    }

    private static AccessRightView view(ServerConfStore.Grant grant) {
        AccessRight right = grant.right();
        return new AccessRightView(grant.id(), right.service().format(), right.subject().format(), right.method(),
                right.path().pattern(), List.copyOf(new TreeSet<>(right.purposes())),
                right.restriction() == null ? null : right.restriction().authority(),
                right.restriction() == null ? null : right.restriction().maxDays());
    }

    private static DescriptionView view(ServiceDescription d) {
        return new DescriptionView(d.service().format(), d.source().map(java.net.URI::toString).orElse("uploaded"),
                d.contentType(), d.size(), d.refreshedAt().toString(), views(d.endpoints()));
    }

    private static List<EndpointView> views(List<ServiceEndpoint> endpoints) {
        return endpoints.stream().map(e -> new EndpointView(e.method(), e.path())).toList();
    }

    private static LocalGroupView view(LocalGroup group) {
        return new LocalGroupView(group.code(), group.description(),
                group.members().stream().map(SubsystemId::format).sorted().toList());
    }

}
