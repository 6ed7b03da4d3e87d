package org.xroadng.cli;

import java.io.PrintWriter;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What every command gets from {@code main} instead of reaching for globals: the signing provider,
 * randomness, the clock, the environment and the console streams.
 */
public record Services(Provider provider, SecureRandom random, Clock clock, Map<String, String> environment,
                       PrintWriter out, PrintWriter err) {

    public Services {
        environment = Map.copyOf(environment);
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(environment.get(name)).filter(v -> !v.isEmpty());
    }
}
