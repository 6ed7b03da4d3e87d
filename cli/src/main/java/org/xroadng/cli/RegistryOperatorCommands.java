package org.xroadng.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator commands of {@code xroad registry}: each one calls the registry's REST API (never
 * its database) and prints a table, or the API's JSON with {@code --json}.
 */
final class RegistryOperatorCommands {

    static final String URL_ENV = "XROAD_REGISTRY_URL";
    static final String KEY_ENV = "XROAD_API_KEY";

    private RegistryOperatorCommands() {
    }

    /** Where the registry is and the key to use; shared by every operator command. */
    static final class Api {
        @Option(names = "--registry", paramLabel = "URL", description = "Registry URL (default: $" + URL_ENV + ")")
        String url;

        @Option(names = "--api-key-file", paramLabel = "FILE", description = "File holding the API key (default: $" + KEY_ENV + ")")
        Path apiKeyFile;

        @Option(names = "--json", description = "Print the API's JSON answer")
        boolean json;

        ApiClient client(Services services) {
            return ApiOperation.connect(services, url, "--registry", URL_ENV, apiKeyFile, KEY_ENV, "registry");
        }
    }

    /** Base of the registry operator commands: the API mixin. */
    abstract static class Operation extends ApiOperation {
        @Mixin
        Api api;

        Operation(Services services) {
            super(services);
        }

        @Override
        ApiClient client() {
            return api.client(services);
        }

        @Override
        boolean json() {
            return api.json;
        }
    }

    static String join(JsonNode array) {
        return ApiOperation.join(array);
    }

    /** An identifier as a path: its '/'-separated parts each percent-encoded. */
    static String path(String id) {
        List<String> parts = new ArrayList<>();
        for (String part : id.split("/", -1)) {
            parts.add(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return String.join("/", parts);
    }

    static String pem(Path file) {
        return new String(CaCommand.read(file, "certificate"), StandardCharsets.US_ASCII);
    }

    // member-class

    @Command(name = "member-class", mixinStandardHelpOptions = true, description = "Member classes (e.g. GOV, COM).",
            subcommands = {MemberClass.Add.class, MemberClass.ListAll.class})
    static final class MemberClass {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a member class.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "CODE") String code;
            @Option(names = "--description", required = true) String description;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/member-classes", Map.of("code", code, "description", description));
            }

            void print(JsonNode a) {
                line("member class %s added", a.path("code").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List member classes.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/member-classes");
            }

            void print(JsonNode a) {
                table(a, new String[] {"CODE", "DESCRIPTION"}, "code", "description");
            }
        }
    }

    // member

    @Command(name = "member", mixinStandardHelpOptions = true, description = "Members (INSTANCE/CLASS/CODE).",
            subcommands = {Member.Add.class, Member.ListAll.class, Member.Show.class, Member.Rename.class, Member.Delete.class})
    static final class Member {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a member, e.g. DEMO/GOV/1001 --name \"Population Registry\".")
        static final class Add extends Operation {
            @Parameters(paramLabel = "ID") String id;
            @Option(names = "--name", required = true) String name;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/members", Map.of("id", id, "name", name));
            }

            void print(JsonNode a) {
                line("member %s (%s) added", a.path("id").asText(), a.path("name").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List members.")
        static final class ListAll extends Operation {
            @Option(names = "--offset", defaultValue = "0") int offset;
            @Option(names = "--limit", defaultValue = "50") int limit;

            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/members?offset=" + offset + "&limit=" + limit);
            }

            void print(JsonNode a) {
                table(a.path("items"), new String[] {"ID", "NAME", "SUBSYSTEMS"}, "id", "name", "subsystems");
                line("%d of %d", a.path("items").size(), a.path("total").asLong());
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one member.")
        static final class Show extends Operation {
            @Parameters(paramLabel = "ID") String id;

            Show(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/members/" + path(id));
            }

            void print(JsonNode a) {
                line("%s  %s  subsystems: %s", a.path("id").asText(), a.path("name").asText(), join(a.path("subsystems")));
            }
        }

        @Command(name = "rename", mixinStandardHelpOptions = true, description = "Change a member's name.")
        static final class Rename extends Operation {
            @Parameters(paramLabel = "ID") String id;
            @Option(names = "--name", required = true) String name;

            Rename(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.put("/api/v1/members/" + path(id), Map.of("name", name));
            }

            void print(JsonNode a) {
                line("member %s is now named %s", a.path("id").asText(), a.path("name").asText());
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a member that owns nothing.")
        static final class Delete extends Operation {
            @Parameters(paramLabel = "ID") String id;

            Delete(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/members/" + path(id));
            }

            void print(JsonNode a) {
                line("member %s deleted", id);
            }
        }
    }

    // subsystem

    @Command(name = "subsystem", mixinStandardHelpOptions = true, description = "Subsystems (INSTANCE/CLASS/CODE/SUBSYSTEM).",
            subcommands = {Subsystem.Add.class, Subsystem.ListAll.class, Subsystem.Delete.class})
    static final class Subsystem {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a subsystem to a member.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "ID") String id;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/subsystems", Map.of("id", id));
            }

            void print(JsonNode a) {
                line("subsystem %s added", a.path("id").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List subsystems.")
        static final class ListAll extends Operation {
            @Option(names = "--member", paramLabel = "ID") String member;

            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/subsystems?limit=500"
                        + (member == null ? "" : "&member=" + URLEncoder.encode(member, StandardCharsets.UTF_8)));
            }

            void print(JsonNode a) {
                table(a.path("items"), new String[] {"ID", "SECURITY SERVERS"}, "id", "securityServers");
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a subsystem no server hosts.")
        static final class Delete extends Operation {
            @Parameters(paramLabel = "ID") String id;

            Delete(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/subsystems/" + path(id));
            }

            void print(JsonNode a) {
                line("subsystem %s deleted", id);
            }
        }
    }

    // server

    @Command(name = "server", mixinStandardHelpOptions = true, description = "Registered security servers.",
            subcommands = {Server.ListAll.class})
    static final class Server {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "List security servers and their clients.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/security-servers?limit=500");
            }

            void print(JsonNode a) {
                table(a.path("items"), new String[] {"ID", "ADDRESS", "CLIENTS"}, "id", "address", "clients");
            }
        }
    }

    // group

    @Command(name = "group", mixinStandardHelpOptions = true, description = "Global groups.",
            subcommands = {Group.Add.class, Group.ListAll.class, Group.AddMember.class, Group.RemoveMember.class})
    static final class Group {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a global group.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "CODE") String code;
            @Option(names = "--description", required = true) String description;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/global-groups", Map.of("code", code, "description", description));
            }

            void print(JsonNode a) {
                line("global group %s added", a.path("id").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List global groups.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/global-groups?limit=500");
            }

            void print(JsonNode a) {
                table(a.path("items"), new String[] {"CODE", "DESCRIPTION", "MEMBERS"}, "code", "description", "members");
            }
        }

        @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Put a member or subsystem in a group.")
        static final class AddMember extends Operation {
            @Parameters(index = "0", paramLabel = "CODE") String code;
            @Parameters(index = "1", paramLabel = "ID") String id;

            AddMember(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/global-groups/" + path(code) + "/members", Map.of("id", id));
            }

            void print(JsonNode a) {
                line("%s added to global group %s", id, code);
            }
        }

        @Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Take a member or subsystem out of a group.")
        static final class RemoveMember extends Operation {
            @Parameters(index = "0", paramLabel = "CODE") String code;
            @Parameters(index = "1", paramLabel = "ID") String id;

            RemoveMember(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/global-groups/" + path(code) + "/members/" + path(id));
            }

            void print(JsonNode a) {
                line("%s removed from global group %s", id, code);
            }
        }
    }

    // ca and tsa

    @Command(name = "ca", mixinStandardHelpOptions = true, description = "Approved certification authorities.",
            subcommands = {Ca.Add.class, Ca.ListAll.class})
    static final class Ca {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Approve a CA: its certificate and OCSP responder.")
        static final class Add extends Operation {
            @Option(names = "--cert", required = true, paramLabel = "FILE") Path cert;
            @Option(names = "--ocsp-url", required = true, paramLabel = "URL") String ocspUrl;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/certification-authorities", Map.of("certificate", pem(cert), "ocspUrl", ocspUrl));
            }

            void print(JsonNode a) {
                line("CA %s approved (id %s)", a.path("name").asText(), a.path("id").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List approved CAs.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/certification-authorities");
            }

            void print(JsonNode a) {
                table(a, new String[] {"ID", "NAME", "OCSP"}, "id", "name", "ocspUrl");
            }
        }
    }

    @Command(name = "tsa", mixinStandardHelpOptions = true, description = "Approved time-stamping authorities.",
            subcommands = {Tsa.Add.class, Tsa.ListAll.class})
    static final class Tsa {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Approve a TSA: its URL and certificate.")
        static final class Add extends Operation {
            @Option(names = "--url", required = true, paramLabel = "URL") String url;
            @Option(names = "--cert", required = true, paramLabel = "FILE") Path cert;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/timestamping-authorities", Map.of("url", url, "certificate", pem(cert)));
            }

            void print(JsonNode a) {
                line("TSA %s at %s approved (id %s)", a.path("name").asText(), a.path("url").asText(), a.path("id").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List approved TSAs.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/timestamping-authorities");
            }

            void print(JsonNode a) {
                table(a, new String[] {"ID", "NAME", "URL"}, "id", "name", "url");
            }
        }
    }

    @Command(name = "witness", mixinStandardHelpOptions = true,
            description = "Transparency witnesses the global configuration lists, and the quorum of their cosignatures"
                    + " a checkpoint needs (docs/witness.md).",
            subcommands = {Witness.Add.class, Witness.ListAll.class, Witness.Remove.class, Witness.Quorum.class})
    static final class Witness {
        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "List a witness: its tlog-witness URL and the verifier key xroad witness init printed.")
        static final class Add extends Operation {
            @Option(names = "--url", required = true, paramLabel = "URL") String url;
            @Option(names = "--key", required = true, paramLabel = "VKEY",
                    description = "The witness's cosignature/v1 verifier key, name+keyid+base64") String key;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/witnesses", Map.of("url", url, "verifierKey", key));
            }

            void print(JsonNode a) {
                line("%d witness(es) listed, quorum %d", a.path("witnesses").size(), a.path("quorum").asInt());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List the witnesses and the quorum.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/witnesses");
            }

            void print(JsonNode a) {
                table(a.path("witnesses"), new String[] {"NAME", "URL", "VERIFIER KEY"}, "name", "url", "verifierKey");
                line("quorum: %d", a.path("quorum").asInt());
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop listing a witness.")
        static final class Remove extends Operation {
            @Parameters(paramLabel = "NAME") String name;

            Remove(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/witnesses/" + name);
            }

            void print(JsonNode a) {
                line("%s removed; %d witness(es) listed, quorum %d", name, a.path("witnesses").size(),
                        a.path("quorum").asInt());
            }
        }

        @Command(name = "quorum", mixinStandardHelpOptions = true,
                description = "How many of the listed witnesses must cosign a checkpoint (1 to the number listed).")
        static final class Quorum extends Operation {
            @Parameters(paramLabel = "K") int quorum;

            Quorum(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.put("/api/v1/witnesses/quorum", Map.of("quorum", quorum));
            }

            void print(JsonNode a) {
                line("quorum %d of %d witness(es)", a.path("quorum").asInt(), a.path("witnesses").size());
            }
        }
    }

    // requests

    @Command(name = "requests", mixinStandardHelpOptions = true, description = "Management requests filed by security servers.",
            subcommands = {Requests.ListAll.class, Requests.Approve.class, Requests.Reject.class})
    static final class Requests {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "List management requests.")
        static final class ListAll extends Operation {
            @Option(names = "--status", description = "pending, approved or rejected") String status;

            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/management-requests?limit=500" + (status == null ? "" : "&status=" + status));
            }

            void print(JsonNode a) {
                table(a.path("items"), new String[] {"ID", "TYPE", "STATUS", "SERVER", "CLIENT", "NEW OWNER",
                        "RECEIVED"}, "id", "type", "status", "server", "client", "newOwner", "receivedAt");
            }
        }

        @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending request.")
        static final class Approve extends Operation {
            @Parameters(paramLabel = "ID") long id;

            Approve(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/management-requests/" + id + "/approve", null);
            }

            void print(JsonNode a) {
                line("request %d (%s for %s) approved", id, a.path("type").asText(), a.path("server").asText());
            }
        }

        @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a pending request.")
        static final class Reject extends Operation {
            @Parameters(paramLabel = "ID") long id;
            @Option(names = "--reason") String reason;

            Reject(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/management-requests/" + id + "/reject",
                        reason == null ? Map.of() : Map.of("reason", reason));
            }

            void print(JsonNode a) {
                line("request %d rejected", id);
            }
        }
    }

    // settings, audit, api keys

    @Command(name = "settings", mixinStandardHelpOptions = true, description = "Instance-wide settings.",
            subcommands = {SettingsCommand.Show.class, SettingsCommand.Set.class})
    static final class SettingsCommand {
        @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the settings.")
        static final class Show extends Operation {
            Show(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/settings");
            }

            void print(JsonNode a) {
                a.fields().forEachRemaining(f -> line("%s = %s", f.getKey(), f.getValue().asText()));
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true, description = "Change settings: NAME=VALUE ...")
        static final class Set extends Operation {
            @Parameters(paramLabel = "NAME=VALUE", arity = "1..*") List<String> assignments;

            Set(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (String assignment : assignments) {
                    int eq = assignment.indexOf('=');
                    if (eq < 1) {
                        throw new UserError("'" + assignment + "' is not NAME=VALUE");
                    }
                    String value = assignment.substring(eq + 1);
                    values.put(assignment.substring(0, eq), value.matches("-?[0-9]{1,9}") ? (Object) Integer.parseInt(value)
                            : value.equals("true") || value.equals("false") ? (Object) Boolean.parseBoolean(value) : value);
                }
                return client.put("/api/v1/settings", values);
            }

            void print(JsonNode a) {
                a.fields().forEachRemaining(f -> line("%s = %s", f.getKey(), f.getValue().asText()));
            }
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "The admin audit trail, newest first.")
    static final class Audit extends Operation {
        @Option(names = "--limit", defaultValue = "50") int limit;

        Audit(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            return client.get("/api/v1/audit?limit=" + limit);
        }

        void print(JsonNode a) {
            table(a.path("items"), new String[] {"AT", "ACTOR", "ACTION", "TARGET", "OUTCOME", "DETAIL"},
                    "at", "actor", "action", "target", "outcome", "detail");
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true,
            description = "Users of the registry's operator console (docs/console.md), each with one of the roles"
                    + " admin, registration-officer or viewer.",
            subcommands = {User.Add.class, User.ListAll.class, User.Delete.class, User.Passwd.class})
    static final class User {

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a console user; the password (10 to 72 bytes) is read from a file so that it never"
                        + " shows in the process list.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--role", required = true, paramLabel = "ROLE",
                    description = "admin, registration-officer or viewer") String role;
            @Option(names = "--password-file", required = true, paramLabel = "FILE") Path passwordFile;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/console-users", Map.of("name", name,
                        "password", ServerCommand.User.password(passwordFile), "role", role));
            }

            void print(JsonNode a) {
                line("user %s added with role %s", a.path("name").asText(), a.path("role").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List console users.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/console-users");
            }

            void print(JsonNode a) {
                table(a, new String[] {"NAME", "ROLE", "CREATED", "LOCKED UNTIL"}, "name", "role", "createdAt",
                        "lockedUntil");
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a console user.")
        static final class Delete extends Operation {
            @Parameters(paramLabel = "NAME") String name;

            Delete(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/console-users/" + path(name));
            }

            void print(JsonNode a) {
                line("user %s deleted", name);
            }
        }

        @Command(name = "passwd", mixinStandardHelpOptions = true,
                description = "Set a console user's password (from a file); lifts a lock-out.")
        static final class Passwd extends Operation {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--password-file", required = true, paramLabel = "FILE") Path passwordFile;

            Passwd(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.put("/api/v1/console-users/" + path(name) + "/password",
                        Map.of("password", ServerCommand.User.password(passwordFile)));
            }

            void print(JsonNode a) {
                line("password of user %s set", name);
            }
        }
    }

    @Command(name = "api-key", mixinStandardHelpOptions = true, description = "Operator API keys.",
            subcommands = {ApiKey.Create.class, ApiKey.ListAll.class, ApiKey.Revoke.class})
    static final class ApiKey {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key (shown once).")
        static final class Create extends Operation {
            @Option(names = "--role", required = true, description = "admin, registration-officer or viewer") String role;
            @Option(names = "--label", required = true) String label;

            Create(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/api-keys", Map.of("role", role, "label", label));
            }

            void print(JsonNode a) {
                line("API key %s (%s), shown once: %s", a.path("id").asText(), a.path("role").asText(), a.path("key").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/api-keys");
            }

            void print(JsonNode a) {
                table(a, new String[] {"ID", "ROLE", "LABEL", "CREATED", "REVOKED"}, "id", "role", "label", "createdAt", "revokedAt");
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key.")
        static final class Revoke extends Operation {
            @Parameters(paramLabel = "ID") long id;

            Revoke(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/api-keys/" + id);
            }

            void print(JsonNode a) {
                line("API key %d revoked", id);
            }
        }
    }
}
