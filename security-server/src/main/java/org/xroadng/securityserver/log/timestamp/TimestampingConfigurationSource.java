package org.xroadng.securityserver.log.timestamp;

import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;

/**
 * Where the {@link BatchTimestamper} reads, before each run, which TSAs to ask and the failure
 * window, so that a new global configuration takes effect without a restart.
 */
@FunctionalInterface
public interface TimestampingConfigurationSource {

    /**
     * The current configuration.
     *
     * @throws ExchangeException when there is no valid global configuration; the run then counts as failed
     */
    TimestampingConfiguration current() throws ExchangeException;

    /** Reads the security server's current global configuration; parses it again only when it changed. */
    public static TimestampingConfigurationSource of(GlobalConfHolder holder) {
        return new TimestampingConfigurationSource() {
            private GlobalConfiguration parsedFrom;
            private TimestampingConfiguration parsed;

            @Override
            public synchronized TimestampingConfiguration current() throws ExchangeException {
                GlobalConfiguration configuration = holder.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF)
                        .configuration();
                if (configuration != parsedFrom) {
                    parsed = TimestampingConfiguration.from(configuration);
                    parsedFrom = configuration;
                }
                return parsed;
            }
        };
    }
}
