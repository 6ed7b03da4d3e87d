package org.xroadng.securityserver.console;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.securityserver.accesslog.CheckpointPublisher;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.metrics.MetricsListener;
import org.xroadng.securityserver.metrics.RecentExchanges;

/**
 * What the console's dashboard and message-log pages read from the running server. The running
 * server ({@code SecurityServer}) implements it; every method answers what is known now and never
 * blocks on a peer.
 */
public interface ServerStatus {

    /** The verified global configuration in use, if one was downloaded. */
    Optional<GlobalConfiguration> globalConfiguration();

    /** Each condition the server needs to take exchanges, with its problem when it does not hold. */
    Map<String, Optional<String>> checks();

    /** Message-log records waiting for a time-stamp; empty when the server keeps no message log. */
    OptionalLong unstampedRecords();

    /** Since when time-stamping has been failing; empty while it works. */
    Optional<Instant> timestampingFailingSince();

    /** The access log's checkpoint state, while the message path runs. */
    Optional<CheckpointPublisher.Status> checkpointStatus();

    MetricsListener.ExchangeCounts exchanges();

    /** Exchanges and errors in the last minute (or since start, for a younger server); empty while starting. */
    Optional<RecentExchanges.Window> lastMinute();

    /** The message log, to find exchanges and export their evidence. */
    Optional<H2MessageLog> messageLog();

    /** The signed global configuration (compact JWS) that evidence bundles carry. */
    Optional<String> signedConfiguration();
}
