package org.xroadng.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.evidence.EvidenceBundle;
import org.xroadng.securityserver.evidence.EvidenceExportException;
import org.xroadng.securityserver.evidence.EvidenceExporter;
import org.xroadng.securityserver.evidence.EvidenceFormatException;
import org.xroadng.securityserver.evidence.EvidenceVerification;
import org.xroadng.securityserver.evidence.EvidenceVerifier;
import org.xroadng.securityserver.log.H2MessageLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xroad evidence ...}: export one exchange from a security server's message log as a
 * self-contained bundle, and check such a bundle offline against an anchor (DESIGN.md section 6).
 */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = "Export one exchange from a security server's message log as a self-contained evidence bundle,"
                + " or verify a bundle offline against an anchor.",
        subcommands = {EvidenceCommand.Export.class, EvidenceCommand.Verify.class})
final class EvidenceCommand {

    /** Where a security server keeps the last signed global configuration it accepted. */
    static final String CONFIGURATION_CACHE = "globalconf-cache.jws";

    private EvidenceCommand() {
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write one exchange (request and response, signatures with certificates and OCSP responses,"
                    + " time-stamp tokens, inclusion paths, and the signed global configuration) to a bundle file.")
    static final class Export implements Runnable {
        private final Services services;

        @Option(names = "--server-dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path dir;

        @Mixin
        PinOptions pin;

        @Mixin
        NodeOption node = new NodeOption();

        @Option(names = "--query-id", required = true, paramLabel = "ID", description = "The exchange's X-Road-Id")
        String queryId;

        @Option(names = "--side", paramLabel = "SIDE", defaultValue = "consumer",
                description = "Whose record: consumer or provider (default: ${DEFAULT-VALUE})")
        String side;

        @Option(names = "--configuration", paramLabel = "FILE",
                description = "The signed global configuration to include (default: the server's " + CONFIGURATION_CACHE
                        + ")")
        Path configuration;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the bundle")
        Path out;

        Export(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (!side.equals("consumer") && !side.equals("provider")) {
                throw new UserError("--side is '" + side + "'; expected consumer or provider");
            }
            Path confFile = configuration != null ? configuration : dir.resolve(CONFIGURATION_CACHE);
            String signedConfiguration;
            try {
                signedConfiguration = Files.readString(confFile, StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new UserError("cannot read the signed global configuration " + confFile + ": " + e
                        + "; run the server once to fetch it, or give --configuration FILE", e);
            }
            try (ServerHome home = ServerHome.open(dir, pin.pin(services, "server token"), services::env, services.provider(),
                    services.random(), services.clock());
                 H2MessageLog log = home.openMessageLog(node.node)) {
                EvidenceBundle bundle = new EvidenceExporter(log).export(queryId, side, signedConfiguration);
                Files.write(out, bundle.toJson());
                services.out().printf("wrote evidence of exchange %s (%s side, records %d and %d) to %s%n", queryId,
                        side, bundle.request().recordId(), bundle.response().recordId(), out);
            } catch (ServerException | EvidenceExportException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot write " + out + ": " + e, e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check an evidence bundle offline against an anchor. Exit 0 when every part verifies; exit 1"
                    + " with one line per failed part otherwise.")
    static final class Verify implements Callable<Integer> {
        private final Services services;

        @Parameters(index = "0", paramLabel = "BUNDLE", description = "The evidence bundle")
        Path bundleFile;

        @Option(names = "--anchor", required = true, paramLabel = "FILE", description = "The instance's anchor file")
        Path anchorFile;

        Verify(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            EvidenceBundle bundle;
            Anchor anchor;
            try {
                anchor = AnchorFile.read(anchorFile);
                bundle = EvidenceBundle.parse(Files.readAllBytes(bundleFile));
            } catch (ConfigurationException | EvidenceFormatException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot read " + bundleFile + ": " + e, e);
            }
            EvidenceVerification result = new EvidenceVerifier(services.provider(), services.clock())
                    .verify(bundle, anchor);
            if (result.valid()) {
                services.out().printf("evidence OK: exchange %s%n", bundle.exchange().queryId());
                result.facts().forEach(fact -> services.out().printf("  %s%n", fact));
                return 0;
            }
            services.out().printf("evidence INVALID: exchange %s, %d failed check%s%n", bundle.exchange().queryId(),
                    result.failures().size(), result.failures().size() == 1 ? "" : "s");
            result.failures().forEach(f -> services.out().printf("FAILED %s: %s%n", f.part(), f.reason()));
            return 1;
        }
    }
}
