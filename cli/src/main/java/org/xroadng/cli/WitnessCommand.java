package org.xroadng.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.witness.FollowedLog;
import org.xroadng.auditlog.witness.FollowedLogs;
import org.xroadng.auditlog.witness.WitnessHome;
import org.xroadng.auditlog.witness.WitnessListener;
import org.xroadng.auditlog.witness.WitnessMetrics;
import org.xroadng.auditlog.witness.WitnessServer;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.metrics.ComponentMetrics;
import org.xroadng.protocol.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code xroad witness init|serve|add-log}: a C2SP tlog-witness that anyone (an ombudsman, a court,
 * a university, a newspaper) can run to cosign the access-log checkpoints of the logs it follows.
 */
@Command(name = "witness", mixinStandardHelpOptions = true,
        description = "An independent transparency-log witness (C2SP tlog-witness): cosigns access-log checkpoints"
                + " after checking they extend what it saw before.",
        subcommands = {WitnessCommand.Init.class, WitnessCommand.Serve.class, WitnessCommand.AddLog.class})
final class WitnessCommand {

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a witness: an Ed25519 cosigning key (its verifier key is printed and written to"
                    + " witness.vkey), an empty logs file, the configuration and the database.")
    static final class Init implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The witness's directory")
        Path dir;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "The witness's key name, a schema-less URL such as ombudsman.example/witness")
        String name;

        @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8095",
                description = "Listen address (default: ${DEFAULT-VALUE})")
        String listen;

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        Init(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            InetSocketAddress address = CaCommand.parse("--listen", () -> ConfigValues.hostPort(listen));
            NoteVerifierKey key;
            try {
                key = WitnessHome.init(dir, name, address, database.settings(), services.random());
            } catch (NoteFormatException e) {
                throw new UserError("--name: " + e.getMessage(), e);
            } catch (FileAlreadyExistsException e) {
                throw new UserError(e.getReason(), e);
            } catch (IOException e) {
                throw new UserError("cannot create the witness in " + dir + ": " + e.getMessage(), e);
            }
            try (WitnessHome home = open(dir, services)) {
                services.out().printf("witness %s created in %s%nverifier key (give it to the logs and clients"
                        + " that trust this witness): %s%n", name, dir, key.format());
                services.out().printf("next: add the logs to follow (xroad witness add-log --dir %s --key VKEY),"
                        + " then xroad witness serve --dir %s%n", dir, dir);
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve POST /add-checkpoint, GET /checkpoint?origin=, GET /split-views, GET /verifier-key,"
                    + " GET /metrics and GET /health until stopped with Ctrl-C.")
    static final class Serve implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The witness's directory")
        Path dir;

        Serve(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            ComponentMetrics metrics = new ComponentMetrics("witness");
            try (WitnessHome home = open(dir, services, new WitnessMetrics(metrics.registry()));
                 WitnessServer server = WitnessServer.start(home.witness(), home.listen(), metrics)) {
                services.out().printf("witness %s listening on %s, following %d log(s) (Ctrl-C stops)%n",
                        home.witness().verifierKey().format(), server.baseUri(), home.logs().all().size());
                services.out().flush();
                Foreground.awaitStop("witness");
            } catch (IOException e) {
                metrics.close();
                throw new UserError("the witness cannot listen: " + e.getMessage(), e);
            }
            services.out().println("witness stopped");
            services.out().flush();
        }
    }

    @Command(name = "add-log", mixinStandardHelpOptions = true,
            description = "Follow a log: append its verifier key (and origin) to the witness's logs file."
                    + " Restart the witness to take it into use.")
    static final class AddLog implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The witness's directory")
        Path dir;

        @Option(names = "--key", required = true, paramLabel = "VKEY",
                description = "The log's Ed25519 note verifier key, name+keyid+base64")
        String key;

        @Option(names = "--origin", paramLabel = "ORIGIN",
                description = "The log's checkpoint origin (default: the key's name)")
        String origin;

        AddLog(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            NoteVerifierKey verifierKey;
            FollowedLog log;
            try {
                verifierKey = NoteVerifierKey.parse(key);
                log = new FollowedLog(origin == null ? verifierKey.name() : origin, List.of(verifierKey));
            } catch (NoteFormatException | IllegalArgumentException e) {
                throw new UserError("--key/--origin: " + e.getMessage(), e);
            }
            Path logs = dir.resolve(WitnessHome.LOGS);
            try {
                FollowedLogs.load(logs);
                Files.writeString(logs, verifierKey.format() + (origin == null ? "" : " " + origin) + "\n",
                        StandardOpenOption.APPEND);
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot write " + logs + ": " + e.getMessage(), e);
            }
            services.out().printf("witness in %s now follows %s (key %s); restart it to take the change into use%n",
                    dir, log.origin(), verifierKey.format());
        }
    }

    private static WitnessHome open(Path dir, Services services) {
        return open(dir, services, WitnessListener.NONE);
    }

    private static WitnessHome open(Path dir, Services services,
                                    WitnessListener listener) {
        try {
            return WitnessHome.open(dir, services.clock(), listener);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        } catch (StoreException e) {
            throw new UserError("the witness database in " + dir + " cannot be opened: " + e.getMessage(), e);
        }
    }
}
