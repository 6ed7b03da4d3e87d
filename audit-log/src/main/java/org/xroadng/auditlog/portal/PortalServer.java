package org.xroadng.auditlog.portal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.xroadng.auditlog.witness.CosignaturePolicy;
import org.xroadng.auditlog.portal.oidc.OidcIdTokenVerifier;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessClient;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.http.HttpApiServer;

/**
 * The running citizen portal (DESIGN.md section 7): {@link PortalApi} and the pages in Vietnamese and
 * English ({@link PortalPages}) on an {@link HttpApiServer},
 * ID tokens checked by an {@link OidcIdTokenVerifier} of the configured issuer, access logs
 * gathered by {@link CitizenAccessLogs}. {@link #start(PortalSettings, Clock, Provider)} wires the
 * real parts: the global configuration from the anchor's registry (verified, refreshed every
 * minute), the registry's witness, and the portal's security server's client proxy.
 */
public final class PortalServer implements AutoCloseable {

    static final Duration CATALOG_REFRESH = Duration.ofSeconds(60);
    static final Duration IDP_TIMEOUT = Duration.ofSeconds(5);

    private final HttpApiServer server;
    private final CitizenAccessLogs logs;
    private final URI publicUrl;

    private PortalServer(HttpApiServer server, CitizenAccessLogs logs, URI publicUrl) {
        this.server = server;
        this.logs = logs;
        this.publicUrl = publicUrl;
    }

    /**
     * Starts the portal against a real exchange.
     *
     * @param provider the JCA provider that verifies the global configuration's signature
     */
    public static PortalServer start(PortalSettings settings, Clock clock, Provider provider)
            throws IOException, ConfigurationException {
        Anchor anchor = AnchorFile.read(settings.anchor());
        ConfigurationClient configuration = new ConfigurationClient(anchor, new HttpConfigurationSource(anchor), clock,
                provider, null, settings.anchor());
        HttpClient http = HttpClient.newBuilder().connectTimeout(settings.perServerTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return start(settings, clock, new RefreshingServerCatalog(configuration, clock, CATALOG_REFRESH),
                new HttpAccessLogSource(settings.clientProxy(), settings.portalSubsystem(), http,
                        settings.perServerTimeout()),
                WitnessClient.forAnchor(configuration::anchor, provider));
    }

    /**
     * The witnesses the portal trusts: those of {@code portal.yaml} when it lists any (its operator's
     * own choice), else those the global configuration lists, with its quorum.
     */
    private static java.util.function.Supplier<CosignaturePolicy> policies(PortalSettings settings,
                                                                          ServerCatalog catalog) {
        CosignaturePolicy own = settings.witnessPolicy();
        return own.required() ? () -> own : () -> CosignaturePolicy.of(catalog.transparency());
    }

    /** Starts the portal with the given parts (tests, demos): where servers, answers and witnessed checkpoints come from. */
    public static PortalServer start(PortalSettings settings, Clock clock, ServerCatalog catalog, AccessLogSource source,
                                     Witness witness) throws IOException {
        Objects.requireNonNull(settings, "settings");
        HttpClient http = HttpClient.newBuilder().connectTimeout(IDP_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        OidcIdTokenVerifier verifier = new OidcIdTokenVerifier(settings.issuer(), settings.clientId(),
                settings.allowedAlgorithms(), clock, OidcIdTokenVerifier.DEFAULT_SKEW, http, IDP_TIMEOUT);
        CitizenAccessLogs logs = new CitizenAccessLogs(catalog, source, new AnswerVerifier(witness, policies(settings, catalog), clock),
                settings.perServerTimeout(), settings.deadline());
        try {
            HttpApiServer.Builder builder = HttpApiServer.builder("portal").bind(settings.listen()).maxBodyBytes(64 * 1024);
            // The redirect URI must be known before the server binds: with no public URL it is the listen address.
            URI publicUrl = settings.publicUrl() != null ? settings.publicUrl()
                    : URI.create("http://" + settings.listen().getHostString() + ":" + settings.listen().getPort());
            new PortalApi(logs, verifier, settings.clientId(), URI.create(publicUrl + "/")).routes(builder);
            new PortalPages(new PortalTemplates(PortalMessages.load()), logs, verifier,
                    "https".equalsIgnoreCase(publicUrl.getScheme())).routes(builder);
            return new PortalServer(builder.start(), logs, publicUrl);
        } catch (IOException | RuntimeException e) {
            logs.close();
            throw e;
        }
    }

    /** Where the server listens, {@code http://host:port}. */
    public URI baseUri() {
        return server.baseUri();
    }

    /** The portal's address as browsers reach it; the sign-in returns to its {@code /}. */
    public URI publicUrl() {
        return publicUrl;
    }

    @Override
    public void close() {
        server.close();
        logs.close();
    }
}
