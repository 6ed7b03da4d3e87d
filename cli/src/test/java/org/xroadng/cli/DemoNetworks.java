package org.xroadng.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoServer;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.securityserver.ServerSettings;

/** The in-process demo network as tests start it, quietly, on free ports. */
final class DemoNetworks {

    private DemoNetworks() {
    }

    /**
     * A demo network in {@code dir} whose security servers fetch the global configuration every
     * {@code refreshSeconds} rather than the demo's ten: created, stopped, each server's
     * {@code globalConfRefreshSeconds} set in its {@code server.yaml} as an operator changes it, and
     * started again. For tests that wait, several times, for what the registry approved to be in
     * force on the servers; whatever the server derives from the interval (an authentication
     * certificate is presented once the configuration has listed it for twice the interval) scales
     * with it.
     */
    static DemoNetwork refreshingEvery(Path dir, int refreshSeconds) throws DemoException, IOException,
            ConfigException {
        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        List<Path> servers;
        try (DemoNetwork created = start(dir, ports)) {
            servers = created.servers().stream().map(DemoServer::dir).toList();
        }
        for (Path server : servers) {
            ServerSettings s = ServerSettings.load(server);
            new ServerSettings(s.serverId(), s.anchor(), s.clientProxy(), s.clientProxyTls(), s.serverProxy(),
                    s.serverAddress(), s.admin(), s.maxBodyBytes(), refreshSeconds, s.ocspRefreshSeconds(),
                    s.messageLogDurability(), s.checkpointIntervalSeconds(), s.idleTimeoutSeconds(),
                    s.headerTimeoutSeconds(), s.maxConnections(), s.maxBytesInFlight(), s.messageSignatures(),
                    s.database()).save(server);
        }
        return start(dir, ports);
    }

    private static DemoNetwork start(Path dir, DemoPorts ports) throws DemoException {
        return DemoNetwork.start(dir, ports, new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                new Progress(new PrintWriter(Writer.nullWriter())));
    }
}
