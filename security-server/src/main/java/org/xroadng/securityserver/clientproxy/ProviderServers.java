package org.xroadng.securityserver.clientproxy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * Chooses among the security servers that host a provider's subsystem (X-Road's external load
 * balancing): {@link #order} gives the order in which one request tries them.
 *
 * <ul>
 *   <li><b>Healthy servers first, spread.</b> Each place goes to the better of two servers drawn
 *   at random (the "power of two choices"), chosen with a probability inversely proportional to
 *   its cost: (requests it has outstanding + 1) × (1 + its connect time in milliseconds, at most
 *   {@link #MAX_CONNECT_PENALTY}). Connect time is a moving average of how long requests waited
 *   for their connection (near 0 on a pooled one, a TCP and TLS handshake on a new one), halved
 *   every {@link #CONNECT_HALF_LIFE} without news, so a server once slow to connect is not shunned
 *   for long. A server quicker to connect to, or less busy, is preferred, never exclusively: at
 *   most {@code 1 + MAX_CONNECT_PENALTY} times as likely as an idle one.</li>
 *   <li><b>A failed server is marked down</b> when a request could not be sent to it
 *   ({@link Attempt#notSent()}), and left out for an exponential back-off: 1 s after the first
 *   failure, doubling, at most {@link #MAX_BACKOFF}. When that has passed one request at a time
 *   tries it first (a probe); an answer marks it healthy again, a failure doubles its
 *   back-off.</li>
 *   <li><b>When every server is down</b> they are all tried anyway, the one whose back-off ends
 *   first in front.</li>
 * </ul>
 *
 * <p>Failures after a request was sent do not mark a server down: the server was reached, and
 * the failure may be its provider information system's. Thread-safe and non-blocking (it runs on
 * the event loops): state per server is held in atomics; a race can only make one choice a
 * little less even.
 */
public final class ProviderServers {

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** The most that connect time adds to a server's cost factor of 1. */
    static final double MAX_CONNECT_PENALTY = 3;
    static final Duration CONNECT_HALF_LIFE = Duration.ofSeconds(2);
    /** The weight of a new sample in the moving average of connect time. */
    private static final double ALPHA = 0.5;

    private final Clock clock;
    private final Supplier<RandomGenerator> random;
    private final Map<Key, Server> servers = new ConcurrentHashMap<>();

    /**
     * @param random a generator for the calling thread ({@code ThreadLocalRandom::current} in a
     *               server; a seeded one in tests)
     */
    public ProviderServers(Clock clock, Supplier<RandomGenerator> random) {
        this.clock = clock;
        this.random = random;
    }

    /** A server as the balancer knows it: by id and address, so a moved server starts afresh. */
    private record Key(SecurityServerId id, String address) {
    }

    /** Healthy when {@code failures} is 0; otherwise down until {@code retryAtMillis}. */
    private record Health(int failures, long retryAtMillis) {
        static final Health HEALTHY = new Health(0, 0);
    }

    /** A moving average of connect time, as of {@code atMillis}. */
    private record ConnectTime(double nanos, long atMillis) {
        static final ConnectTime UNKNOWN = new ConnectTime(-1, 0);

        double decayedTo(long nowMillis) {
            if (nanos <= 0) {
                return 0;
            }
            double halfLives = Math.max(0, nowMillis - atMillis) / (double) CONNECT_HALF_LIFE.toMillis();
            return nanos * Math.pow(0.5, halfLives);
        }

        ConnectTime with(long sampleNanos, long nowMillis) {
            double old = decayedTo(nowMillis);
            return new ConnectTime(nanos < 0 ? sampleNanos : old + ALPHA * (sampleNanos - old), nowMillis);
        }
    }

    private static final class Server {
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicReference<ConnectTime> connect = new AtomicReference<>(ConnectTime.UNKNOWN);
        final AtomicReference<Health> health = new AtomicReference<>(Health.HEALTHY);
    }

    /** One request sent to one server: report exactly one outcome. */
    public final class Attempt {

        private final Server server;
        private boolean ended;

        private Attempt(Server server) {
            this.server = server;
            server.outstanding.incrementAndGet();
        }

        /** The server answered (any status): it is healthy, and waiting for its connection took this long. */
        public void answered(long connectNanos) {
            if (end()) {
                long now = clock.millis();
                server.connect.updateAndGet(c -> c.with(Math.max(0, connectNanos), now));
                server.health.set(Health.HEALTHY);
            }
        }

        /** No byte of the request reached the server: it is marked down for a back-off. */
        public void notSent() {
            if (end()) {
                long now = clock.millis();
                server.health.updateAndGet(h -> new Health(h.failures() + 1, now + backoffMillis(h.failures() + 1)));
            }
        }

        /** The request was sent, then failed: the server's health is not judged by it. */
        public void failedAfterSending() {
            end();
        }

        private boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
            server.outstanding.decrementAndGet();
            return true;
        }
    }

    /** Counts a request to {@code server} as outstanding until the attempt reports how it went. */
    public Attempt begin(SecurityServer server) {
        return new Attempt(server(server));
    }

    /**
     * The order in which to try {@code candidates} (servers hosting one subsystem): probes of
     * servers whose back-off has passed, then healthy servers, spread as the class describes,
     * then servers still down, soonest retry first.
     */
    public List<SecurityServer> order(List<SecurityServer> candidates) {
        if (candidates.size() <= 1) {
            return candidates;
        }
        long now = clock.millis();
        List<SecurityServer> probes = new ArrayList<>();
        List<SecurityServer> healthy = new ArrayList<>(candidates.size());
        List<SecurityServer> down = new ArrayList<>();
        for (SecurityServer candidate : candidates) {
            Server server = server(candidate);
            Health health = server.health.get();
            if (health.failures() == 0) {
                healthy.add(candidate);
            } else if (health.retryAtMillis() <= now && server.health.compareAndSet(health,
                    new Health(health.failures(), now + backoffMillis(health.failures())))) {
                probes.add(candidate); // others wait while this request probes it
            } else {
                down.add(candidate);
            }
        }
        List<SecurityServer> order = new ArrayList<>(candidates.size());
        order.addAll(probes);
        spread(healthy, order);
        down.sort(Comparator.comparingLong(s -> server(s).health.get().retryAtMillis()));
        order.addAll(down);
        return order;
    }

    /** Whether {@code server} is marked down now (its back-off not yet over, or being probed). */
    public boolean isDown(SecurityServer server) {
        Server known = servers.get(new Key(server.id(), server.address()));
        return known != null && known.health.get().failures() > 0;
    }

    /** Appends {@code healthy} to {@code order}, each place the weighted choice of two drawn at random. */
    private void spread(List<SecurityServer> healthy, List<SecurityServer> order) {
        RandomGenerator rnd = random.get();
        long now = clock.millis();
        List<SecurityServer> rest = new ArrayList<>(healthy);
        while (rest.size() > 1) {
            int i = rnd.nextInt(rest.size());
            int j = rnd.nextInt(rest.size() - 1);
            if (j >= i) {
                j++;
            }
            double costI = cost(rest.get(i), now);
            double costJ = cost(rest.get(j), now);
            // i with probability costJ / (costI + costJ): the cheaper, the likelier
            order.add(rest.remove(rnd.nextDouble() * (costI + costJ) < costJ ? i : j));
        }
        order.addAll(rest);
    }

    private double cost(SecurityServer candidate, long now) {
        Server server = server(candidate);
        double connectMillis = server.connect.get().decayedTo(now) / 1e6;
        return (server.outstanding.get() + 1.0) * (1 + Math.min(connectMillis, MAX_CONNECT_PENALTY));
    }

    private Server server(SecurityServer server) {
        return servers.computeIfAbsent(new Key(server.id(), server.address()), k -> new Server());
    }

    /** 1 s after the first failure, doubling with each further one, at most {@link #MAX_BACKOFF}. */
    static long backoffMillis(int failures) {
        int doublings = Math.min(failures - 1, 30);
        return Math.min(FIRST_BACKOFF.toMillis() << doublings, MAX_BACKOFF.toMillis());
    }
}
