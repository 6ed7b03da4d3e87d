package org.xroadng.registry.console;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.xroadng.auditlog.web.ConsoleReplies;
import org.xroadng.auditlog.web.ViewerZone;
import org.xroadng.auditlog.web.FormBody;
import org.xroadng.auditlog.web.Pager;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.registry.ApiKeys;
import org.xroadng.registry.AuditTrail;
import org.xroadng.registry.Operator;
import org.xroadng.registry.Permission;
import org.xroadng.registry.Registry;
import org.xroadng.registry.RegistryException;
import org.xroadng.registry.Requests;
import org.xroadng.registry.Servers;
import org.xroadng.registry.Settings;
import org.xroadng.registry.management.SignatureProof;

/**
 * The registry console's pages and the actions their forms post. Each action first checks the
 * operator's role through {@link Operator#require} (a refusal is audited and is a 403 page, nothing
 * run), then validates its fields (a bad value is a 400 page with a message next to the field,
 * nothing stored), then calls the same service the operator API calls, which audits the change; a
 * success redirects with a notice (POST-redirect-GET).
 */
final class RegistryConsolePages {

    /** Dates as Vietnamese write them (dd/MM/yyyy), in UTC on the page; console.js shows the viewer's zone. */


    private static final int LIST_LIMIT = 500;
    /** Rows on one page of a long list (members, subsystems, servers, groups, requests, the audit trail). */
    static final int PAGE_SIZE = Pager.PAGE_SIZE;

    /** An action a form asks for; answers where to go next, or null for its page with the notice. */
    @FunctionalInterface
    private interface Action {
        String run(Operator who, FormBody form) throws FieldProblem, RegistryException;
    }

    private final RegistryConsole console;
    private final Registry registry;
    private final Clock clock;

    RegistryConsolePages(RegistryConsole console, Registry registry, Clock clock) {
        this.console = console;
        this.registry = registry;
        this.clock = clock;
    }

    void addTo(HttpApiServer.Builder server) {
        server.route("GET", "/", call -> console.viewed(call, r -> show(r, "overview", 200, Map.of())));
        for (String page : List.of("members", "servers", "groups", "trust", "requests", "settings", "api-keys",
                "users", "checkpoints", "audit")) {
            server.route("GET", "/" + page, call -> console.viewed(call, r -> show(r, page, 200, Map.of())));
        }
        server.route("GET", "/requests/view", call -> console.viewed(call, r -> {
            String id = r.call().queryParam("id").orElse("");
            return show(r, "request", 200, Map.of("id", id));
        }));
        var members = registry.members();
        post(server, "/members", "members", "done.memberAdded", Permission.REGISTER, "member.create", (who, form) -> {
            MemberId id = id(form, "id", MemberId::parse);
            String name = required(form, "name");
            try {
                members.createMember(who.actor(), id, name);
            } catch (RegistryException e) {
                throw fieldOf(e, e.getMessage().startsWith("name ") ? "name" : "id");
            }
            return null;
        });
        post(server, "/subsystems", "members", "done.subsystemAdded", Permission.REGISTER, "subsystem.create",
                (who, form) -> {
                    SubsystemId id = id(form, "subsystem", SubsystemId::parse);
                    try {
                        members.createSubsystem(who.actor(), id);
                    } catch (RegistryException e) {
                        throw fieldOf(e, "subsystem");
                    }
                    return null;
                });
        post(server, "/subsystems/delete", "members", "done.subsystemRemoved", Permission.REGISTER, "subsystem.delete",
                (who, form) -> {
                    members.deleteSubsystem(who.actor(), id(form, "subsystem", SubsystemId::parse));
                    return null;
                });
        var groups = registry.groups();
        post(server, "/groups", "groups", "done.groupAdded", Permission.REGISTER, "globalGroup.create", (who, form) -> {
            String code = required(form, "code");
            String description = required(form, "description");
            try {
                groups.create(who.actor(), code, description);
            } catch (RegistryException e) {
                throw fieldOf(e, e.getMessage().startsWith("description ") ? "description" : "code");
            }
            return null;
        });
        post(server, "/groups/delete", "groups", "done.groupRemoved", Permission.REGISTER, "globalGroup.delete",
                (who, form) -> {
                    groups.delete(who.actor(), required(form, "group"));
                    return null;
                });
        post(server, "/groups/members", "groups", "done.groupMemberAdded", Permission.REGISTER,
                "globalGroup.addMember", (who, form) -> {
                    String code = required(form, "group");
                    String member = required(form, "member");
                    try {
                        groups.addMember(who.actor(), code, member);
                    } catch (RegistryException e) {
                        throw fieldOf(e, e.getMessage().startsWith("no global group ") ? "group" : "member");
                    }
                    return null;
                });
        post(server, "/groups/members/remove", "groups", "done.groupMemberRemoved", Permission.REGISTER,
                "globalGroup.removeMember", (who, form) -> {
                    groups.removeMember(who.actor(), required(form, "group"), required(form, "member"));
                    return null;
                });
        var requests = registry.requests();
        post(server, "/requests/approve", "request", "done.approved", Permission.REGISTER, "managementRequest.approve",
                (who, form) -> {
                    long id = number(form, "id");
                    requests.approve(who.actor(), id);
                    return "/requests/view?id=" + id + "&done=done.approved";
                });
        post(server, "/requests/reject", "request", "done.rejected", Permission.REGISTER, "managementRequest.reject",
                (who, form) -> {
                    long id = number(form, "id");
                    String reason = form.get("reason");
                    if (reason.length() > 2000) {
                        throw new FieldProblem("reason", "field.tooLong", "2000");
                    }
                    requests.reject(who.actor(), id, reason.isEmpty() ? null : reason);
                    return "/requests/view?id=" + id + "&done=done.rejected";
                });
        post(server, "/settings", "settings", "done.settingsSaved", Permission.ADMIN, "settings.update",
                this::updateSettings);
        post(server, "/api-keys/revoke", "api-keys", "done.keyRevoked", Permission.ADMIN, "apiKey.revoke",
                (who, form) -> {
                    registry.apiKeys().revoke(who.actor(), number(form, "id"));
                    return null;
                });
        var users = registry.consoleUsers();
        post(server, "/users", "users", "done.userAdded", Permission.ADMIN, "consoleUser.add", (who, form) -> {
            String name = userName(form);
            String password;
            try {
                password = org.xroadng.registry.ConsoleUsers.password(form.raw("password"));
            } catch (RegistryException e) {
                throw new FieldProblem("password", "field.password", "");
            }
            ApiKeys.Role role;
            try {
                role = ApiKeys.Role.parse(form.get("role"));
            } catch (RegistryException e) {
                throw new FieldProblem("role", "field.role", form.get("role"));
            }
            try {
                users.add(who.actor(), name, password, role);
            } catch (RegistryException e) {
                throw fieldOf(e, "name");
            }
            return null;
        });
        post(server, "/users/delete", "users", "done.userDeleted", Permission.ADMIN, "consoleUser.delete",
                (who, form) -> {
                    users.delete(who.actor(), userName(form));
                    return null;
                });
        post(server, "/users/password", "users", "done.passwordSet", Permission.ADMIN, "consoleUser.password",
                (who, form) -> {
                    String name = userName(form);
                    try {
                        org.xroadng.registry.ConsoleUsers.password(form.raw("password"));
                    } catch (RegistryException e) {
                        throw new FieldProblem("password-" + name, "field.password", "");
                    }
                    users.setPassword(who.actor(), name, form.raw("password"));
                    return null;
                });
        // a new key is shown once, on the page that answers the POST: never in a URL or a redirect
        server.route("POST", "/api-keys", call -> console.posted(call, r -> {
            FormBody form = FormBody.parse(call);
            Map<String, String> values = form.values();
            try {
                r.operator().require(registry.changes(), Permission.ADMIN, "apiKey.create", form.get("label"));
                ApiKeys.Role role;
                try {
                    role = ApiKeys.Role.parse(form.get("role"));
                } catch (RegistryException e) {
                    throw new FieldProblem("role", "field.role", form.get("role"));
                }
                String label = required(form, "label");
                ApiKeys.CreatedKey created = registry.apiKeys().create(r.operator().actor(), role, label);
                return show(r, "api-keys", 200, Map.of("created", created, "done", "done.keyCreated"));
            } catch (FieldProblem e) {
                return show(r, "api-keys", 400, Map.of("errors", Map.of(e.field(), console.message(r.language(),
                        e.key(), e.getMessage())), "values", values));
            } catch (RegistryException e) {
                return refused(r, "api-keys", e, values, "");
            }
        }));
    }

    private void post(HttpApiServer.Builder server, String path, String page, String done, Permission permission,
                      String auditAction, Action action) {
        server.route("POST", path, call -> console.posted(call, r -> {
            FormBody form = FormBody.parse(call);
            Map<String, String> values = form.values();
            try {
                r.operator().require(registry.changes(), permission, auditAction, target(form));
                String next = action.run(r.operator(), form);
                return ConsoleReplies.redirect(next == null ? "/" + page + "?done=" + done : next);
            } catch (FieldProblem e) {
                return show(r, page, 400, Map.of("errors", Map.of(e.field(), console.message(r.language(), e.key(),
                        e.getMessage())), "values", values, "id", form.get("id")));
            } catch (RegistryException e) {
                return refused(r, page, e, values, form.get("id"));
            }
        }));
    }

    private HttpReply refused(RegistryConsole.Request r, String page, RegistryException e, Map<String, String> values,
                              String id) {
        if (e.kind() == RegistryException.Kind.FORBIDDEN) {
            return show(r, page, 403, Map.of("refusal", console.message(r.language(), "refused.role", e.getMessage()),
                    "values", values, "id", id));
        }
        int code = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            default -> 400;
        };
        return show(r, page, code, Map.of("errors", Map.of("form", console.message(r.language(), "field.refused",
                e.getMessage())), "values", values, "id", id));
    }

    private String updateSettings(Operator who, FormBody form) throws FieldProblem, RegistryException {
        Settings.Values current = registry.settings().get();
        Map<String, Object> changed = new LinkedHashMap<>();
        for (String name : List.of("globalConfValiditySeconds", "ocspFreshnessSeconds",
                "acceptableTimestampFailureSeconds")) {
            String text = required(form, name);
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new FieldProblem(name, "field.number", text);
            }
            changed.put(name, value);
        }
        changed.put("autoApproveClientRegistrations", form.checked("autoApproveClientRegistrations"));
        if (changed.get("globalConfValiditySeconds").equals(current.globalConfValiditySeconds())
                && changed.get("ocspFreshnessSeconds").equals(current.ocspFreshnessSeconds())
                && changed.get("acceptableTimestampFailureSeconds").equals(current.acceptableTimestampFailureSeconds())
                && changed.get("autoApproveClientRegistrations").equals(current.autoApproveClientRegistrations())) {
            return "/settings?done=done.settingsUnchanged";
        }
        try {
            registry.settings().update(who.actor(), changed);
        } catch (RegistryException e) {
            String field = changed.keySet().stream().filter(n -> e.getMessage().startsWith(n)).findFirst().orElse("form");
            if (field.equals("form")) {
                throw e;
            }
            throw new FieldProblem(field, "field.refusedHere", e.getMessage());
        }
        return null;
    }

    // pages

    private HttpReply show(RegistryConsole.Request r, String page, int code, Map<String, Object> extra) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("errors", Map.of());
        model.put("values", Map.of());
        model.put("refusal", null);
        model.put("created", null);
        model.put("done", r.call().query().getOrDefault("done", List.of()).stream().filter(d -> d.matches(
                "done\\.[A-Za-z]+")).findFirst().orElse(null));
        model.putAll(extra);
        // dates as dd/MM/yyyy, times in the viewer's zone (ViewerZone: console.js's cookie, else UTC)
        ViewerZone time = r.zone();
        try {
            switch (page) {
                case "overview" -> overview(model, time);
                case "members" -> members(r, model);
                case "servers" -> {
                    int number = pageNumber(r, "page");
                    var servers = registry.servers().list(offset(number), PAGE_SIZE);
                    model.put("servers", servers.items());
                    model.put("pager", pager("/servers?", "page", number, servers.total()));
                }
                case "groups" -> {
                    int number = pageNumber(r, "page");
                    var groups = registry.groups().list(offset(number), PAGE_SIZE);
                    model.put("groups", groups.items());
                    model.put("pager", pager("/groups?", "page", number, groups.total()));
                    // the form's choice of group lists every group, not only this page's
                    model.put("allGroups", registry.groups().list(0, LIST_LIMIT).items());
                }
                case "trust" -> {
                    model.put("cas", registry.trustAnchors().cas());
                    model.put("tsas", registry.trustAnchors().tsas());
                }
                case "requests" -> requests(r, model);
                case "request" -> request(r, model);
                case "settings" -> settings(model);
                case "api-keys" -> {
                    if (r.operator().may(Permission.ADMIN)) {
                        model.put("keys", registry.apiKeys().list().stream().map(k -> row(
                                "id", k.id(), "role", k.role().code(), "label", k.label(),
                                "created", time.format(k.createdAt()), "iso", k.createdAt().toString(),
                                "revoked", k.revokedAt() == null ? "" : time.format(k.revokedAt()))).toList());
                    } else {
                        model.put("keys", List.of());
                    }
                    model.put("roles", List.of("admin", "registration-officer", "viewer"));
                }
                case "checkpoints" -> checkpoints(model, time);
                case "users" -> {
                    model.put("users", r.operator().may(Permission.ADMIN) ? registry.consoleUsers().list().stream()
                            .map(u -> row("name", u.name(), "role", u.role().code(),
                                    "created", time.format(u.createdAt()), "iso", u.createdAt().toString(),
                                    "locked", u.lockedUntil() == null ? "" : time.format(u.lockedUntil())))
                            .toList() : List.of());
                    model.put("roles", List.of("admin", "registration-officer", "viewer"));
                }
                case "audit" -> {
                    int number = pageNumber(r, "page");
                    var entries = registry.auditTrail().list(offset(number), PAGE_SIZE);
                    model.put("entries", entries.items().stream().map(e -> auditRow(e, time)).toList());
                    model.put("pager", pager("/audit?", "page", number, entries.total()));
                }
                default -> throw new IllegalStateException("no console page " + page);
            }
        } catch (RegistryException e) {
            model.put("errors", Map.of("form", console.message(r.language(), "field.refused", e.getMessage())));
            code = e.kind() == RegistryException.Kind.NOT_FOUND ? 404 : 400;
        }
        return console.render(r, code, page, model);
    }

    private void overview(Map<String, Object> model, ViewerZone time) throws RegistryException {
        Instant now = clock.instant();
        model.put("global", registry.publisher().latest().map(p -> row("version", p.version(),
                "generatedAt", time.format(p.generatedAt()), "iso", p.generatedAt().toString(),
                "expiresAt", time.format(p.expiresAt()), "expiresIso", p.expiresAt().toString(), "expired", !now.isBefore(p.expiresAt()))).orElse(null));
        model.put("pending", registry.requests().list("pending", 0, 1).total());
        model.put("memberCount", registry.members().members(0, 1).total());
        model.put("serverCount", registry.servers().list(0, 1).total());
    }

    private void members(RegistryConsole.Request r, Map<String, Object> model) throws RegistryException {
        int number = pageNumber(r, "page");
        int subsystemsNumber = pageNumber(r, "subsystemsPage");
        var members = registry.members().members(offset(number), PAGE_SIZE);
        var subsystems = registry.members().subsystems(null, offset(subsystemsNumber), PAGE_SIZE);
        model.put("members", members.items());
        model.put("classes", registry.members().memberClasses());
        model.put("subsystems", subsystems.items());
        model.put("pager", pager("/members?subsystemsPage=" + subsystemsNumber + "&", "page", number, members.total()));
        model.put("subsystemsPager", pager("/members?page=" + number + "&", "subsystemsPage", subsystemsNumber,
                subsystems.total()));
    }

    /** The page a list's link asks for in query parameter {@code name}; anything else is a 400 page saying why. */
    private static int pageNumber(RegistryConsole.Request r, String name) throws RegistryException {
        try {
            return Pager.number(r.call().query().get(name));
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest(e.getMessage());
        }
    }

    private static int offset(int page) {
        return Pager.offset(page);
    }

    private static Map<String, Object> pager(String base, String param, int number, long total) {
        return Pager.links(base, param, number, total);
    }

    private void requests(RegistryConsole.Request r, Map<String, Object> model) throws RegistryException {
        List<String> given = r.call().query().getOrDefault("status", List.of("pending"));
        String status = given.size() == 1 && List.of("pending", "approved", "rejected", "all").contains(given.get(0))
                ? given.get(0) : "pending";
        String filter = status.equals("all") ? null : status;
        model.put("status", status);
        model.put("statuses", List.of("pending", "approved", "rejected", "all"));
        model.put("requests", List.of());
        int number = pageNumber(r, "page");
        var page = registry.requests().list(filter, offset(number), PAGE_SIZE);
        model.put("requests", page.items().stream().map(v -> requestRow(v, r.zone())).toList());
        model.put("pager", pager("/requests?status=" + status + "&", "page", number, page.total()));
    }

    private void request(RegistryConsole.Request r, Map<String, Object> model) throws RegistryException {
        long id;
        try {
            id = Long.parseLong(String.valueOf(model.get("id")));
        } catch (NumberFormatException e) {
            throw RegistryException.badRequest("request id '" + model.get("id") + "' is not a number; expected the"
                    + " number the list of management requests shows");
        }
        ViewerZone time = r.zone();
        model.put("request", requestRow(registry.requests().get(id), time));
        List<Map<String, Object>> proofs = new ArrayList<>();
        for (SignatureProof proof : registry.requests().proof(id)) {
            proofs.add(row("part", proof.part(), "identity", proof.identity(), "subject", proof.subject(),
                    "issuer", proof.issuer(), "serial", proof.serialHex(),
                    "notBefore", proof.notBefore() == null ? "" : time.format(proof.notBefore()),
                    "notAfter", proof.notAfter() == null ? "" : time.format(proof.notAfter()),
                    "ocsp", proof.ocspStatus(), "good", proof.ocspStatus().equals("good"),
                    "ocspAt", proof.ocspProducedFor() == null ? "" : time.format(proof.ocspProducedFor()),
                    "problem", proof.problem()));
        }
        model.put("proofs", proofs);
    }

    @SuppressWarnings("unchecked")
    private void settings(Map<String, Object> model) {
        Settings.Values current = registry.settings().get();
        Map<String, String> values = (Map<String, String>) model.get("values");
        model.put("settings", current);
        model.put("fields", List.of(
                field(values, "globalConfValiditySeconds", current.globalConfValiditySeconds()),
                field(values, "ocspFreshnessSeconds", current.ocspFreshnessSeconds()),
                field(values, "acceptableTimestampFailureSeconds", current.acceptableTimestampFailureSeconds())));
    }

    /** A settings field: what the operator typed when the form came back with a problem, else the stored value. */
    private static Map<String, Object> field(Map<String, String> typed, String name, int stored) {
        return row("name", name, "value", typed.getOrDefault(name, String.valueOf(stored)));
    }

    private void checkpoints(Map<String, Object> model, ViewerZone time) throws RegistryException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Servers.ServerView server : registry.servers().list(0, LIST_LIMIT).items()) {
            Optional<WitnessedCheckpoint> latest = registry.witness().latest(server.id());
            rows.add(row("server", server.id().format(), "known", latest.isPresent(),
                    "size", latest.map(WitnessedCheckpoint::size).orElse(0L),
                    "rootHash", latest.map(WitnessedCheckpoint::rootHash).orElse(""),
                    "at", latest.map(w -> time.format(w.witnessedAt())).orElse(""),
                    "iso", latest.map(w -> w.witnessedAt().toString()).orElse("")));
        }
        model.put("checkpoints", rows);
        model.put("witnesses", registry.transparencyWitnesses().get());
    }

    private static Map<String, Object> requestRow(Requests.RequestView v, ViewerZone time) {
        return row("id", v.id(), "type", v.type(), "status", v.status(), "server", v.server().format(),
                "client", v.client() != null ? v.client().format() : v.newOwner() != null ? v.newOwner().format() : "",
                "newOwner", v.newOwner() == null ? "" : v.newOwner().format(),
                "address", v.address() == null ? "" : v.address(),
                "authCert", v.authCertificateSha256() == null ? "" : v.authCertificateSha256(),
                "received", time.format(v.receivedAt()), "iso", v.receivedAt().toString(),
                "decided", v.decidedAt() == null ? "" : time.format(v.decidedAt()),
                "decidedBy", v.decidedBy() == null ? "" : v.decidedBy(), "reason", v.reason() == null ? "" : v.reason(),
                "pending", v.status().equals("pending"));
    }

    private static Map<String, Object> auditRow(AuditTrail.Entry e, ViewerZone time) {
        return row("at", time.format(e.at()), "iso", e.at().toString(), "actor", e.actor(), "action", e.action(),
                "target", e.target() == null ? "" : e.target(), "outcome", e.outcome(),
                "detail", e.detail() == null ? "" : e.detail(), "ok", e.outcome().equals("success"));
    }

    /** A row for a template: names and values in pairs (values may be empty text, never null). */
    private static Map<String, Object> row(Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    // field checks

    /** What the audit trail names as the target of a refused form: its identifying field. */
    private static String target(FormBody form) {
        for (String field : List.of("id", "subsystem", "code", "group", "member", "label", "name")) {
            if (!form.get(field).isEmpty()) {
                return form.get(field);
            }
        }
        return "";
    }

    private static String userName(FormBody form) throws FieldProblem {
        try {
            return org.xroadng.registry.ConsoleUsers.name(required(form, "name"));
        } catch (RegistryException e) {
            throw new FieldProblem("name", "field.name", "");
        }
    }

    private static FieldProblem fieldOf(RegistryException e, String field) {
        return new FieldProblem(field, e.kind() == RegistryException.Kind.CONFLICT ? "field.duplicate"
                : "field.refusedHere", e.getMessage());
    }

    private static String required(FormBody form, String field) throws FieldProblem {
        String value = form.get(field);
        if (value.isEmpty()) {
            throw new FieldProblem(field, "field.required", field);
        }
        return value;
    }

    private static <T> T id(FormBody form, String field, Function<String, T> parse) throws FieldProblem {
        String text = required(form, field);
        try {
            return parse.apply(text);
        } catch (InvalidIdentifierException e) {
            throw new FieldProblem(field, "field.identifier", e.getMessage());
        }
    }

    private static long number(FormBody form, String field) throws FieldProblem {
        try {
            return Long.parseLong(required(form, field));
        } catch (NumberFormatException e) {
            throw new FieldProblem(field, "field.number", form.get(field));
        }
    }
}
