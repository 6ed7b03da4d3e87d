package org.xroadng.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xroadng.auditlog.portal.PortalServer;
import org.xroadng.auditlog.portal.PortalSettings;
import org.xroadng.auditlog.portal.devidp.DevIdentityProvider;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.globalconf.ConfigurationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xroad portal serve} and {@code xroad portal dev-idp}: the citizen portal and its development identity provider. */
@Command(name = "portal", mixinStandardHelpOptions = true,
        description = "The citizen portal (who used my data) and a development identity provider for demos.",
        subcommands = {PortalCommand.Serve.class, PortalCommand.DevIdp.class})
final class PortalCommand {

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve the citizen portal (page at /, API GET /api/v1/events) until stopped with Ctrl-C.")
    static final class Serve implements Runnable {
        private final Services services;

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The portal's YAML configuration (listen, publicUrl, anchor, clientProxy, portalSubsystem,"
                        + " issuer, clientId, allowedAlgorithms, perServerTimeoutMillis, deadlineMillis)")
        Path config;

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            PortalSettings settings;
            try {
                settings = PortalSettings.load(config);
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            }
            try (PortalServer portal = PortalServer.start(settings, services.clock(), services.provider())) {
                services.out().printf("citizen portal listening on %s, public at %s/, signing in at %s (Ctrl-C stops)%n",
                        portal.baseUri(), portal.publicUrl(), settings.issuer());
                services.out().flush();
                Foreground.awaitStop("portal");
            } catch (IOException e) {
                throw new UserError("the portal cannot listen on " + settings.listen() + ": " + e.getMessage(), e);
            } catch (ConfigurationException e) {
                throw new UserError("the portal cannot use its anchor " + settings.anchor() + ": " + e.getMessage(), e);
            }
            services.out().println("citizen portal stopped");
            services.out().flush();
        }
    }

    @Command(name = "dev-idp", mixinStandardHelpOptions = true,
            description = "Serve a development OpenID Provider that signs in anyone as any personal code."
                    + " For demos only, never for production.")
    static final class DevIdp implements Runnable {
        private final Services services;

        @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
                description = "Listen address (default: ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "8091", description = "Listen port (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--issuer", paramLabel = "URL",
                description = "The issuer and base URL browsers use (default: http://HOST:PORT)")
        String issuer;

        @Option(names = "--redirect-uri", paramLabel = "URL", required = true,
                description = "A redirect URI sign-ins may return to, such as http://127.0.0.1:8090/ (repeatable)")
        List<String> redirectUris = new ArrayList<>();

        @Option(names = "--key-dir", paramLabel = "DIR",
                description = "Where the signing key is kept across restarts (default: a new key each start)")
        Path keyDir;

        DevIdp(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            InetSocketAddress bind = CaCommand.parse("--host/--port", () -> ConfigValues.hostPort(host + ":" + port));
            URI issuerUrl = issuer == null ? null : CaCommand.parse("--issuer", () -> ConfigValues.httpUrl(issuer));
            List<URI> redirects = new ArrayList<>();
            for (String uri : redirectUris) {
                redirects.add(CaCommand.parse("--redirect-uri", () -> ConfigValues.httpUrl(uri)));
            }
            try (DevIdentityProvider idp = DevIdentityProvider.start(bind, issuerUrl, redirects, keyDir, services.clock(),
                    services.random())) {
                services.out().printf("%s%nissuer %s: discovery %s/.well-known/openid-configuration,"
                                + " POST %s/token with sub=PERSONALCODE (Ctrl-C stops)%n", DevIdentityProvider.NOTICE,
                        idp.issuer(), idp.issuer(), idp.issuer());
                services.out().flush();
                Foreground.awaitStop("dev-idp");
            } catch (IOException e) {
                throw new UserError("the development identity provider cannot start on " + host + ":" + port + ": "
                        + e.getMessage(), e);
            }
            services.out().println("development identity provider stopped");
            services.out().flush();
        }
    }
}
