package org.xroadng.securityserver.http;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.http.ConnectionLimit;
import org.xroadng.protocol.http.ConnectionTimeouts;

/**
 * The resource limits of one proxy listener (DESIGN.md section 9) and the handlers that enforce
 * them on each connection: {@link ConnectionLimit} first in the pipeline, {@link ConnectionTimeouts}
 * after the HTTP codec, {@link BodyBudgetGuard} before the body aggregator. The
 * {@link BodyBudget} is the server's, shared by its listeners; the {@link ConnectionStats} are the
 * listener's own.
 */
public record ProxyGuards(ConnectionStats stats, BodyBudget budget, int maxConnections, Duration idleTimeout,
                          Duration headerTimeout, int maxBodyBytes, ErrorType overloaded) {

    public ProxyGuards {
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(overloaded, "overloaded");
        // The limits themselves were validated once, in the server's settings (DataPlane.Limits).
    }

    /** Adds the connection limit as the first handler of a new connection. */
    public void first(Channel channel) {
        channel.pipeline().addFirst("limit", new ConnectionLimit(stats.open, maxConnections, stats.refused::increment));
    }

    public ConnectionTimeouts timeouts() {
        return new ConnectionTimeouts(idleTimeout, headerTimeout, new ConnectionTimeouts.Closes() {
            @Override
            public void idle() {
                stats.closedIdle.increment();
            }

            @Override
            public void slow() {
                stats.closedSlow.increment();
            }
        });
    }

    public BodyBudgetGuard budgetGuard() {
        return new BodyBudgetGuard(budget, maxBodyBytes, overloaded);
    }
}
