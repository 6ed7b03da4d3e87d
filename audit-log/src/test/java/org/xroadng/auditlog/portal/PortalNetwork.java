package org.xroadng.auditlog.portal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.xroadng.auditlog.portal.devidp.DevIdentityProvider;
import org.xroadng.auditlog.portal.oidc.OidcIdTokenVerifier;
import org.xroadng.protocol.testing.FreePorts;

/** The development identity provider and the portal on loopback, the portal asking a {@link PortalScenario}. */
final class PortalNetwork implements AutoCloseable {

    final PortalScenario scenario;
    final DevIdentityProvider idp;
    final PortalServer portal;

    PortalNetwork(PortalScenario scenario, Clock clock, Duration perServerTimeout) throws IOException {
        this.scenario = scenario;
        int portalPort = FreePorts.one();
        URI portalUrl = URI.create("http://127.0.0.1:" + portalPort);
        idp = DevIdentityProvider.start(new InetSocketAddress("127.0.0.1", 0), null, List.of(URI.create(portalUrl + "/")),
                null, clock, new SecureRandom());
        PortalSettings settings = new PortalSettings(new InetSocketAddress("127.0.0.1", portalPort), portalUrl,
                Path.of("unused-anchor.json"), URI.create("http://127.0.0.1:9"), PortalScenario.TAX, idp.issuer(),
                DevIdentityProvider.DEFAULT_CLIENT_ID, OidcIdTokenVerifier.DEFAULT_ALGORITHMS, perServerTimeout,
                perServerTimeout.plusSeconds(2));
        portal = PortalServer.start(settings, clock, scenario, scenario, scenario.witness);
    }

    String token(String subject) {
        return idp.issue(new PersonalCode(subject), DevIdentityProvider.DEFAULT_CLIENT_ID, null);
    }

    @Override
    public void close() {
        scenario.release();
        portal.close();
        idp.close();
    }
}
