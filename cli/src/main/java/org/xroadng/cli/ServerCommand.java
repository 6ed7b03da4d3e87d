package org.xroadng.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.auditlog.access.store.AccessLogRepair;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.StoreException;
import org.xroadng.securityserver.SecurityServer;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xroad server ...}: create a security server and operate it through its admin API (never
 * its database). Operator commands find the API at {@code --admin URL} or {@code $XROAD_ADMIN_URL}
 * and the key in {@code --api-key-file} or {@code $XROAD_ADMIN_KEY}.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Create a security server and operate it through its admin API: keys and certificates,"
                + " registration, clients, services, access rights, local groups.",
        subcommands = {ServerCommand.Init.class, ServerCommand.Serve.class, ServerCommand.ImportCert.class, ServerCommand.AuthKey.class,
                ServerCommand.SignKey.class, ServerCommand.Key.class, ServerCommand.Cert.class,
                ServerCommand.Register.class, ServerCommand.UnregisterAuthCert.class, ServerCommand.ChangeAddress.class,
                ServerCommand.ChangeOwner.class,
                ServerCommand.Client.class, ServerCommand.Service.class,
                ServerCommand.Acl.class, ServerCommand.LocalGroup.class, ServerCommand.AccessLogStatus.class,
                ServerCommand.User.class, ServerCommand.ApiKey.class,
                ServerCommand.Repair.class, ServerTokenCommand.class, ServerBackupCommand.Backup.class,
                ServerBackupCommand.Restore.class})
final class ServerCommand {

    static final String URL_ENV = "XROAD_ADMIN_URL";
    static final String KEY_ENV = "XROAD_ADMIN_KEY";

    private ServerCommand() {
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a security server: authentication and owner signing keys in a PIN-protected token,"
                    + " their certification requests, the database, and a first admin API key, shown once.")
    static final class Init implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path dir;

        @Mixin
        PinOptions pin;

        @Option(names = "--server-id", required = true, paramLabel = "ID",
                description = "The server's identifier INSTANCE/CLASS/MEMBER/SERVERCODE, e.g. DEMO/GOV/1001/ss1")
        String serverId;

        @Option(names = "--anchor", required = true, paramLabel = "FILE", description = "The registry's anchor file")
        Path anchor;

        @Option(names = "--client-proxy", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
                description = "Where information systems reach the client proxy (default: ${DEFAULT-VALUE})")
        String clientProxy;

        @Option(names = "--client-proxy-tls", paramLabel = "HOST:PORT",
                description = "Where information systems reach the client proxy over HTTPS (needed for clients that"
                        + " authenticate with a pinned certificate; default: none)")
        String clientProxyTls;

        @Option(names = "--server-proxy", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:5500",
                description = "Where the server proxy listens for peers (default: ${DEFAULT-VALUE})")
        String serverProxy;

        @Option(names = "--server-address", paramLabel = "HOST:PORT",
                description = "The address published to the registry (default: 127.0.0.1 and the server proxy port)")
        String serverAddress;

        @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5588",
                description = "Where the admin API listens (default: ${DEFAULT-VALUE})")
        String admin;

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        @Option(names = "--sign-token", paramLabel = "ID",
                description = "Generate the owner's signing key in this HSM token, configured beforehand with"
                        + " 'xroad server token add --dir DIR' (default: the software token)")
        String signToken;

        Init(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            SecurityServerId id = CaCommand.parse("--server-id", () -> SecurityServerId.parse(serverId));
            InetSocketAddress client = CaCommand.parse("--client-proxy", () -> ConfigValues.hostPort(clientProxy));
            InetSocketAddress server = CaCommand.parse("--server-proxy", () -> ConfigValues.hostPort(serverProxy));
            InetSocketAddress adminAddress = CaCommand.parse("--admin", () -> ConfigValues.hostPort(admin));
            String published = serverAddress != null ? serverAddress : "127.0.0.1:" + server.getPort();
            CaCommand.parse("--server-address", () -> ConfigValues.hostPort(published));
            Path anchorPath = anchor.toAbsolutePath().normalize();
            InetSocketAddress clientTls = clientProxyTls == null ? null
                    : CaCommand.parse("--client-proxy-tls", () -> ConfigValues.hostPort(clientProxyTls));
            ServerSettings settings = new ServerSettings(id, anchorPath, client, clientTls, server, published, adminAddress,
                    ServerSettings.DEFAULT_MAX_BODY_BYTES, ServerSettings.DEFAULT_GLOBAL_CONF_REFRESH_SECONDS,
                    ServerSettings.DEFAULT_OCSP_REFRESH_SECONDS, org.xroadng.securityserver.log.Durability.FSYNC,
                    ServerSettings.DEFAULT_CHECKPOINT_INTERVAL_SECONDS).withDatabase(database.settings());
            try {
                ServerHome.Initialized created = ServerHome.init(dir, settings, pin.pin(services, "new server token"),
                        signToken, services::env, services.provider(), services.random(), services.clock());
                created.home().close();
                services.out().printf("security server %s created in %s%n", id, dir);
                services.out().printf("admin API key (shown once; keep it safe): %s%n", created.adminKey().key());
                services.out().printf("authentication CSR: %s%n", created.authCsr());
                services.out().printf("signing CSR for %s: %s%s%n", id.owner(), created.signCsr(),
                        signToken == null ? "" : " (key in HSM token " + signToken + ")");
                services.out().printf("next: have the CA certify both, then xroad server import-cert --cert FILE"
                        + " and xroad server register%n");
            } catch (ServerException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the security server until stopped with Ctrl-C: the admin API and metrics at once, the"
                    + " client proxy and server proxy once the authentication certificate has been imported.")
    static final class Serve implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path dir;

        @Mixin
        PinOptions pin;

        @Mixin
        NodeOption node = new NodeOption();

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try (ServerHome home = ServerHome.open(dir, pin.pin(services, "server token"), services::env, services.provider(),
                    services.random(), services.clock());
                 org.xroadng.securityserver.log.H2MessageLog messageLog = home.openMessageLog(node.node);
                 org.xroadng.securityserver.SecurityServer server = org.xroadng.securityserver.SecurityServer.start(home,
                         messageLog, services.provider(), services.random(), services.clock())) {
                services.out().printf("security server %s%s: admin API %s/api/v1, metrics %s/metrics; client proxy %s and"
                                + " server proxy %s open once the authentication certificate is imported (Ctrl-C stops)%n",
                        home.settings().serverId(), node.node == null ? "" : " (node " + node.node + ")", server.adminUri(),
                        server.adminUri(), home.settings().clientProxy(),
                        home.settings().serverProxy());
                services.out().flush();
                Foreground.awaitStop("server");
            } catch (ServerException e) {
                throw new UserError(e.getMessage(), e);
            } catch (java.io.IOException e) {
                throw new UserError("cannot start the security server: " + e.getMessage(), e);
            }
            services.out().println("security server stopped");
            services.out().flush();
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = "Check a stopped security server's access log, and with --repair mend it without losing an"
                    + " event: close gaps in the leaf numbering (events after a gap move down, their previous links made"
                    + " again) and compute the subtree hashes again from the leaves. The server says at start when it"
                    + " needs this. Exit code 0 when the log is consistent (or was repaired), 3 when it needs repair.")
    static final class Repair implements java.util.concurrent.Callable<Integer> {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The stopped server's directory")
        Path dir;

        @Option(names = "--repair", description = "Mend what the check finds (default: only report)")
        boolean repair;

        Repair(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            DatabaseSettings database = DatabaseSettings.embedded();
            if (Files.exists(dir.resolve(ServerSettings.FILE))) {
                try {
                    database = ServerSettings.load(dir).database();
                } catch (ConfigException e) {
                    throw new UserError(e.getMessage(), e);
                }
            }
            Path file = dir.resolve(SecurityServer.ACCESS_LOG_FILE + ".mv.db");
            if (database.isEmbedded() && !Files.isRegularFile(file)) {
                throw new UserError("no access log at " + file + ": expected the directory of a security server"
                        + " that has run its message path", null);
            }
            AccessLogRepair.Report report;
            try (Database db = database.open(dir.resolve(SecurityServer.ACCESS_LOG_FILE), H2MerkleLog.DATABASE_NAME)) {
                report = AccessLogRepair.run(db, repair);
            } catch (StoreException e) {
                throw new UserError("cannot " + (repair ? "repair" : "check") + " the access log in " + dir + ": "
                        + e.getMessage() + " (is the server still running? stop it first)", e);
            }
            services.out().println(report.describe());
            services.out().flush();
            return report.consistent() || report.repaired() ? 0 : 3;
        }
    }

    /** Where the admin API is and the key to use; shared by every operator command. */
    static final class AdminApiOptions {
        @Option(names = "--admin", paramLabel = "URL", description = "Admin API URL (default: $" + URL_ENV + ")")
        String url;

        @Option(names = "--api-key-file", paramLabel = "FILE", description = "File holding the admin API key (default: $" + KEY_ENV + ")")
        Path apiKeyFile;

        @Option(names = "--json", description = "Print the API's JSON answer")
        boolean json;

        ApiClient client(Services services) {
            return ApiOperation.connect(services, url, "--admin", URL_ENV, apiKeyFile, KEY_ENV, "admin");
        }
    }

    /** Base of the security server operator commands: the admin API mixin. */
    abstract static class Operation extends ApiOperation {
        @Mixin
        AdminApiOptions api;

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

    static String path(String id) {
        return RegistryOperatorCommands.path(id);
    }

    @Command(name = "import-cert", mixinStandardHelpOptions = true,
            description = "Import a CA-issued certificate (PEM, certificate first, then any CA certificates) for one of"
                    + " the server's keys; the key is found by the certificate's public key.")
    static final class ImportCert extends Operation {
        @Option(names = "--cert", required = true, paramLabel = "FILE") Path cert;

        ImportCert(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            return client.post("/api/v1/certificates", Map.of("certificate", RegistryOperatorCommands.pem(cert)));
        }

        void print(JsonNode a) {
            line("certificate imported for the %s key %s of %s", a.path("role").asText(), a.path("keyId").asText(),
                    a.path("identity").asText());
        }
    }

    @Command(name = "auth-key", mixinStandardHelpOptions = true, description = "The server's authentication key.",
            subcommands = {AuthKey.Add.class})
    static final class AuthKey {
        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Rotate: generate the server's next authentication key and write its CSR. Have the CA"
                        + " issue it, import it (import-cert) and register it (register); once approved and in the"
                        + " global configuration for twice its refresh interval, TLS presents it, and the old"
                        + " certificate can be withdrawn (unregister-auth-cert --cert).")
        static final class Add extends Operation {
            @Option(names = "--out", required = true, paramLabel = "CSR") Path out;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                JsonNode answer = client.post("/api/v1/auth-keys", Map.of());
                try {
                    Files.writeString(out, answer.path("csr").asText());
                } catch (IOException e) {
                    throw new UserError("cannot write the CSR to " + out + ": " + CaCommand.describe(e));
                }
                return answer;
            }

            void print(JsonNode a) {
                line("authentication key %s for %s; CSR written to %s", a.path("keyId").asText(),
                        a.path("server").asText(), out);
            }
        }
    }

    @Command(name = "sign-key", mixinStandardHelpOptions = true, description = "Signing keys of hosted members.",
            subcommands = {SignKey.Add.class})
    static final class SignKey {
        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Generate a signing key for another member hosted here and write its CSR; with"
                        + " --rotate, the next key of a member whose key is certified (the current key signs until"
                        + " the new one's certificate is imported and its OCSP status known).")
        static final class Add extends Operation {
            @Option(names = "--member", required = true, paramLabel = "ID") String member;
            @Option(names = "--out", required = true, paramLabel = "CSR") Path out;
            @Option(names = "--token", paramLabel = "ID",
                    description = "Generate the key in this HSM token (see 'xroad server token list'; default: the"
                            + " software token)") String token;
            @Option(names = "--rotate", description = "Rotate: a new key beside the member's certified one")
            boolean rotate;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                body.put("member", member);
                if (token != null) {
                    body.put("token", token);
                }
                if (rotate) {
                    body.put("rotate", true);
                }
                JsonNode answer = client.post("/api/v1/sign-keys", body);
                try {
                    Files.writeString(out, answer.path("csr").asText());
                } catch (IOException e) {
                    throw new UserError("cannot write the CSR to " + out + ": " + CaCommand.describe(e));
                }
                return answer;
            }

            void print(JsonNode a) {
                line("signing key %s for %s; CSR written to %s", a.path("keyId").asText(), a.path("member").asText(), out);
            }
        }
    }

    @Command(name = "cert", mixinStandardHelpOptions = true, description = "The server's certificates.",
            subcommands = {Cert.Renew.class})
    static final class Cert {
        @Command(name = "renew", mixinStandardHelpOptions = true,
                description = "Renew certificates now by ACME at the CA (acme.yaml in the server's directory): a new"
                        + " key in the same token, ordered, finalized and imported, taken into use as a rotated key is."
                        + " A renewed authentication certificate is registered (authCertReg) at once. Without --key,"
                        + " every certificate due for renewal (renewBeforeDays); the outcome is audited.")
        static final class Renew extends Operation {
            @Option(names = "--key", paramLabel = "KEY_ID",
                    description = "The key whose certificate to renew, due or not (see 'xroad server key list')")
            String key;

            Renew(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/certificate-renewals", key == null ? Map.of() : Map.of("keyId", key));
            }

            void print(JsonNode a) {
                if (a.isEmpty()) {
                    line("no certificate is due for renewal");
                }
                for (JsonNode o : a) {
                    if (!o.path("failure").isNull() && o.has("failure") && !o.path("failure").asText().isEmpty()) {
                        line("key %s: not renewed: %s", o.path("keyId").asText(), o.path("failure").asText());
                        continue;
                    }
                    line("key %s: %s certificate of %s renewed: new key %s, serial %s, valid until %s",
                            o.path("keyId").asText(), o.path("role").asText(), o.path("identity").asText(),
                            o.path("newKeyId").asText(), o.path("serial").asText(), o.path("notAfter").asText());
                    if (o.hasNonNull("registration")) {
                        line("  registration filed: %s", o.path("registration").asText());
                    }
                    if (o.hasNonNull("registrationFailure")) {
                        line("  registration failed: %s (file it with 'xroad server register')",
                                o.path("registrationFailure").asText());
                    }
                }
            }
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true, description = "The server's keys, in every token.",
            subcommands = {Key.ListAll.class, Key.Delete.class})
    static final class Key {
        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "List the keys: use, owner, token, certificate and whether TLS presents it.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/keys");
            }

            void print(JsonNode a) {
                table(a, new String[] {"KEY", "USE", "FOR", "TOKEN", "CERTIFIED", "EXPIRES", "IN USE (TLS)"}, "keyId",
                        "role", "identity", "token", "certified", "notAfter", "inUse");
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Delete a key the server no longer uses from its token (software or HSM), for good:"
                        + " e.g. the old key after a rotation. Refused for the authentication key TLS presents and for"
                        + " a member's only signing key with a valid certificate.")
        static final class Delete extends Operation {
            @Parameters(paramLabel = "KEY_ID") String keyId;

            Delete(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/keys/" + path(keyId));
            }

            void print(JsonNode a) {
                line("key %s deleted", keyId);
            }
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "File authCertReg with the registry: this server, its address and its authentication certificate.")
    static final class Register extends Operation {
        Register(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            return client.post("/api/v1/registration", Map.of());
        }

        void print(JsonNode a) {
            line("%s request %s filed: %s", a.path("type").asText(), a.path("id").asText(), a.path("status").asText());
        }
    }

    @Command(name = "unregister-auth-cert", mixinStandardHelpOptions = true,
            description = "File authCertDeletion with the registry, signed by the owner's signing key: withdraws an"
                    + " authentication certificate (the current one unless --cert names another, e.g. the old one"
                    + " after a rotation); peers stop accepting it from their next global configuration.")
    static final class UnregisterAuthCert extends Operation {
        @Option(names = "--cert", paramLabel = "FILE", description = "The certificate to withdraw (PEM)") Path cert;

        UnregisterAuthCert(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", "authCertDeletion");
            if (cert != null) {
                body.put("certificate", RegistryOperatorCommands.pem(cert));
            }
            return client.post("/api/v1/management-requests", body);
        }

        void print(JsonNode a) {
            printFiled(this, a);
        }
    }

    @Command(name = "change-address", mixinStandardHelpOptions = true,
            description = "File addressChange with the registry, signed by the owner's signing key: peers reach this"
                    + " server proxy at HOST:PORT once an operator approves it. Change serverAddress in server.yaml too.")
    static final class ChangeAddress extends Operation {
        @Parameters(paramLabel = "HOST:PORT") String address;

        ChangeAddress(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            return client.post("/api/v1/management-requests", Map.of("type", "addressChange", "address", address));
        }

        void print(JsonNode a) {
            printFiled(this, a);
        }
    }

    @Command(name = "change-owner", mixinStandardHelpOptions = true,
            description = "File ownerChange with the registry, signed by the NEW owner's signing key: MEMBER (a member"
                    + " with a subsystem registered as a client here and a signing certificate on this server)"
                    + " owns this server once an operator approves it and the next global configuration shows it."
                    + " The server keeps its identifier; from then on its requests are signed by MEMBER.")
    static final class ChangeOwner extends Operation {
        @Parameters(paramLabel = "MEMBER", description = "The new owner, INSTANCE/CLASS/MEMBER") String owner;

        ChangeOwner(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            return client.post("/api/v1/management-requests", Map.of("type", "ownerChange", "newOwner", owner));
        }

        void print(JsonNode a) {
            printFiled(this, a);
        }
    }

    static void printFiled(ApiOperation operation, JsonNode a) {
        operation.line("%s request %s filed: %s", a.path("type").asText(), a.path("id").asText(),
                a.path("status").asText());
    }

    /** Files a clientDeletion, clientDisable or clientEnable request for a client. */
    abstract static class ClientChange extends Operation {
        @Parameters(paramLabel = "ID") String id;

        ClientChange(Services services) {
            super(services);
        }

        abstract String type();

        JsonNode call(ApiClient client) {
            return client.post("/api/v1/management-requests", Map.of("type", type(), "client", id));
        }

        void print(JsonNode a) {
            printFiled(this, a);
        }
    }

    @Command(name = "client", mixinStandardHelpOptions = true, description = "Clients (subsystems) hosted here.",
            subcommands = {Client.Add.class, Client.RegisterClient.class, Client.Unregister.class, Client.Disable.class,
                    Client.Enable.class, Client.ListAll.class, Client.Delete.class})
    static final class Client {
        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a client, e.g. DEMO/GOV/1001/population; --https with --pin-cert for IS TLS authentication.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "ID") String id;
            @Option(names = "--https", description = "The IS authenticates over HTTPS with a pinned certificate") boolean https;
            @Option(names = "--pin-cert", paramLabel = "FILE", description = "An IS certificate (PEM) to pin; repeatable")
            List<Path> pinCerts = new ArrayList<>();

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", id);
                body.put("isAuthentication", https ? "https" : "http");
                body.put("pinnedCertificates", pinCerts.stream().map(RegistryOperatorCommands::pem).toList());
                return client.post("/api/v1/clients", body);
            }

            void print(JsonNode a) {
                line("client %s added (IS authentication %s)", a.path("id").asText(), a.path("isAuthentication").asText());
            }
        }

        @Command(name = "register", mixinStandardHelpOptions = true,
                description = "File clientReg with the registry, signed by the client member's signing key.")
        static final class RegisterClient extends Operation {
            @Parameters(paramLabel = "ID") String id;

            RegisterClient(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/client-registrations", Map.of("client", id));
            }

            void print(JsonNode a) {
                line("%s request %s filed: %s", a.path("type").asText(), a.path("id").asText(), a.path("status").asText());
            }
        }

        @Command(name = "unregister", mixinStandardHelpOptions = true,
                description = "File clientDeletion with the registry, signed by the owner's signing key: the client"
                        + " leaves this server in the next global configuration (a pending clientReg is withdrawn).")
        static final class Unregister extends ClientChange {
            Unregister(Services services) {
                super(services);
            }

            String type() {
                return "clientDeletion";
            }
        }

        @Command(name = "disable", mixinStandardHelpOptions = true,
                description = "File clientDisable: the client stays registered, but peers refuse its messages from"
                        + " their next global configuration until it is enabled again.")
        static final class Disable extends ClientChange {
            Disable(Services services) {
                super(services);
            }

            String type() {
                return "clientDisable";
            }
        }

        @Command(name = "enable", mixinStandardHelpOptions = true, description = "File clientEnable for a disabled client.")
        static final class Enable extends ClientChange {
            Enable(Services services) {
                super(services);
            }

            String type() {
                return "clientEnable";
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List clients.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/clients");
            }

            void print(JsonNode a) {
                table(a, new String[] {"ID", "IS AUTH", "REGISTERED", "PINNED"}, "id", "isAuthentication", "registered",
                        "pinnedCertificates");
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a client without services.")
        static final class Delete extends Operation {
            @Parameters(paramLabel = "ID") String id;

            Delete(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/clients/" + path(id));
            }

            void print(JsonNode a) {
                line("client %s deleted", id);
            }
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true,
            description = "Users of the operator console (docs/console.md), each with one or more of the roles"
                    + " security-officer, registration-officer, service-administrator, system-administrator, observer.",
            subcommands = {User.Add.class, User.ListAll.class, User.Delete.class, User.Passwd.class})
    static final class User {

        static String password(Path file) {
            try {
                String password = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
                if (password.isEmpty()) {
                    throw new UserError("--password-file " + file + " is empty; expected the password on its first line");
                }
                return password;
            } catch (java.io.IOException e) {
                throw new UserError("cannot read --password-file " + file + ": " + e.getMessage(), e);
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a console user; the password (10 to 72 bytes) is read from a file so that it never"
                        + " shows in the process list.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "NAME") String name;
            @Option(names = "--role", required = true, paramLabel = "ROLE", description = "A role; repeatable")
            List<String> roles = new ArrayList<>();
            @Option(names = "--password-file", required = true, paramLabel = "FILE") Path passwordFile;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/users", Map.of("name", name, "password", password(passwordFile),
                        "roles", roles));
            }

            void print(JsonNode a) {
                line("user %s added with roles %s", a.path("name").asText(), a.path("roles").toString());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List console users.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/users");
            }

            void print(JsonNode a) {
                table(a, new String[] {"NAME", "ROLES", "CREATED", "LOCKED UNTIL"}, "name", "roles", "createdAt",
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
                return client.delete("/api/v1/users/" + path(name));
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
                return client.put("/api/v1/users/" + path(name) + "/password", Map.of("password", password(passwordFile)));
            }

            void print(JsonNode a) {
                line("password of user %s set", name);
            }
        }
    }

    @Command(name = "api-key", mixinStandardHelpOptions = true,
            description = "Admin API keys (also a way to sign in to the console), each with one or more roles.",
            subcommands = {ApiKey.Create.class, ApiKey.ListAll.class, ApiKey.Revoke.class})
    static final class ApiKey {
        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key (shown once).")
        static final class Create extends Operation {
            @Option(names = "--role", required = true, paramLabel = "ROLE", description = "A role; repeatable")
            List<String> roles = new ArrayList<>();
            @Option(names = "--label", required = true) String label;

            Create(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/api-keys", Map.of("label", label, "roles", roles));
            }

            void print(JsonNode a) {
                line("API key %s (%s), shown once: %s", a.path("id").asText(), join(a.path("roles")),
                        a.path("key").asText());
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
                table(a, new String[] {"ID", "LABEL", "ROLES", "CREATED", "REVOKED"}, "id", "label", "roles", "createdAt",
                        "revokedAt");
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true,
                description = "Revoke a key; consoles signed in with it are signed out.")
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

    @Command(name = "access-log", mixinStandardHelpOptions = true,
            description = "The access log: its size, the latest checkpoint the registry's witness accepted, and why the"
                    + " last publication failed, if it did.")
    static final class AccessLogStatus extends Operation {
        AccessLogStatus(Services services) {
            super(services);
        }

        JsonNode call(ApiClient client) {
            return client.get("/api/v1/access-log");
        }

        void print(JsonNode a) {
            line("events logged:        %d", a.path("size").asLong());
            if (a.path("witnessedSize").isNull() || a.path("witnessedSize").isMissingNode()) {
                line("witnessed checkpoint: none yet");
            } else {
                line("witnessed checkpoint: %d events, root %s, at %s", a.path("witnessedSize").asLong(),
                        a.path("witnessedRootHash").asText(), a.path("witnessedAt").asText());
            }
            if (a.hasNonNull("lastFailure")) {
                line("last failure:         %s", a.path("lastFailure").asText());
            }
        }
    }

    @Command(name = "service", mixinStandardHelpOptions = true, description = "Services provided here.",
            subcommands = {Service.Add.class, Service.ListAll.class, Service.Delete.class, Service.Description.class,
                    Service.Wsdl.class})
    static final class Service {
        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a service, e.g. DEMO/GOV/1001/population/person --url http://127.0.0.1:9000/person.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "ID") String id;
            @Option(names = "--url", required = true, paramLabel = "URL") String url;
            @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                    description = "Provider IS timeout, 1..600 (default: ${DEFAULT-VALUE})") int timeout;
            @Option(names = "--personal-data", description = "The service serves personal data: a successful"
                    + " answer naming no data subject (X-Road-Subject, or the IS's X-Road-Data-Subject) is withheld,"
                    + " so that every access is in the access log") boolean personalData;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/services", Map.of("id", id, "url", url, "timeoutSeconds", timeout,
                        "personalData", personalData));
            }

            void print(JsonNode a) {
                line("service %s added -> %s", a.path("id").asText(), a.path("url").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List services.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/services");
            }

            void print(JsonNode a) {
                table(a, new String[] {"ID", "URL", "TIMEOUT", "PERSONAL", "ENABLED"}, "id", "url", "timeoutSeconds",
                        "personalData", "enabled");
            }
        }

        @Command(name = "description", mixinStandardHelpOptions = true,
                description = "OpenAPI 3 descriptions of services: their endpoints are what listMethods lists and what"
                        + " per-endpoint access rights name; getOpenAPI returns the document as given.",
                subcommands = {Description.Add.class, Description.Refresh.class, Description.ListAll.class,
                        Description.Delete.class})
        static final class Description {

            /** The document of {@code file}, which must be UTF-8 text. */
            static String read(Path file) {
                try {
                    return Files.readString(file);
                } catch (java.nio.charset.MalformedInputException e) {
                    throw new UserError(file + " is not UTF-8 text; a description is JSON or YAML (OpenAPI) or XML"
                            + " (WSDL) in UTF-8");
                } catch (IOException e) {
                    throw new UserError("cannot read " + file + ": " + e.getMessage());
                }
            }

            static String endpoints(JsonNode list) {
                List<String> out = new ArrayList<>();
                list.forEach(e -> out.add(e.path("method").asText() + " " + e.path("path").asText()));
                return out.isEmpty() ? "(none)" : String.join(", ", out);
            }

            @Command(name = "add", mixinStandardHelpOptions = true,
                    description = "Add the OpenAPI 3 description of a service, read from --url (now, and again on each"
                            + " refresh) or uploaded from --file.")
            static final class Add extends Operation {
                @Parameters(paramLabel = "SERVICE") String service;
                @Option(names = "--url", paramLabel = "URL", description = "Where the server reads the description") String url;
                @Option(names = "--file", paramLabel = "FILE", description = "A description to upload (JSON or YAML)") Path file;

                Add(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    if ((url == null) == (file == null)) {
                        throw new UserError("give either --url or --file");
                    }
                    return client.post("/api/v1/service-descriptions", url != null ? Map.of("service", service, "url", url)
                            : Map.of("service", service, "content", read(file)));
                }

                void print(JsonNode a) {
                    line("description of %s added (%s): %s", a.path("service").asText(), a.path("source").asText(),
                            endpoints(a.path("endpoints")));
                }
            }

            @Command(name = "refresh", mixinStandardHelpOptions = true,
                    description = "Read a service's description again from its URL, or upload the new one with --file;"
                            + " prints the endpoints added and removed.")
            static final class Refresh extends Operation {
                @Parameters(paramLabel = "SERVICE") String service;
                @Option(names = "--file", paramLabel = "FILE", description = "The new description, for an uploaded one") Path file;

                Refresh(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    return client.post("/api/v1/service-descriptions/refresh", file == null ? Map.of("service", service)
                            : Map.of("service", service, "content", read(file)));
                }

                void print(JsonNode a) {
                    line("description of %s refreshed", a.path("description").path("service").asText());
                    line("  added:   %s", endpoints(a.path("added")));
                    line("  removed: %s", endpoints(a.path("removed")));
                }
            }

            @Command(name = "list", mixinStandardHelpOptions = true, description = "List service descriptions.")
            static final class ListAll extends Operation {
                ListAll(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    return client.get("/api/v1/service-descriptions");
                }

                void print(JsonNode a) {
                    table(a, new String[] {"SERVICE", "SOURCE", "TYPE", "BYTES", "REFRESHED"}, "service", "source",
                            "contentType", "size", "refreshedAt");
                }
            }

            @Command(name = "delete", mixinStandardHelpOptions = true,
                    description = "Delete a service's description (the service and its access rights stay).")
            static final class Delete extends Operation {
                @Parameters(paramLabel = "SERVICE") String service;

                Delete(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    return client.delete("/api/v1/service-descriptions/" + path(service));
                }

                void print(JsonNode a) {
                    line("description of %s deleted", service);
                }
            }
        }

        @Command(name = "wsdl", mixinStandardHelpOptions = true,
                description = "WSDL descriptions of a provider subsystem (SOAP): each operation of the document's SOAP"
                        + " binding becomes a service at its soap:address; listMethods and allowedMethods list them,"
                        + " getWsdl returns the document with the address hidden.",
                subcommands = {Wsdl.Add.class, Wsdl.Refresh.class, Wsdl.ListAll.class, Wsdl.Delete.class})
        static final class Wsdl {

            static String services(JsonNode list) {
                List<String> out = new ArrayList<>();
                list.forEach(e -> out.add(e.asText()));
                return out.isEmpty() ? "(none)" : String.join(", ", out);
            }

            @Command(name = "add", mixinStandardHelpOptions = true,
                    description = "Add a WSDL to a provider subsystem, read from --url (now, and again on each refresh)"
                            + " or uploaded from --file; its operations become services.")
            static final class Add extends Operation {
                @Parameters(paramLabel = "PROVIDER", description = "The subsystem, e.g. DEMO/GOV/1001/population") String provider;
                @Option(names = "--url", paramLabel = "URL", description = "Where the server reads the WSDL") String url;
                @Option(names = "--file", paramLabel = "FILE", description = "A WSDL to upload") Path file;
                @Option(names = "--personal-data", description = "The services serve personal data (as for service"
                        + " add)") boolean personalData;

                Add(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    if ((url == null) == (file == null)) {
                        throw new UserError("give either --url or --file");
                    }
                    return client.post("/api/v1/wsdl-descriptions", url != null
                            ? Map.of("provider", provider, "url", url, "personalData", personalData)
                            : Map.of("provider", provider, "content", Description.read(file), "personalData", personalData));
                }

                void print(JsonNode a) {
                    line("WSDL %d of %s added (%s): services %s", a.path("id").asLong(), a.path("provider").asText(),
                            a.path("source").asText(), services(a.path("services")));
                }
            }

            @Command(name = "refresh", mixinStandardHelpOptions = true,
                    description = "Read a WSDL again from its URL, or upload the new one with --file; prints the"
                            + " services added and removed.")
            static final class Refresh extends Operation {
                @Parameters(paramLabel = "ID", description = "The WSDL's number, as wsdl list shows it") long id;
                @Option(names = "--file", paramLabel = "FILE", description = "The new WSDL, for an uploaded one") Path file;

                Refresh(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    return client.post("/api/v1/wsdl-descriptions/refresh", file == null ? Map.of("id", id)
                            : Map.of("id", id, "content", Description.read(file)));
                }

                void print(JsonNode a) {
                    line("WSDL %d of %s refreshed", a.path("description").path("id").asLong(),
                            a.path("description").path("provider").asText());
                    line("  added:   %s", services(a.path("added")));
                    line("  removed: %s", services(a.path("removed")));
                }
            }

            @Command(name = "list", mixinStandardHelpOptions = true, description = "List WSDL descriptions.")
            static final class ListAll extends Operation {
                ListAll(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    return client.get("/api/v1/wsdl-descriptions");
                }

                void print(JsonNode a) {
                    table(a, new String[] {"ID", "PROVIDER", "SOURCE", "BYTES", "REFRESHED"}, "id", "provider", "source",
                            "size", "refreshedAt");
                }
            }

            @Command(name = "delete", mixinStandardHelpOptions = true,
                    description = "Delete a WSDL and the services made of it, with their access rights.")
            static final class Delete extends Operation {
                @Parameters(paramLabel = "ID") long id;

                Delete(Services services) {
                    super(services);
                }

                JsonNode call(ApiClient client) {
                    return client.delete("/api/v1/wsdl-descriptions/" + id);
                }

                void print(JsonNode a) {
                    line("WSDL %d deleted with its services", id);
                }
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a service and its access rights.")
        static final class Delete extends Operation {
            @Parameters(paramLabel = "ID") String id;

            Delete(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/services/" + path(id));
            }

            void print(JsonNode a) {
                line("service %s deleted", id);
            }
        }
    }

    @Command(name = "acl", mixinStandardHelpOptions = true, description = "Access rights (default deny).",
            subcommands = {Acl.Grant.class, Acl.Revoke.class, Acl.ListAll.class})
    static final class Acl {
        @Command(name = "grant", mixinStandardHelpOptions = true,
                description = "Grant a subject (a subsystem DEMO/GOV/1002/tax, a member DEMO/GOV/1002, global:DEMO/group or"
                        + " local:code) access to a service.")
        static final class Grant extends Operation {
            @Option(names = "--service", required = true, paramLabel = "ID") String service;
            @Option(names = "--subject", required = true, paramLabel = "SUBJECT") String subject;
            @Option(names = "--method", defaultValue = "*", description = "HTTP method or * (default: ${DEFAULT-VALUE})") String method;
            @Option(names = "--path", defaultValue = "/**", paramLabel = "GLOB",
                    description = "Path pattern; * is one segment, ** any, a * inside a segment any characters in it (default: ${DEFAULT-VALUE})") String path;
            @Option(names = "--purpose", paramLabel = "CODE", description = "An allowed purpose; repeatable (default: any)")
            List<String> purposes = new ArrayList<>();
            @Option(names = "--restrict-authority", paramLabel = "KIND",
                    description = "Allow restricted accesses (X-Road-Restriction) by this kind of authority, e.g. police")
            String restrictAuthority;
            @Option(names = "--restrict-max-days", paramLabel = "DAYS",
                    description = "With --restrict-authority: the longest time until a restricted access is disclosed")
            Integer restrictMaxDays;

            Grant(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("service", service, "subject", subject,
                        "method", method, "path", path, "purposes", purposes));
                if (restrictAuthority != null) {
                    body.put("restrictionAuthority", restrictAuthority);
                }
                if (restrictMaxDays != null) {
                    body.put("restrictionMaxDays", restrictMaxDays);
                }
                return client.post("/api/v1/access-rights", body);
            }

            void print(JsonNode a) {
                line("access right %s: %s may call %s %s of %s", a.path("id").asText(), a.path("subject").asText(),
                        a.path("method").asText(), a.path("path").asText(), a.path("service").asText());
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an access right by id.")
        static final class Revoke extends Operation {
            @Parameters(paramLabel = "ID") long id;

            Revoke(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.delete("/api/v1/access-rights/" + id);
            }

            void print(JsonNode a) {
                line("access right %d revoked", id);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List access rights.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/access-rights");
            }

            void print(JsonNode a) {
                table(a, new String[] {"ID", "SERVICE", "SUBJECT", "METHOD", "PATH", "PURPOSES", "RESTRICT AS", "MAX DAYS"},
                        "id", "service", "subject", "method", "path", "purposes", "restrictionAuthority",
                        "restrictionMaxDays");
            }
        }
    }

    @Command(name = "local-group", mixinStandardHelpOptions = true, description = "Local groups, usable as access-right subjects.",
            subcommands = {LocalGroup.Add.class, LocalGroup.AddMember.class, LocalGroup.ListAll.class})
    static final class LocalGroup {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a local group.")
        static final class Add extends Operation {
            @Parameters(paramLabel = "CODE") String code;
            @Option(names = "--description", required = true) String description;

            Add(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/local-groups", Map.of("code", code, "description", description));
            }

            void print(JsonNode a) {
                line("local group %s added", a.path("code").asText());
            }
        }

        @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Add a subsystem to a local group.")
        static final class AddMember extends Operation {
            @Parameters(index = "0", paramLabel = "CODE") String code;
            @Parameters(index = "1", paramLabel = "ID") String id;

            AddMember(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.post("/api/v1/local-groups/" + path(code) + "/members", Map.of("id", id));
            }

            void print(JsonNode a) {
                line("%s added to local group %s", id, a.path("code").asText());
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List local groups.")
        static final class ListAll extends Operation {
            ListAll(Services services) {
                super(services);
            }

            JsonNode call(ApiClient client) {
                return client.get("/api/v1/local-groups");
            }

            void print(JsonNode a) {
                table(a, new String[] {"CODE", "DESCRIPTION", "MEMBERS"}, "code", "description", "members");
            }
        }
    }
}
