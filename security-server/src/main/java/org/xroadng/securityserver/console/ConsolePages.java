package org.xroadng.securityserver.console;

import static org.xroadng.securityserver.console.ConsoleFields.id;
import static org.xroadng.securityserver.console.ConsoleFields.idOf;
import static org.xroadng.securityserver.console.ConsoleFields.number;
import static org.xroadng.securityserver.console.ConsoleFields.required;
import static org.xroadng.securityserver.console.ConsoleFields.roles;
import static org.xroadng.securityserver.console.ConsoleFields.timeout;
import static org.xroadng.securityserver.console.ConsoleFields.url;

import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xroadng.auditlog.web.FormBody;
import org.xroadng.auditlog.web.Pager;
import org.xroadng.auditlog.web.ViewerZone;
import org.xroadng.certs.Pem;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.admin.AccessDeniedException;
import org.xroadng.securityserver.admin.AdminKeys;
import org.xroadng.securityserver.admin.Permission;
import org.xroadng.securityserver.admin.ConsoleUsers;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.admin.ServerAdmin;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.ConfValues;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.evidence.EvidenceBundle;
import org.xroadng.securityserver.evidence.EvidenceExportException;
import org.xroadng.securityserver.evidence.EvidenceExporter;
import org.xroadng.securityserver.keys.CertificateExpiry;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.StoredExchange;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * The console's pages and the actions their forms post. Each action validates its fields first
 * (a bad value is a 400 page with a message next to the field and nothing stored), then calls
 * {@link ServerAdmin}, which checks the operator's roles and audits; a success redirects to the page
 * with a notice (POST-redirect-GET), a refusal by role is a 403 page saying so.
 */
final class ConsolePages {

    /** An action a form asks for. */
    @FunctionalInterface
    interface Action {
        void run(Operator who, FormBody form) throws FieldProblem, AccessDeniedException, ServerException, RegistrationException,
                TokenException, DescriptionException;
    }

    private final OperatorConsole console;
    private final ServerAdmin admin;
    private final ServerStatus status;
    private final Clock clock;

    ConsolePages(OperatorConsole console, ServerAdmin admin, ServerStatus status, Clock clock) {
        this.console = console;
        this.admin = admin;
        this.status = status;
        this.clock = clock;
    }

    void addTo(HttpApiServer.Builder server) {
        server.route("GET", "/", call -> console.viewed(call, r -> show(r, "dashboard", 200, Map.of())));
        for (String page : List.of("services", "descriptions", "access-rights", "clients", "local-groups", "keys",
                "message-log", "audit", "users", "api-keys")) {
            server.route("GET", "/" + page, call -> console.viewed(call, r -> show(r, page, 200, Map.of())));
        }
        post(server, "/services", "services", "done.serviceAdded", this::addService);
        post(server, "/services/update", "services", "done.serviceUpdated", this::updateService);
        post(server, "/services/delete", "services", "done.serviceDeleted", (who, form) -> admin.deleteService(who,
                id(form, "service", ServiceId::parse)));
        new DescriptionForms(this, admin).addTo(server);
        post(server, "/access-rights", "access-rights", "done.granted", this::grant);
        post(server, "/access-rights/revoke", "access-rights", "done.revoked",
                (who, form) -> admin.revoke(who, number(form, "id")));
        post(server, "/clients", "clients", "done.clientAdded", (who, form) -> admin.addClient(who,
                id(form, "client", SubsystemId::parse), LocalClient.IsAuthentication.HTTP, List.of()));
        post(server, "/clients/register", "clients", "done.clientRegistration", (who, form) -> admin.registerClient(who,
                id(form, "client", SubsystemId::parse)));
        post(server, "/clients/delete", "clients", "done.clientDeleted", (who, form) -> admin.deleteClient(who,
                id(form, "client", SubsystemId::parse)));
        // the owner's management requests about a client: X-Road's clientDeletion, clientDisable, clientEnable
        for (Map.Entry<String, String> change : Map.of("/clients/unregister", "clientDeletion", "/clients/disable",
                "clientDisable", "/clients/enable", "clientEnable").entrySet()) {
            post(server, change.getKey(), "clients", "done." + change.getValue(), (who, form) -> admin.changeClient(who,
                    change.getValue(), id(form, "client", SubsystemId::parse)));
        }
        // X-Road's ownerChange: signed by the member that is to own the server, not by the owner
        post(server, "/clients/make-owner", "clients", "done.ownerChange", (who, form) -> admin.changeOwner(who,
                id(form, "member", MemberId::parse)));
        post(server, "/local-groups", "local-groups", "done.groupAdded", (who, form) -> {
            String code = required(form, "code");
            String description = required(form, "description");
            try {
                admin.addLocalGroup(who, ConfValues.code("local group code", code), description);
            } catch (ServerException e) {
                throw new FieldProblem("code", e.kind() == ServerException.Kind.CONFLICT ? "field.duplicate"
                        : "field.refusedHere", e.getMessage());
            }
        });
        post(server, "/local-groups/members", "local-groups", "done.memberAdded", this::addGroupMember);
        post(server, "/keys/sign-key", "keys", "done.keyAdded", (who, form) -> admin.addSigningKey(who,
                id(form, "member", MemberId::parse), token(form)));
        post(server, "/keys/rotate-sign", "keys", "done.signKeyRotated", (who, form) -> admin.rotateSigningKey(who,
                id(form, "member", MemberId::parse), token(form)));
        post(server, "/keys/rotate-auth", "keys", "done.authKeyRotated", (who, form) -> admin.rotateAuthKey(who));
        post(server, "/keys/delete", "keys", "done.keyDeleted", (who, form) -> {
            String keyId = required(form, "keyId");
            if (!keyId.matches("[0-9a-f]{1,64}")) {
                throw new FieldProblem("form", "field.keyId", keyId);
            }
            if (!form.get("confirm").equals("yes")) {
                throw new FieldProblem("form", "field.confirmDelete", keyId);
            }
            admin.deleteKey(who, keyId);
        });
        post(server, "/keys/import", "keys", "done.certificateImported", (who, form) -> {
            List<X509Certificate> chain;
            try {
                chain = Pem.certificates(required(form, "certificate"));
            } catch (CertificateException | IllegalArgumentException e) {
                throw new FieldProblem("certificate", "field.certificate", e.getMessage());
            }
            if (chain.isEmpty()) {
                throw new FieldProblem("certificate", "field.certificate", "no certificate in the text");
            }
            try {
                admin.importCertificate(who, chain);
            } catch (ServerException e) {
                // for no key of this server, or not fitting its key: said next to the text, audited as failed
                throw new FieldProblem("certificate", "field.certificateRefused", e.getMessage());
            }
        });
        post(server, "/users", "users", "done.userAdded", this::addUser);
        post(server, "/users/delete", "users", "done.userDeleted", (who, form) -> {
            String name = required(form, "name");
            try {
                admin.deleteUser(who, name);
            } catch (ServerException e) {
                refuseLastAdministrator(e, "field.lastAdministratorUser", name);
            }
        });
        post(server, "/users/password", "users", "done.passwordSet", (who, form) -> {
            String name = required(form, "name");
            try {
                ConsoleUsers.password(form.raw("password"));
            } catch (ServerException e) {
                throw new FieldProblem("password-" + name, "field.password", "");
            }
            admin.setPassword(who, name, form.raw("password"));
        });
        post(server, "/api-keys/revoke", "api-keys", "done.apiKeyRevoked", (who, form) -> {
            long id = number(form, "id");
            try {
                admin.revokeApiKey(who, id);
            } catch (ServerException e) {
                refuseLastAdministrator(e, "field.lastAdministratorKey", "#" + id);
            }
        });
        // a new key is shown once, on the page that answers the POST: never in a URL or a redirect
        server.route("POST", "/api-keys", call -> console.posted(call, r -> {
            FormBody form = FormBody.parse(call);
            try {
                AdminKeys.CreatedKey created = createApiKey(r.operator(), form);
                return show(r, "api-keys", 200, Map.of("created", created, "done", "done.apiKeyCreated"));
            } catch (FieldProblem e) {
                return show(r, "api-keys", 400, Map.of("errors", Map.of(e.field(),
                        console.message(r.language(), e.key(), e.getMessage())), "values", form.values()));
            } catch (AccessDeniedException e) {
                return show(r, "api-keys", 403, Map.of("refusal", console.message(r.language(), "refused.role",
                        e.getMessage()), "values", form.values()));
            } catch (ServerException | DescriptionException | TokenException | RegistrationException e) {
                return show(r, "api-keys", 400, Map.of("errors", Map.of("form",
                        console.message(r.language(), "field.refused", e.getMessage())), "values", form.values()));
            }
        }));
        post(server, "/keys/register", "keys", "done.serverRegistration", (who, form) -> admin.register(who));
        server.route("GET", "/keys/csr", call -> console.viewed(call, this::csr));
        server.route("GET", "/message-log/evidence", call -> console.viewed(call, this::evidence));
    }

    void post(HttpApiServer.Builder server, String path, String page, String done, Action action) {
        server.route("POST", path, call -> console.posted(call, r -> {
            FormBody form = FormBody.parse(call);
            try {
                action.run(r.operator(), form);
                return OperatorConsole.redirect("/" + page + "?done=" + done);
            } catch (FieldProblem e) {
                return show(r, page, 400, Map.of("errors", Map.of(e.field(),
                        console.message(r.language(), e.key(), e.getMessage())), "values", form.values()));
            } catch (AccessDeniedException e) {
                return show(r, page, 403, Map.of("refusal", console.message(r.language(), "refused.role",
                        e.getMessage()), "values", form.values()));
            } catch (ServerException | DescriptionException | TokenException | RegistrationException e) {
                int code = e instanceof ServerException s && s.kind() == ServerException.Kind.CONFLICT ? 409 : 400;
                return show(r, page, code, Map.of("errors", Map.of("form",
                        console.message(r.language(), "field.refused", e.getMessage())), "values", form.values()));
            }
        }));
    }

    // actions

    /**
     * A removal refused because it would leave no system administrator (the only conflict a user's
     * deletion or a key's revocation meets) in the viewer's language; any other failure as it came.
     */
    private static void refuseLastAdministrator(ServerException e, String key, String what)
            throws FieldProblem, ServerException {
        if (e.kind() == ServerException.Kind.CONFLICT) {
            throw new FieldProblem("form", key, what);
        }
        throw e;
    }

    private void addService(Operator who, FormBody form) throws FieldProblem, AccessDeniedException, ServerException,
            RegistrationException, TokenException, DescriptionException {
        String provider = required(form, "provider");
        String code = required(form, "code");
        ServiceId id = idOf("code", provider + "/" + code, ServiceId::parse);
        URI url = url(form);
        int timeout = timeout(form);
        try {
            admin.addService(who, id, url, timeout, form.checked("personalData"));
        } catch (ServerException e) {
            throw e.kind() == ServerException.Kind.CONFLICT ? new FieldProblem("code", "field.duplicate", e.getMessage())
                    : new FieldProblem("code", "field.refusedHere", e.getMessage());
        }
    }

    private AdminKeys.CreatedKey createApiKey(Operator who, FormBody form) throws FieldProblem, AccessDeniedException,
            ServerException, RegistrationException, TokenException, DescriptionException {
        // a refusal by role comes first, so that it is audited whatever the fields hold
        admin.require(who, Permission.MANAGE_USERS, "apiKey.create", form.get("label"));
        String label;
        try {
            label = AdminKeys.label(required(form, "label"));
        } catch (ServerException e) {
            throw new FieldProblem("label", "field.label", "");
        }
        return admin.createApiKey(who, label, roles(form));
    }

    /** The token a new key goes in: {@code software} (or nothing) for the software token, else an HSM token's id. */
    private String token(FormBody form) throws FieldProblem {
        String token = form.get("token");
        if (token.isEmpty() || token.equals(ServerKeys.KeyInfo.SOFTWARE)) {
            return null;
        }
        if (!admin.keys().hsmTokens().contains(token)) {
            throw new FieldProblem("token", "field.token", token);
        }
        return token;
    }

    private void addUser(Operator who, FormBody form) throws FieldProblem, AccessDeniedException, ServerException,
            RegistrationException, TokenException, DescriptionException {
        String name;
        try {
            name = ConsoleUsers.name(form.get("name"));
        } catch (ServerException e) {
            throw new FieldProblem("name", "field.name", "");
        }
        String password;
        try {
            password = ConsoleUsers.password(form.raw("password"));
        } catch (ServerException e) {
            throw new FieldProblem("password", "field.password", "");
        }
        java.util.Set<Role> roles = roles(form);
        try {
            admin.addUser(who, name, password, roles);
        } catch (ServerException e) {
            if (e.kind() == ServerException.Kind.CONFLICT) {
                throw new FieldProblem("name", "field.duplicate", e.getMessage());
            }
            throw e;
        }
    }

    private void addGroupMember(Operator who, FormBody form) throws FieldProblem, AccessDeniedException,
            ServerException, RegistrationException, TokenException, DescriptionException {
        String group = required(form, "group");
        if (!admin.store().current().localGroups().containsKey(group)) {
            throw new FieldProblem("group", "field.unknownGroup", group);
        }
        SubsystemId member = id(form, "member", SubsystemId::parse);
        try {
            admin.addLocalGroupMember(who, group, member);
        } catch (ServerException e) {
            throw new FieldProblem("member", e.kind() == ServerException.Kind.CONFLICT ? "field.duplicate"
                    : "field.refusedHere", e.getMessage());
        }
    }

    /**
     * A service's row forms: enable or disable, or its timeout and personal-data flag. A bad timeout
     * is shown in that service's row ({@code timeout-CODE}), not by the add form's field.
     */
    private void updateService(Operator who, FormBody form) throws FieldProblem, AccessDeniedException, ServerException,
            RegistrationException, TokenException, DescriptionException {
        ServiceId id = id(form, "service", ServiceId::parse);
        LocalService existing = admin.store().current().service(id)
                .orElseThrow(() -> new FieldProblem("service", "field.unknownService", id.format()));
        boolean enabled = switch (form.get("enabled")) {
            case "true" -> true;
            case "false" -> false;
            default -> existing.enabled();
        };
        URI url = form.get("url").isEmpty() ? existing.url() : url(form);
        int timeout;
        try {
            timeout = form.get("timeoutSeconds").isEmpty() ? (int) existing.timeout().toSeconds() : timeout(form);
        } catch (FieldProblem e) {
            throw new FieldProblem("timeout-" + id.serviceCode(), e.key(), e.getMessage());
        }
        boolean personal = form.get("edit").equals("details") ? form.checked("personalData") : existing.personalData();
        admin.updateService(who, id, url, timeout, personal, enabled);
    }

    private void grant(Operator who, FormBody form) throws FieldProblem, AccessDeniedException, ServerException,
            RegistrationException, TokenException, DescriptionException {
        ServiceId service = id(form, "service", ServiceId::parse);
        AccessRight.Subject subject;
        try {
            subject = ConfValues.subject(required(form, "subject"));
        } catch (ServerException e) {
            throw new FieldProblem("subject", "field.subject", e.getMessage());
        }
        String method = form.get("method").isEmpty() ? "*" : form.get("method");
        try {
            ConfValues.method(method);
        } catch (ServerException e) {
            throw new FieldProblem("method", "field.method", e.getMessage());
        }
        String path = form.get("path").isEmpty() ? "/**" : form.get("path");
        try {
            ConfValues.pathGlob(path);
        } catch (ServerException e) {
            throw new FieldProblem("path", "field.path", e.getMessage());
        }
        List<String> purposes = new ArrayList<>();
        for (String purpose : form.get("purposes").split("[\\s,]+")) {
            if (!purpose.isEmpty()) {
                try {
                    purposes.add(ConfValues.code("purpose", purpose));
                } catch (ServerException e) {
                    throw new FieldProblem("purposes", "field.purposes", e.getMessage());
                }
            }
        }
        try {
            admin.grant(who, service, subject, method, path, purposes);
        } catch (ServerException e) {
            if (e.kind() == ServerException.Kind.CONFLICT) {
                throw new FieldProblem("subject", "field.duplicate", e.getMessage());
            }
            throw e;
        }
    }

    // downloads

    private HttpReply csr(OperatorConsole.Request r) throws HttpProblem {
        String keyId = r.call().queryParam("keyId").orElseThrow(() -> HttpProblem.badRequest(
                "query parameter 'keyId' is missing; expected the id of a key, as the keys page lists it"));
        try {
            String pem = admin.csr(r.operator(), keyId);
            return HttpReply.of(200, "application/pkcs10", pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .withHeader("Content-Disposition", "attachment; filename=\"" + keyId.replaceAll("[^A-Za-z0-9._-]", "_")
                            + ".csr\"");
        } catch (AccessDeniedException e) {
            return show(r, "keys", 403, Map.of("refusal", console.message(r.language(), "refused.role", e.getMessage())));
        } catch (ServerException | RegistrationException | TokenException | DescriptionException e) {
            return show(r, "keys", 404, Map.of("errors", Map.of("form", console.message(r.language(), "field.refused",
                    e.getMessage()))));
        }
    }

    private HttpReply evidence(OperatorConsole.Request r) throws HttpProblem {
        String queryId = r.call().queryParam("queryId").orElse("");
        String side = r.call().queryParam("side").orElse("");
        Map<String, Object> values = Map.of("queryId", queryId);
        if (!side.equals("consumer") && !side.equals("provider")) {
            return show(r, "message-log", 400, Map.of("errors", Map.of("form", console.message(r.language(),
                    "field.side", side)), "values", values));
        }
        try {
            admin.require(r.operator(), org.xroadng.securityserver.admin.Permission.EXPORT_EVIDENCE, "evidence.export",
                    queryId + " " + side);
        } catch (AccessDeniedException e) {
            return show(r, "message-log", 403, Map.of("refusal", console.message(r.language(), "refused.role",
                    e.getMessage()), "values", values));
        }
        Optional<String> configuration = status.signedConfiguration();
        if (status.messageLog().isEmpty() || configuration.isEmpty()) {
            return show(r, "message-log", 409, Map.of("errors", Map.of("form", console.message(r.language(),
                    "messageLog.unavailable")), "values", values));
        }
        try {
            EvidenceBundle bundle = new EvidenceExporter(status.messageLog().get()).export(queryId, side,
                    configuration.get());
            admin.store().record(r.operator().auditName(), "evidence.export", queryId + " " + side,
                    ServerConfStore.SUCCESS);
            return HttpReply.of(200, "application/json", bundle.toJson()).withHeader("Content-Disposition",
                    "attachment; filename=\"evidence-" + queryId.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + side
                            + ".json\"");
        } catch (EvidenceExportException e) {
            admin.store().record(r.operator().auditName(), "evidence.export", queryId + " " + side,
                    "failed: " + e.getMessage());
            return show(r, "message-log", 404, Map.of("errors", Map.of("queryId", console.message(r.language(),
                    "field.refused", e.getMessage())), "values", values));
        }
    }

    // pages

    private HttpReply show(OperatorConsole.Request r, String page, int code, Map<String, Object> extra) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("errors", Map.of());
        model.put("values", Map.of());
        model.put("refusal", null);
        model.put("done", r.call().query().getOrDefault("done", List.of()).stream().filter(d -> d.matches(
                "done\\.[A-Za-z]+")).findFirst().orElse(null));
        model.putAll(extra);
        // dates as dd/MM/yyyy, times in the viewer's zone (ViewerZone: console.js's cookie, else UTC)
        ViewerZone time = r.zone();
        ServerConfStore store = admin.store();
        switch (page) {
            case "dashboard" -> dashboard(model, time);
            case "services" -> {
                model.put("services", store.services());
                model.put("clients", store.clients());
            }
            case "access-rights" -> {
                model.put("rights", store.accessRights());
                model.put("services", store.services());
            }
            case "clients" -> {
                model.put("clients", store.clients());
                var registered = status.globalConfiguration().flatMap(g -> g.securityServers().stream()
                        .filter(s -> s.id().equals(admin.keys().serverId())).findFirst());
                model.put("disabledClients", registered
                        .map(s -> s.disabledClients().stream().map(SubsystemId::format).toList()).orElse(List.of()));
                model.put("owner", registered.map(GlobalConfiguration.SecurityServer::owner)
                        .orElse(admin.keys().serverId().owner()).format());
            }
            case "descriptions" -> descriptions(model, time);
            case "api-keys" -> {
                model.putIfAbsent("created", null);
                model.put("allRoles", java.util.Arrays.stream(Role.values()).map(Role::code).toList());
                model.put("apiKeys", admin.adminKeys().list().stream().map(k -> Map.of("id", k.id(), "label", k.label(),
                        "roles", Role.format(k.roles()), "created", time.format(k.createdAt()),
                        "iso", k.createdAt().toString(), "revoked", k.revokedAt().map(time::format).orElse(""),
                        "active", k.revokedAt().isEmpty())).toList());
            }
            case "local-groups" -> model.put("groups", store.localGroups());
            case "keys" -> {
                model.put("keys", keys(time));
                List<String> tokens = new ArrayList<>();
                tokens.add(ServerKeys.KeyInfo.SOFTWARE);
                tokens.addAll(admin.keys().hsmTokens());
                model.put("tokens", tokens);
            }
            case "message-log" -> messageLog(r, model);
            case "users" -> {
                model.put("allRoles", java.util.Arrays.stream(Role.values()).map(Role::code).toList());
                model.put("users", admin.users().list().stream().map(u -> Map.of("name", u.name(),
                        "roles", Role.format(u.roles()), "created", time.format(u.createdAt()),
                        "iso", u.createdAt().toString(),
                        "locked", u.lockedUntil().map(time::format).orElse("-"))).toList());
            }
            case "audit" -> {
                int number;
                try {
                    number = Pager.number(r.call().query().get("page"));
                } catch (IllegalArgumentException e) {
                    model.put("errors", Map.of("form", console.message(r.language(), "field.refused", e.getMessage())));
                    return console.render(r, 400, page, console.message(r.language(), "page." + page), model);
                }
                model.put("pager", Pager.links("/audit?", "page", number, store.auditCount()));
                model.put("entries", store.auditTrail(Pager.offset(number), Pager.PAGE_SIZE, Optional.empty()).stream()
                        .map(e -> Map.of("at", time.format(e.at()), "iso", e.at().toString(), "actor", e.actor(),
                                "action", e.action(), "target", e.target(), "detail", e.outcome(),
                                "ok", e.outcome().equals(ServerConfStore.SUCCESS))).toList());
            }
            default -> throw new IllegalStateException("no console page " + page);
        }
        return console.render(r, code, page, console.message(r.language(), "page." + page), model);
    }

    private void dashboard(Map<String, Object> model, ViewerZone time) {
        Instant now = clock.instant();
        model.put("global", status.globalConfiguration().map(g -> Map.of("version", g.version(),
                "generatedAt", time.format(g.generatedAt()), "iso", g.generatedAt().toString(),
                "ageSeconds", Duration.between(g.generatedAt(), now).toSeconds(),
                "expiresAt", time.format(g.expiresAt()), "expiresIso", g.expiresAt().toString(), "expired", !now.isBefore(g.expiresAt()))).orElse(null));
        List<Map<String, Object>> checks = new ArrayList<>();
        status.checks().forEach((name, problem) -> checks.add(Map.of("name", name, "ok", problem.isEmpty(),
                "problem", problem.orElse(""))));
        model.put("checks", checks);
        List<Map<String, Object>> expiring = new ArrayList<>();
        for (CertificateExpiry c : CertificateExpiry.dueSoon(admin.keys().keys(), now)) {
            expiring.add(Map.of("role", c.role().name().toLowerCase(java.util.Locale.ROOT), "keyId", c.keyId(),
                    "serial", c.serial(), "notAfter", time.format(c.notAfter()), "daysLeft", c.daysLeft(now),
                    "expired", c.expired(now)));
        }
        model.put("expiring", expiring);
        model.put("aheadDays", CertificateExpiry.AHEAD.toDays());
        model.put("unstamped", status.unstampedRecords().isPresent() ? status.unstampedRecords().getAsLong() : null);
        model.put("stampingFailingSince", status.timestampingFailingSince().map(time::format).orElse(null));
        model.put("accessLog", status.checkpointStatus().map(a -> Map.of("events", a.size(),
                "witnessedSize", a.witnessedSize() == null ? "-" : a.witnessedSize().toString(),
                "witnessedAt", a.witnessedAt() == null ? "-" : time.format(a.witnessedAt()),
                "witnessedIso", a.witnessedAt() == null ? "" : a.witnessedAt().toString(),
                "failure", a.lastFailure() == null ? "" : a.lastFailure())).orElse(null));
        var counts = status.exchanges();
        model.put("exchanges", counts);
        model.put("lastMinute", status.lastMinute().map(w -> Map.of("exchanges", w.exchanges(), "errors", w.errors(),
                "wholeMinute", w.wholeMinute(), "seconds", w.span().toSeconds())).orElse(null));
    }

    private List<Map<String, Object>> keys(ViewerZone time) {
        Instant now = clock.instant();
        String authKeyInUse = admin.keys().authKeyInUse().map(ServerKeys.KeyInfo::keyId).orElse("");
        List<Map<String, Object>> out = new ArrayList<>();
        for (ServerKeys.KeyInfo key : admin.keys().keys()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("keyId", key.keyId());
            row.put("role", key.role().name().toLowerCase(java.util.Locale.ROOT));
            row.put("identity", key.identity().format());
            row.put("token", key.token());
            row.put("inUse", key.role() == ServerKeys.Role.AUTH && key.keyId().equals(authKeyInUse));
            X509Certificate certificate = key.certificate().orElse(null);
            row.put("certified", certificate != null);
            row.put("subject", certificate == null ? "" : certificate.getSubjectX500Principal().getName());
            row.put("notAfter", certificate == null ? "" : time.format(certificate.getNotAfter().toInstant()));
            row.put("notAfterIso", certificate == null ? "" : certificate.getNotAfter().toInstant().toString());
            row.put("expired", certificate != null && !now.isBefore(certificate.getNotAfter().toInstant()));
            row.put("daysLeft", certificate == null ? 0
                    : Duration.between(now, certificate.getNotAfter().toInstant()).toDays());
            out.add(row);
        }
        return out;
    }

    private void descriptions(Map<String, Object> model, ViewerZone time) {
        ServerConfStore store = admin.store();
        model.put("services", store.services());
        model.put("clients", store.clients());
        model.put("descriptions", store.descriptions().stream().map(d -> Map.of("service", d.service().format(),
                "source", d.source().map(URI::toString).orElse(""), "uploaded", d.source().isEmpty(),
                "bytes", d.size(), "refreshed", time.format(d.refreshedAt()), "iso", d.refreshedAt().toString(),
                "endpoints", d.endpoints().stream().map(e -> e.method() + " " + e.path()).toList())).toList());
        model.put("wsdls", store.wsdls().stream().map(w -> Map.of("id", w.id(), "provider", w.provider().format(),
                "source", w.source().map(URI::toString).orElse(""), "uploaded", w.source().isEmpty(),
                "bytes", w.content().length, "refreshed", time.format(w.refreshedAt()),
                "iso", w.refreshedAt().toString(), "services", w.services().stream().map(ServiceId::serviceCode)
                        .toList())).toList());
    }

    private void messageLog(OperatorConsole.Request r, Map<String, Object> model) {
        ViewerZone time = r.zone();
        String queryId = r.call().query().getOrDefault("queryId", List.of("")).get(0).strip();
        model.put("queryId", queryId);
        model.put("available", status.messageLog().isPresent());
        List<Map<String, Object>> found = new ArrayList<>();
        if (!queryId.isEmpty() && status.messageLog().isPresent()) {
            for (String side : List.of("consumer", "provider")) {
                try {
                    Optional<StoredExchange> exchange = status.messageLog().get().find(queryId, side);
                    exchange.ifPresent(e -> found.add(Map.of("side", side, "client", e.exchange().client().format(),
                            "service", e.exchange().service().format(), "method", e.exchange().method(),
                            "path", e.exchange().path(), "status", e.exchange().status(),
                            "at", time.format(e.exchange().at()), "iso", e.exchange().at().toString(),
                            "records", e.requestRecordId() + ", " + e.responseRecordId())));
                } catch (MessageLogException e) {
                    model.put("errors", Map.of("queryId", console.message(r.language(), "field.refused", e.getMessage())));
                }
            }
        }
        model.put("found", found);
    }
}
