package org.xroadng.cli.bench;

import org.xroadng.protocol.http.Transport;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.message.BatchMessageSigner;
import org.xroadng.securityserver.message.MessageSignatures;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.JsonApi;
import org.xroadng.cli.demo.Progress;

/**
 * The exchange benchmark: a whole network as the demo builds it (in a temporary directory, through
 * the real interfaces), plus a trivial provider IS registered as service {@code bench} that the tax
 * board may call; then the same load through consumer server → provider server → IS, and straight
 * to the IS, in one run.
 */
public final class ExchangeBench implements AutoCloseable {

    /**
     * The service the benchmark calls, and how: every query names its data subject, as a real one
     * does, so each exchange also writes an access event on both servers.
     */
    public static final String SERVICE = "DEMO/GOV/1001/population/bench";
    public static final String PATH = "/r1/" + SERVICE + "/EE38001010001";
    public static final Map<String, String> HEADERS = Map.of("X-Road-Client", "DEMO/GOV/1002/tax",
            "X-Road-Subject", "EE38001010001");

    /**
     * The load through the tax board's client proxy: every query names one data subject, the same
     * one ({@code subjects} 1) or one of {@code subjects} personal codes drawn at random.
     */
    public static HttpLoad load(InetSocketAddress clientProxy, int subjects) {
        HttpLoad load = new HttpLoad(clientProxy, PATH, HEADERS);
        return subjects == 1 ? load : load.varying("X-Road-Subject", subjects, i -> String.format("EE%011d", i));
    }

    private final Path dir;
    private final DemoNetwork network;
    private final EventLoopGroup loops;
    private final TrivialIs is;

    private ExchangeBench(Path dir, DemoNetwork network, EventLoopGroup loops, TrivialIs is) {
        this.dir = dir;
        this.network = network;
        this.loops = loops;
        this.is = is;
    }

    /**
     * @param messageLog whether the servers keep their message logs (as they always do outside benchmarks)
     * @param durability how durable the servers' logs are ({@code messageLogDurability})
     */
    public static ExchangeBench start(boolean messageLog, Durability durability, Provider provider, SecureRandom random,
                                      Clock clock)
            throws IOException, DemoException {
        return start(messageLog, durability, ServerSettings.DEFAULT_MESSAGE_SIGNATURES, provider, random, clock);
    }

    /** As above, with both servers signing as {@code signatures} ({@code messageSignatures}). */
    public static ExchangeBench start(boolean messageLog, Durability durability, MessageSignatures signatures,
                                      Provider provider, SecureRandom random, Clock clock)
            throws IOException, DemoException {
        return start(messageLog, durability, signatures, 1, provider, random, clock);
    }

    /**
     * As above, the provider's subsystem on {@code providerServers} security servers (the
     * consumer's server spreads the load over them), each with the bench's service and access right.
     */
    public static ExchangeBench start(boolean messageLog, Durability durability, MessageSignatures signatures,
                                      int providerServers, Provider provider, SecureRandom random, Clock clock)
            throws IOException, DemoException {
        Path dir = Files.createTempDirectory("xroad-bench");
        DemoNetwork network = DemoNetwork.start(dir, freePorts(random, providerServers), messageLog, durability,
                signatures, provider,
                random, clock, new Progress(new PrintWriter(Writer.nullWriter())));
        EventLoopGroup loops = Transport.chosen().group(1, new DefaultThreadFactory("bench-is", true));
        TrivialIs is;
        try {
            is = TrivialIs.start(new InetSocketAddress("127.0.0.1", 0), loops);
            for (var server : network.providers()) {
                JsonApi admin = new JsonApi("provider security server " + server.id().format(), server.adminUrl(),
                        server.apiKey(), HttpClient.newHttpClient());
                admin.post("/services", Map.of("id", SERVICE, "url", "http://127.0.0.1:" + is.address().getPort(),
                        "timeoutSeconds", 30, "personalData", false));
                admin.post("/access-rights", Map.of("service", SERVICE, "subject", "DEMO/GOV/1002/tax",
                        "method", "GET", "path", "/**", "purposes", List.of()));
            }
        } catch (IOException | DemoException | RuntimeException e) {
            network.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        return new ExchangeBench(dir, network, loops, is);
    }

    public InetSocketAddress clientProxy() {
        return new InetSocketAddress("127.0.0.1", network.ports().consumerClientProxy());
    }

    /**
     * A new configuration version, taken up by every server now (the registry publishes one every
     * minute, so a run longer than that meets one); returns its version.
     */
    public long newConfiguration() throws DemoException {
        return network.publishConfiguration();
    }

    /** The signatures every server's batch signer made so far and the messages they cover, summed. */
    public BatchMessageSigner.Batches signerBatches() {
        long signatures = 0;
        long messages = 0;
        for (var server : network.servers()) {
            var batches = server.signerBatches();
            if (batches.isPresent()) {
                signatures += batches.get().signatures();
                messages += batches.get().messages();
            }
        }
        return new BatchMessageSigner.Batches(signatures, messages);
    }

    public InetSocketAddress providerIs() {
        return is.address();
    }

    /**
     * A base port whose ports are all free now, below Linux's ephemeral range (32768 and up) so the
     * benchmark's own outgoing connections cannot take one of them before the network binds it.
     */
    private static DemoPorts freePorts(SecureRandom random, int providerServers) throws DemoException {
        int span = new DemoPorts(1, providerServers).span();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + random.nextInt(32768 - 20000 - span);
            DemoPorts ports = new DemoPorts(base, providerServers);
            try {
                ports.requireFree();
                return ports;
            } catch (DemoException e) {
                // Taken: try another range.
            }
        }
        throw new DemoException("no range of " + span + " free ports found on 127.0.0.1");
    }

    /**
     * Stops the network first (its servers finish the exchanges in progress, which may still be
     * waiting for this IS), then the IS and its event loop, waiting for that loop to end so that
     * nothing of this network runs on into the next measurement.
     */
    @Override
    public void close() {
        network.close();
        is.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
