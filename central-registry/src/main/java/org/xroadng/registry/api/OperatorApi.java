package org.xroadng.registry.api;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.JsonBody;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.registry.Actor;
import org.xroadng.registry.ApiKeys;
import org.xroadng.registry.ApiKeys.Caller;
import org.xroadng.registry.ApiKeys.Role;
import org.xroadng.registry.ConsoleUsers;
import org.xroadng.registry.Operator;
import org.xroadng.registry.Page;
import org.xroadng.registry.Permission;
import org.xroadng.registry.Registry;
import org.xroadng.registry.RegistryException;

/**
 * The operator REST API under {@code /api/v1} (JSON, bearer API keys). Reading needs any key;
 * registering members, subsystems, servers, groups and deciding management requests needs
 * {@code registration-officer} or {@code admin}; trust anchors, settings and API keys need
 * {@code admin} ({@link Permission}, checked by {@link Operator#require}, as the console does). A
 * missing or unknown key is a 401, a key without the role a 403; both are written to the admin audit
 * trail, like every change.
 */
public final class OperatorApi {

    /** An API operation, given the call and the authenticated caller. */
    @FunctionalInterface
    interface Operation {
        Object run(HttpCall call, Actor actor) throws HttpProblem, RegistryException;
    }

    private static final String PREFIX = "/api/v1";

    private final Registry registry;

    public OperatorApi(Registry registry) {
        this.registry = registry;
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        var members = registry.members();
        route(server, "GET", "/member-classes", Permission.READ, 200, (call, actor) -> members.memberClasses());
        route(server, "POST", "/member-classes", Permission.REGISTER, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("code", "description"));
            return members.createMemberClass(actor, body.string("code"), body.string("description"));
        });
        route(server, "GET", "/member-classes/{code}", Permission.READ, 200,
                (call, actor) -> members.memberClass(call.pathParam("code")));
        route(server, "PUT", "/member-classes/{code}", Permission.REGISTER, 200, (call, actor) ->
                members.updateMemberClass(actor, call.pathParam("code"),
                        JsonBody.parse(call, Set.of("description")).string("description")));
        route(server, "DELETE", "/member-classes/{code}", Permission.REGISTER, 204, (call, actor) -> {
            members.deleteMemberClass(actor, call.pathParam("code"));
            return null;
        });

        route(server, "GET", "/members", Permission.READ, 200,
                (call, actor) -> members.members(offset(call), limit(call)));
        route(server, "POST", "/members", Permission.REGISTER, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("id", "name"));
            return members.createMember(actor, id("id", body.string("id"), MemberId::parse), body.string("name"));
        });
        route(server, "GET", "/members/{id...}", Permission.READ, 200,
                (call, actor) -> members.member(pathId(call, MemberId::parse)));
        route(server, "PUT", "/members/{id...}", Permission.REGISTER, 200, (call, actor) -> members.updateMember(actor,
                pathId(call, MemberId::parse), JsonBody.parse(call, Set.of("name")).string("name")));
        route(server, "DELETE", "/members/{id...}", Permission.REGISTER, 204, (call, actor) -> {
            members.deleteMember(actor, pathId(call, MemberId::parse));
            return null;
        });

        route(server, "GET", "/subsystems", Permission.READ, 200, (call, actor) -> {
            Optional<String> member = call.queryParam("member");
            return members.subsystems(member.isEmpty() ? null : id("member", member.get(), MemberId::parse),
                    offset(call), limit(call));
        });
        route(server, "POST", "/subsystems", Permission.REGISTER, 201, (call, actor) -> members.createSubsystem(actor,
                id("id", JsonBody.parse(call, Set.of("id")).string("id"), SubsystemId::parse)));
        route(server, "GET", "/subsystems/{id...}", Permission.READ, 200,
                (call, actor) -> members.subsystem(pathId(call, SubsystemId::parse)));
        route(server, "DELETE", "/subsystems/{id...}", Permission.REGISTER, 204, (call, actor) -> {
            members.deleteSubsystem(actor, pathId(call, SubsystemId::parse));
            return null;
        });

        var servers = registry.servers();
        route(server, "GET", "/security-servers", Permission.READ, 200,
                (call, actor) -> servers.list(offset(call), limit(call)));
        route(server, "GET", "/security-servers/{id...}", Permission.READ, 200,
                (call, actor) -> servers.get(pathId(call, SecurityServerId::parse)));
        route(server, "PUT", "/security-servers/{id...}", Permission.REGISTER, 200, (call, actor) ->
                servers.updateAddress(actor, pathId(call, SecurityServerId::parse),
                        JsonBody.parse(call, Set.of("address")).string("address")));
        route(server, "DELETE", "/security-servers/{id...}", Permission.REGISTER, 204, (call, actor) -> {
            servers.delete(actor, pathId(call, SecurityServerId::parse));
            return null;
        });

        var groups = registry.groups();
        route(server, "GET", "/global-groups", Permission.READ, 200, (call, actor) -> groups.list(offset(call), limit(call)));
        route(server, "POST", "/global-groups", Permission.REGISTER, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("code", "description"));
            return groups.create(actor, body.string("code"), body.string("description"));
        });
        route(server, "GET", "/global-groups/{code}", Permission.READ, 200, (call, actor) -> groups.get(call.pathParam("code")));
        route(server, "PUT", "/global-groups/{code}", Permission.REGISTER, 200, (call, actor) -> groups.update(actor,
                call.pathParam("code"), JsonBody.parse(call, Set.of("description")).string("description")));
        route(server, "DELETE", "/global-groups/{code}", Permission.REGISTER, 204, (call, actor) -> {
            groups.delete(actor, call.pathParam("code"));
            return null;
        });
        route(server, "POST", "/global-groups/{code}/members", Permission.REGISTER, 201, (call, actor) ->
                groups.addMember(actor, call.pathParam("code"), JsonBody.parse(call, Set.of("id")).string("id")));
        route(server, "DELETE", "/global-groups/{code}/members/{id...}", Permission.REGISTER, 200, (call, actor) ->
                groups.removeMember(actor, call.pathParam("code"), decode(call.pathParam("id"))));

        var trust = registry.trustAnchors();
        route(server, "GET", "/certification-authorities", Permission.READ, 200, (call, actor) -> trust.cas());
        route(server, "POST", "/certification-authorities", Permission.ADMIN, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("certificate", "ocspUrl"));
            return trust.addCa(actor, body.string("certificate"), body.string("ocspUrl"));
        });
        route(server, "GET", "/certification-authorities/{id}", Permission.READ, 200, (call, actor) -> trust.ca(call.pathParam("id")));
        route(server, "PUT", "/certification-authorities/{id}", Permission.ADMIN, 200, (call, actor) ->
                trust.updateCa(actor, call.pathParam("id"), JsonBody.parse(call, Set.of("ocspUrl")).string("ocspUrl")));
        route(server, "DELETE", "/certification-authorities/{id}", Permission.ADMIN, 204, (call, actor) -> {
            trust.deleteCa(actor, call.pathParam("id"));
            return null;
        });
        route(server, "GET", "/timestamping-authorities", Permission.READ, 200, (call, actor) -> trust.tsas());
        route(server, "POST", "/timestamping-authorities", Permission.ADMIN, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("url", "certificate"));
            return trust.addTsa(actor, body.string("url"), body.string("certificate"));
        });
        route(server, "GET", "/timestamping-authorities/{id}", Permission.READ, 200, (call, actor) -> trust.tsa(number(call, "id")));
        route(server, "PUT", "/timestamping-authorities/{id}", Permission.ADMIN, 200, (call, actor) ->
                trust.updateTsa(actor, number(call, "id"), JsonBody.parse(call, Set.of("url")).string("url")));
        route(server, "DELETE", "/timestamping-authorities/{id}", Permission.ADMIN, 204, (call, actor) -> {
            trust.deleteTsa(actor, number(call, "id"));
            return null;
        });

        var witnesses = registry.transparencyWitnesses();
        route(server, "GET", "/witnesses", Permission.READ, 200, (call, actor) -> witnesses.get());
        route(server, "POST", "/witnesses", Permission.ADMIN, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("url", "verifierKey"));
            return witnesses.add(actor, body.string("url"), body.string("verifierKey"));
        });
        route(server, "PUT", "/witnesses/quorum", Permission.ADMIN, 200, (call, actor) ->
                witnesses.setQuorum(actor, JsonBody.parse(call, Set.of("quorum")).intValue("quorum", -1)));
        route(server, "DELETE", "/witnesses/{name...}", Permission.ADMIN, 200, (call, actor) ->
                witnesses.remove(actor, PercentDecoding.decode(call.pathParam("name"))));

        route(server, "GET", "/settings", Permission.READ, 200, (call, actor) -> registry.settings().get());
        route(server, "PUT", "/settings", Permission.ADMIN, 200, (call, actor) ->
                registry.settings().update(actor, JsonBody.parse(call, Set.of()).values()));

        var requests = registry.requests();
        route(server, "GET", "/management-requests", Permission.READ, 200, (call, actor) ->
                requests.list(call.queryParam("status").orElse(null), offset(call), limit(call)));
        route(server, "GET", "/management-requests/{id}", Permission.READ, 200, (call, actor) -> requests.get(number(call, "id")));
        // The signatures a request carries, as the console's request page shows them: who signed (an
        // ownerChange is signed by the new owner), the certificates, the OCSP status on receipt.
        route(server, "GET", "/management-requests/{id}/proof", Permission.READ, 200,
                (call, actor) -> requests.proof(number(call, "id")));
        route(server, "POST", "/management-requests/{id}/approve", Permission.REGISTER, 200,
                (call, actor) -> requests.approve(actor, number(call, "id")));
        route(server, "POST", "/management-requests/{id}/reject", Permission.REGISTER, 200, (call, actor) -> {
            String reason = call.body().length == 0 ? null : JsonBody.parse(call, Set.of("reason")).optionalString("reason");
            return requests.reject(actor, number(call, "id"), reason);
        });

        route(server, "GET", "/audit", Permission.READ, 200,
                (call, actor) -> registry.auditTrail().list(offset(call), limit(call)));

        ConsoleUsers users = registry.consoleUsers();
        route(server, "GET", "/console-users", Permission.ADMIN, 200, (call, actor) -> users.list().stream()
                .map(OperatorApi::user).toList());
        route(server, "POST", "/console-users", Permission.ADMIN, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("name", "password", "role"));
            return user(users.add(actor, body.string("name"), body.string("password"),
                    Role.parse(body.string("role"))));
        });
        route(server, "DELETE", "/console-users/{name}", Permission.ADMIN, 204, (call, actor) -> {
            users.delete(actor, decode(call.pathParam("name")));
            return null;
        });
        route(server, "PUT", "/console-users/{name}/password", Permission.ADMIN, 204, (call, actor) -> {
            users.setPassword(actor, decode(call.pathParam("name")),
                    JsonBody.parse(call, Set.of("password")).string("password"));
            return null;
        });

        ApiKeys keys = registry.apiKeys();
        route(server, "GET", "/api-keys", Permission.ADMIN, 200, (call, actor) -> keys.list());
        route(server, "POST", "/api-keys", Permission.ADMIN, 201, (call, actor) -> {
            JsonBody body = JsonBody.parse(call, Set.of("role", "label"));
            return keys.create(actor, Role.parse(body.string("role")), body.string("label"));
        });
        route(server, "DELETE", "/api-keys/{id}", Permission.ADMIN, 204, (call, actor) -> {
            keys.revoke(actor, number(call, "id"));
            return null;
        });
        return server;
    }

    private void route(HttpApiServer.Builder server, String method, String path, Permission permission, int status,
                       Operation operation) {
        String action = method + " " + PREFIX + path;
        server.route(method, PREFIX + path, call -> {
            Caller caller = authenticate(call, action);
            try {
                Operator.of(caller).require(registry.changes(), permission, action, call.path());
            } catch (RegistryException e) {
                throw problem(e);
            }
            try {
                Object result = operation.run(call, caller.actor());
                return result == null ? HttpReply.noContent() : HttpReply.json(status, result);
            } catch (RegistryException e) {
                throw problem(e);
            } catch (HttpProblem e) {
                registry.changes().refused(caller.actor(), action, call.path(), e.getMessage());
                throw e;
            }
        });
    }

    private Caller authenticate(HttpCall call, String action) throws HttpProblem {
        Optional<String> header = call.header("Authorization");
        String key = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim())
                .orElse(null);
        Optional<Caller> caller = key == null ? Optional.empty() : registry.apiKeys().authenticate(key);
        if (caller.isEmpty()) {
            String reason = header.isEmpty() ? "no API key" : "unknown or revoked API key";
            registry.changes().refused(Actor.ANONYMOUS, action, call.path(), reason);
            throw new HttpProblem(401, "Unauthorized", reason + "; send 'Authorization: Bearer <API key>'");
        }
        return caller.get();
    }

    /** A console user as the API shows it: the role by its code, never the hash. */
    private static java.util.Map<String, Object> user(ConsoleUsers.User user) {
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("name", user.name());
        json.put("role", user.role().code());
        json.put("createdAt", user.createdAt().toString());
        json.put("lockedUntil", user.lockedUntil() == null ? null : user.lockedUntil().toString());
        return json;
    }

    /** Maps a refusal to its HTTP status and error type. */
    public static HttpProblem problem(RegistryException e) {
        int status = switch (e.kind()) {
            case BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FORBIDDEN -> 403;
        };
        return new HttpProblem(status, e.type(), e.getMessage());
    }

    private static <T> T pathId(HttpCall call, Function<String, T> parse) throws HttpProblem {
        return id("path", decode(call.pathParam("id")), parse);
    }

    private static String decode(String raw) throws HttpProblem {
        try {
            return PercentDecoding.decode(raw);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("path is malformed: " + e.getMessage());
        }
    }

    private static <T> T id(String field, String text, Function<String, T> parse) throws HttpProblem {
        try {
            return parse.apply(text);
        } catch (InvalidIdentifierException e) {
            throw HttpProblem.badRequest(field + ": " + e.getMessage());
        }
    }

    private static long number(HttpCall call, String name) throws HttpProblem {
        try {
            return Long.parseLong(call.pathParam(name));
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest(name + " '" + call.pathParam(name) + "' is not a number");
        }
    }

    private static int offset(HttpCall call) throws HttpProblem {
        return intParam(call, "offset", 0);
    }

    private static int limit(HttpCall call) throws HttpProblem {
        return intParam(call, "limit", Page.DEFAULT_LIMIT);
    }

    private static int intParam(HttpCall call, String name, int defaultValue) throws HttpProblem {
        Optional<String> value = call.queryParam(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("query parameter " + name + " '" + value.get() + "' is not a whole number");
        }
    }
}
