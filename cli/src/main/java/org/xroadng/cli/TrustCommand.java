package org.xroadng.cli;

import java.net.InetSocketAddress;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xroad trust serve}: the CA's OCSP responder, TSA and certificates on one HTTP listener. */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "Serve a CA's trust services: OCSP responder (RFC 6960), time-stamping authority (RFC 3161)"
                + " and the CA certificate.",
        subcommands = TrustCommand.Serve.class)
final class TrustCommand {

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve POST /ocsp, GET /ocsp/{request}, POST /tsa, GET /ca.pem, /ocsp.pem and /tsa.pem, and"
                    + " the ACME server under /acme (directory /acme/directory)"
                    + " until stopped with Ctrl-C.")
    static final class Serve implements Runnable {
        private final Services services;

        @Mixin
        CaCommand.CaDir ca;

        @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Listen address (default: listen in ca.yaml)")
        String listen;

        @Option(names = "--acme-challenge-port", paramLabel = "PORT", defaultValue = "80",
                description = "The port the ACME server fetches http-01 answers from (default: ${DEFAULT-VALUE},"
                        + " as RFC 8555 requires; another only behind port forwarding or in tests)")
        int acmeChallengePort;

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try (CertificateAuthority authority = ca.open(services)) {
                InetSocketAddress address = listen == null ? authority.settings().listen()
                        : CaCommand.parse("--listen", () -> ConfigValues.hostPort(listen));
                if (acmeChallengePort < 1 || acmeChallengePort > 65535) {
                    throw new UserError("--acme-challenge-port must be 1..65535, not " + acmeChallengePort);
                }
                try (TrustServer server = TrustServer.start(authority, address, services.clock(), services.random(),
                        acmeChallengePort)) {
                    services.out().printf("trust services of '%s' listening on %s: OCSP %s/ocsp, TSA %s/tsa,"
                                    + " CA certificate %s/ca.pem (Ctrl-C stops)%n", authority.settings().name(),
                            server.baseUri(), server.baseUri(), server.baseUri(), server.baseUri());
                    services.out().flush();
                    Foreground.awaitStop("trust");
                }
                services.out().println("trust services stopped");
                services.out().flush();
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
