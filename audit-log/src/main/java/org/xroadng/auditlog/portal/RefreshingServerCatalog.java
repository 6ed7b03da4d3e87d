package org.xroadng.auditlog.portal;

import java.util.Optional;
import org.xroadng.protocol.id.MemberId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;

/**
 * A {@link ServerCatalog} over a {@link ConfigurationClient}: downloads and verifies the global
 * configuration when asked and the last download is older than {@code refreshEvery} by the clock;
 * when a download fails, goes on with the last good copy while it has not expired (the client's
 * guarantee), so an unreachable registry does not stop the portal before the copy expires.
 */
public final class RefreshingServerCatalog implements ServerCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshingServerCatalog.class);

    private final ConfigurationClient client;
    private final Clock clock;
    private final Duration refreshEvery;
    private Instant lastAttempt;

    public RefreshingServerCatalog(ConfigurationClient client, Clock clock, Duration refreshEvery) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshEvery = Objects.requireNonNull(refreshEvery, "refreshEvery");
    }

    @Override
    public synchronized List<GlobalConfiguration.SecurityServer> servers() throws ConfigurationException {
        Instant now = clock.instant();
        if (lastAttempt == null || !now.isBefore(lastAttempt.plus(refreshEvery))) {
            lastAttempt = now;
            try {
                return client.refresh().securityServers();
            } catch (ConfigurationException e) {
                LOG.warn("global configuration refresh failed, using the last good copy if any: {}", e.getMessage());
            }
        }
        return client.current().securityServers();
    }

    @Override
    public GlobalConfiguration.Transparency transparency() {
        return client.lastGood().map(GlobalConfiguration::transparency).orElse(GlobalConfiguration.Transparency.NONE);
    }

    @Override
    public Optional<String> memberName(MemberId member) {
        return client.lastGood().flatMap(c -> c.member(member)).map(GlobalConfiguration.Member::name);
    }
}
