package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.xroadng.auditlog.portal.PortalServer;
import org.xroadng.auditlog.portal.PortalSettings;
import org.xroadng.auditlog.portal.devidp.DevIdentityProvider;
import org.xroadng.protocol.globalconf.ConfigurationException;

/**
 * The demo's citizen portal ({@link DemoPorts#portal()}) and its development identity provider
 * ({@link DemoPorts#identityProvider()}, labelled as such on every page; its key is kept in
 * {@code DIR/idp}). The portal asks every server's {@code accessLog} service through the tax board's
 * server, which hosts {@link DemoCast#PORTAL}, and checks checkpoints at the registry's witness.
 */
public final class DemoPortal implements AutoCloseable {

    private final DevIdentityProvider identityProvider;
    private final PortalServer portal;

    private DemoPortal(DevIdentityProvider identityProvider, PortalServer portal) {
        this.identityProvider = identityProvider;
        this.portal = portal;
    }

    static DemoPortal start(Path dir, DemoPorts ports, URI clientProxy, Path anchor, Provider provider,
                            SecureRandom random, Clock clock) throws DemoException {
        URI portalUrl = DemoPorts.http(ports.portal());
        URI issuer = DemoPorts.http(ports.identityProvider());
        DevIdentityProvider idp;
        try {
            idp = DevIdentityProvider.start(DemoPorts.address(ports.identityProvider()), issuer,
                    List.of(URI.create(portalUrl + "/")), dir.resolve("idp"), clock, random);
        } catch (IOException e) {
            throw new DemoException("development identity provider: cannot listen on port " + ports.identityProvider()
                    + ": " + e.getMessage(), e);
        }
        try {
            PortalSettings settings = PortalSettings.withDefaults(DemoPorts.address(ports.portal()), portalUrl, anchor,
                    clientProxy, DemoCast.PORTAL, issuer.toString());
            return new DemoPortal(idp, PortalServer.start(settings, clock, provider));
        } catch (IOException e) {
            idp.close();
            throw new DemoException("citizen portal: cannot listen on port " + ports.portal() + ": " + e.getMessage(), e);
        } catch (ConfigurationException e) {
            idp.close();
            throw new DemoException("citizen portal: the anchor " + anchor + " cannot be used: " + e.getMessage(), e);
        }
    }

    URI url() {
        return portal.publicUrl();
    }

    URI identityProviderUrl() {
        return URI.create(identityProvider.issuer());
    }

    /** A shell command that puts a development ID token for {@code personalCode} from {@code identityProvider} in {@code $TOKEN}. */
    public static String tokenCommand(URI identityProvider, String personalCode) {
        return "TOKEN=$(curl -s -d sub=" + personalCode + " " + identityProvider + "/token"
                + " | sed 's/.*\"id_token\" *: *\"\\([^\"]*\\)\".*/\\1/')";
    }

    /** A shell command that asks the portal's API for the events of the citizen in {@code $TOKEN}. */
    public static String eventsCommand(URI portal) {
        return "curl -s -H \"Authorization: Bearer $TOKEN\" " + portal + "/api/v1/events";
    }

    @Override
    public void close() {
        portal.close();
        identityProvider.close();
    }
}
