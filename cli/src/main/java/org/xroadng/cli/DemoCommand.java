package org.xroadng.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoReport;
import org.xroadng.cli.demo.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xroad demo}: starts the demo network ({@link DemoNetwork}), prints what it did and where
 * to look ({@link DemoReport}), then runs until Ctrl-C (a shutdown hook) or, in-process, until its
 * thread is interrupted, and stops every component in reverse order.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Start a whole X-Road network of instance DEMO on loopback in this process: trust services (CA, OCSP,"
                        + " TSA), central registry, the tax board's security server DEMO/GOV/1002/ss1 (hosting"
                        + " DEMO/GOV/1002/tax, DEMO/COM/2001/loans and DEMO/GOV/1000/portal), the population"
                        + " registry's DEMO/GOV/1001/ss1 (DEMO/GOV/1001/population, service person) and a sample"
                        + " provider IS, the citizen portal (as DEMO/GOV/1000/portal) and its development identity"
                        + " provider. Members, certificates, registrations, clients, the service and the access"
                        + " right are enrolled through the components' real APIs. Then it runs sample queries, prints"
                        + " curl commands to try, writes DIR/network.json and prints a line containing 'ready'.",
                "",
                "Ports, from --base-port P: P trust services, P+1 registry, P+2/P+3/P+4 tax board's client proxy,"
                        + " server proxy and admin API, P+5/P+6/P+7 the population registry's, P+8 provider IS,"
                        + " P+9 citizen portal, P+10 development identity provider (for demos only), P+11 and P+12"
                        + " the independent witnesses of the demo's ombudsman and of a university (after the further"
                        + " provider servers' ports, with --provider-servers).",
                "",
                "It runs until Ctrl-C, which stops every component. A second run on the same --data-dir (and the"
                        + " same --base-port) reuses the state and skips what is already enrolled. Tokens use the"
                        + " development PIN '" + DemoNetwork.DEVELOPMENT_PIN + "': for demos only.",
                ""})
final class DemoCommand implements Callable<Integer> {

    private final Services services;

    @Option(names = "--base-port", paramLabel = "P", defaultValue = "" + DemoPorts.DEFAULT_BASE,
            description = "First of the " + DemoPorts.SPAN + " consecutive loopback ports used (default: ${DEFAULT-VALUE})")
    int basePort;

    @Option(names = "--provider-servers", paramLabel = "N", defaultValue = "1",
            description = "Security servers for the population registry's DEMO/GOV/1001/population, 1.."
                    + DemoPorts.MAX_PROVIDER_SERVERS + " (default: ${DEFAULT-VALUE}): ss2, ss3... each register"
                    + " the subsystem too, and the tax board's server spreads requests over them; each further"
                    + " server takes three more ports after P+10, before the witnesses'")
    int providerServers;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "demo-data",
            description = "Where the network keeps its state and network.json (default: ${DEFAULT-VALUE} in the"
                    + " current directory)")
    Path dataDir;

    DemoCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() {
        if (providerServers < 1 || providerServers > DemoPorts.MAX_PROVIDER_SERVERS) {
            throw new UserError("--provider-servers " + providerServers + " is not allowed; choose 1.."
                    + DemoPorts.MAX_PROVIDER_SERVERS);
        }
        DemoPorts ports = CaCommand.parse("--base-port", () -> new DemoPorts(basePort, providerServers));
        services.out().printf("xroad demo: network of instance DEMO on 127.0.0.1, ports %d..%d, data in %s%n",
                ports.base(), ports.last(), dataDir.toAbsolutePath().normalize());
        services.out().flush();
        Progress progress = new Progress(services.out());
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            awaitQuietly(stopped);
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            try (DemoNetwork network = DemoNetwork.start(dataDir, ports, services.provider(), services.random(),
                    services.clock(), progress)) {
                DemoReport.present(network, progress, services.out(), services.clock());
                try {
                    stop.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                services.out().println("stopping the demo network...");
                services.out().flush();
            }
            services.out().println("demo network stopped");
            services.out().flush();
        } catch (DemoException e) {
            throw new UserError(e.getMessage(), e);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is stopping: the hook is running and waits for 'stopped'.
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Lets the JVM finish exiting only once the network is closed, or after a bound. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
