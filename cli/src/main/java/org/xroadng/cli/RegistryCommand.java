package org.xroadng.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.registry.RegistryException;
import org.xroadng.registry.RegistryHome;
import org.xroadng.registry.RegistryServer;
import org.xroadng.registry.RegistrySettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xroad registry ...}: run a central registry and operate it. */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Run the central registry (members, servers, trusted CAs and TSAs, signed global configuration)"
                + " and operate it through its API.",
        subcommands = {RegistryCommand.Init.class, RegistryCommand.Serve.class, RegistryCommand.Anchor.class,
                RegistryCommand.ConfKey.class,
                RegistryOperatorCommands.MemberClass.class, RegistryOperatorCommands.Member.class,
                RegistryOperatorCommands.Subsystem.class, RegistryOperatorCommands.Server.class,
                RegistryOperatorCommands.Group.class, RegistryOperatorCommands.Ca.class, RegistryOperatorCommands.Tsa.class,
                RegistryOperatorCommands.Witness.class,
                RegistryOperatorCommands.Requests.class, RegistryOperatorCommands.SettingsCommand.class,
                RegistryOperatorCommands.Audit.class, RegistryOperatorCommands.ApiKey.class,
                RegistryOperatorCommands.User.class,
                ComponentBackupCommand.RegistryBackupCase.class, ComponentBackupCommand.RegistryRestoreCase.class})
final class RegistryCommand {

    static final class RegistryDir {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The registry's directory")
        Path dir;

        @Mixin
        PinOptions pin;

        RegistryHome open(Services services) {
            try {
                return RegistryHome.open(dir, pin.pin(services, "registry token"), services.provider(),
                        services.random(), services.clock());
            } catch (RegistryException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a registry: configuration signing key and certificate in a PIN-protected token, the"
                    + " database, and a first admin API key, shown once.")
    static final class Init implements Runnable {
        private final Services services;

        @Mixin
        RegistryDir registry;

        @Option(names = "--instance", required = true, description = "The X-Road instance, e.g. DEMO")
        String instance;

        @Option(names = "--url", required = true, paramLabel = "URL",
                description = "Base URL where security servers reach the registry, e.g. http://127.0.0.1:8900")
        String url;

        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Listen address (default: 127.0.0.1 and the URL's port)")
        String listen;

        @Option(names = "--refresh-seconds", defaultValue = "60",
                description = "Publish a fresh global configuration this often (default: ${DEFAULT-VALUE})")
        int refreshSeconds;

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        Init(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            CaCommand.parse("--instance", () -> new org.xroadng.protocol.id.GlobalGroupId(instance, "x"));
            URI baseUrl = CaCommand.parse("--url", () -> ConfigValues.httpUrl(url));
            InetSocketAddress address = listen == null
                    ? new InetSocketAddress("127.0.0.1", baseUrl.getPort() > 0 ? baseUrl.getPort() : 80)
                    : CaCommand.parse("--listen", () -> ConfigValues.hostPort(listen));
            DatabaseSettings tables = database.settings();
            RegistrySettings settings = CaCommand.parse("--refresh-seconds",
                    () -> new RegistrySettings(instance, baseUrl, address, refreshSeconds, tables));
            try {
                RegistryHome.Initialized created = RegistryHome.init(registry.dir, settings,
                        registry.pin.pin(services, "new registry token"), services.provider(), services.random(),
                        services.clock());
                created.home().close();
                services.out().printf("registry for instance %s created in %s%n", instance, registry.dir);
                services.out().printf("admin API key (shown once; keep it safe): %s%n", created.adminKey().key());
                services.out().printf("next: xroad registry serve --dir %s, then xroad registry anchor --dir %s --out anchor.json%n",
                        registry.dir, registry.dir);
            } catch (RegistryException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve the operator API (/api/v1), management requests (/management/requests) and the"
                    + " global configuration (/globalconf) until stopped with Ctrl-C.")
    static final class Serve implements Runnable {
        private final Services services;

        @Mixin
        RegistryDir registry;

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try (RegistryHome home = registry.open(services);
                 RegistryServer server = RegistryServer.start(home.registry(), home.settings())) {
                services.out().printf("registry of instance %s listening on %s: operator API %s/api/v1,"
                                + " global configuration %s/globalconf (Ctrl-C stops)%n", home.settings().instance(),
                        server.baseUri(), server.baseUri(), server.baseUri());
                services.out().flush();
                Foreground.awaitStop("registry");
            } catch (IOException e) {
                throw new UserError("cannot start the registry: " + e.getMessage(), e);
            } catch (SigningException e) {
                throw new UserError("the configuration signing key failed: " + e.getMessage(), e);
            }
            services.out().println("registry stopped");
            services.out().flush();
        }
    }

    @Command(name = "conf-key", mixinStandardHelpOptions = true,
            description = "Rotate the configuration signing key: prepare a next key, restart the registry so every"
                    + " configuration announces it and servers add it to their anchors, then activate it and restart.",
            subcommands = {ConfKey.Prepare.class, ConfKey.Activate.class})
    static final class ConfKey {

        @Command(name = "prepare", mixinStandardHelpOptions = true,
                description = "Generate the next configuration signing key in the registry's token (run with the"
                        + " registry stopped, then start it: configurations announce the key from then on).")
        static final class Prepare implements Runnable {
            private final Services services;

            @Mixin
            RegistryDir registry;

            Prepare(Services services) {
                this.services = services;
            }

            @Override
            public void run() {
                try {
                    X509Certificate next = RegistryHome.prepareNextSigningKey(registry.dir,
                            registry.pin.pin(services, "registry token"), services.provider(), services.random(),
                            services.clock());
                    services.out().printf("next configuration signing key prepared: %s (SHA-256 %s)%n",
                            next.getSubjectX500Principal(), AnchorFile.fingerprint(next.getEncoded()));
                    services.out().printf("next: restart the registry; once every server has fetched a configuration"
                            + " (globalConfRefreshSeconds), run xroad registry conf-key activate --dir %s%n", registry.dir);
                } catch (RegistryException e) {
                    throw new UserError(e.getMessage(), e);
                } catch (CertificateEncodingException e) {
                    throw new UserError("the new certificate cannot be encoded: " + e.getMessage(), e);
                }
            }
        }

        @Command(name = "activate", mixinStandardHelpOptions = true,
                description = "Make the prepared key the configuration signing key (run with the registry stopped,"
                        + " then start it); the old certificate is kept as conf-signing-previous.pem.")
        static final class Activate implements Runnable {
            private final Services services;

            @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The registry's directory")
            Path dir;

            Activate(Services services) {
                this.services = services;
            }

            @Override
            public void run() {
                try {
                    X509Certificate now = RegistryHome.activateNextSigningKey(dir);
                    services.out().printf("configuration signing key activated: %s (SHA-256 %s)%n",
                            now.getSubjectX500Principal(), AnchorFile.fingerprint(now.getEncoded()));
                    services.out().printf("next: restart the registry; write a new anchor (xroad registry anchor) for"
                            + " servers set up from now on%n");
                } catch (RegistryException e) {
                    throw new UserError(e.getMessage(), e);
                } catch (CertificateEncodingException e) {
                    throw new UserError("the certificate cannot be encoded: " + e.getMessage(), e);
                }
            }
        }
    }

    @Command(name = "anchor", mixinStandardHelpOptions = true,
            description = "Write the anchor file that security servers are given to trust this registry, and print"
                    + " its SHA-256 fingerprint for operators to compare.")
    static final class Anchor implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The registry's directory")
        Path dir;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the anchor (JSON)")
        Path out;

        Anchor(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try {
                org.xroadng.protocol.globalconf.Anchor anchor = RegistryHome.anchor(dir);
                AnchorFile.write(out, anchor);
                services.out().printf("anchor for instance %s written to %s%n", anchor.instance(), out);
                services.out().printf("SHA-256 fingerprint: %s%n", AnchorFile.fingerprint(out));
            } catch (RegistryException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + CaCommand.describe(e), e);
            }
        }
    }
}
