package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.witness.WitnessHome;
import org.xroadng.auditlog.witness.WitnessMetrics;
import org.xroadng.auditlog.witness.WitnessServer;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.metrics.ComponentMetrics;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.StoreException;

/**
 * One of the demo's independent transparency witnesses: a real {@code xroad witness} component
 * ({@link WitnessHome} and {@link WitnessServer}) in the demo's process, with its own cosigning key
 * and database in {@code DIR/witnesses/<dir>}. It follows the demo servers' access logs through
 * the demo's anchor (the note keys the registry vouches for, see {@code docs/witness.md}), so no
 * {@code add-log} is needed. {@link #stop} stops it early (a test's way of taking a witness down);
 * {@link #close} is safe after it.
 */
public final class DemoWitness implements AutoCloseable {

    /**
     * Who runs a demo witness.
     *
     * @param keyName the witness's C2SP key name (a schema-less URL, as tlog-cosignature recommends)
     * @param dir     its directory under {@code DIR/witnesses}
     * @param english what people read in English
     * @param vietnamese what people read in Vietnamese
     */
    public record Cast(String keyName, String dir, String english, String vietnamese) {
    }

    /** The demo's ombudsman: an institution that checks on the agencies for the citizens. */
    public static final Cast OMBUDSMAN = new Cast("ombudsman.demo.example/witness", "ombudsman",
            "the demo's ombudsman", "thanh tra của mạng demo");
    /** A university: an independent party with no stake in the agencies. */
    public static final Cast UNIVERSITY = new Cast("university.demo.example/witness", "university",
            "a university", "một trường đại học");
    /** Both, in the order of their ports ({@link DemoPorts#ombudsmanWitness()}, {@link DemoPorts#universityWitness()}). */
    public static final List<Cast> ALL = List.of(OMBUDSMAN, UNIVERSITY);

    private final Cast cast;
    private final WitnessHome home;
    private final WitnessServer server;
    private final int port;
    private volatile boolean stopped;

    private DemoWitness(Cast cast, WitnessHome home, int port, WitnessServer server) {
        this.cast = cast;
        this.home = home;
        this.port = port;
        this.server = server;
    }

    /**
     * Opens the witness of {@code cast} in {@code witnessesDir}, creating it (a new key, following
     * the servers the anchor's registry vouches for) on the first run, and serves it on {@code port}.
     */
    static DemoWitness start(Cast cast, Path witnessesDir, int port, Path anchor, Provider provider,
                             SecureRandom random, Clock clock, Progress progress) throws DemoException {
        Path dir = witnessesDir.resolve(cast.dir());
        String what = "witness of " + cast.english() + " (" + cast.keyName() + ")";
        boolean existing = Files.exists(dir.resolve(WitnessHome.CONFIG));
        if (!existing) {
            try {
                WitnessHome.init(dir, cast.keyName(), DemoPorts.address(port), anchor, DatabaseSettings.embedded(),
                        random);
            } catch (IOException | NoteFormatException | ConfigException e) {
                throw new DemoException(what + ": cannot be created in " + dir + ": " + e.getMessage(), e);
            }
        }
        ComponentMetrics metrics = new ComponentMetrics("witness");
        WitnessHome home;
        try {
            home = WitnessHome.open(dir, clock, new WitnessMetrics(metrics.registry()), provider);
        } catch (ConfigException | StoreException e) {
            metrics.close();
            throw new DemoException(what + ": cannot be opened in " + dir + ": " + e.getMessage(), e);
        }
        try {
            // The layout's port, not the one witness.yaml was created with: a run with another
            // --provider-servers moves the witnesses, and the registry's list follows (WitnessEnrolment).
            DemoWitness witness = new DemoWitness(cast, home, port, WitnessServer.start(home.witness(),
                    DemoPorts.address(port), metrics));
            progress.note("  " + (existing ? "opened " : "created") + " " + what + " on " + witness.url());
            return witness;
        } catch (IOException e) {
            home.close();
            metrics.close();
            throw new DemoException(what + ": cannot listen on port " + port + ": " + e.getMessage(), e);
        }
    }

    public Cast cast() {
        return cast;
    }

    /** Where it answers tlog-witness requests ({@code POST <url>/add-checkpoint}). */
    public URI url() {
        return DemoPorts.http(port);
    }

    /** Its C2SP {@code cosignature/v1} verifier key. */
    public NoteVerifierKey verifierKey() {
        return home.witness().verifierKey();
    }

    /** Stops serving: submissions to it fail from now on, as to a witness that is down. */
    public synchronized void stop() {
        if (!stopped) {
            stopped = true;
            server.close();
            home.close();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
