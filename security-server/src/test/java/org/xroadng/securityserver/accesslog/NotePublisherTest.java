package org.xroadng.securityserver.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifier;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.FollowedLog;
import org.xroadng.auditlog.witness.FollowedLogs;
import org.xroadng.auditlog.witness.TlogWitness;
import org.xroadng.auditlog.witness.TlogWitnessClient;
import org.xroadng.auditlog.witness.WitnessEndpoints;
import org.xroadng.auditlog.witness.WitnessListener;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.store.Database;

/**
 * The standard checkpoints: each checkpoint the registry accepts is signed as a C2SP note with the
 * server's note key and cosigned by real witnesses over HTTP; one witness down costs only its own
 * cosignature.
 */
class NotePublisherTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    private final InMemoryMerkleLog log = new InMemoryMerkleLog();
    private final List<Database> databases = new ArrayList<>();
    private final List<HttpApiServer> servers = new ArrayList<>();
    private final List<Cosigner> cosigners = new ArrayList<>();
    private final List<TlogWitnessClient> clients = new ArrayList<>();
    private final List<String> jwsPayloads = new ArrayList<>();
    private NoteSigner key;

    @BeforeEach
    void start() throws NoteFormatException, IOException {
        key = NoteSigner.generate(AccessLogOrigin.of(SERVER), new SecureRandom());
        FollowedLogs logs = new FollowedLogs(List.of(new FollowedLog(AccessLogOrigin.of(SERVER),
                List.of(key.verifierKey()))));
        HttpClient http = HttpClient.newHttpClient();
        for (String name : List.of("registry", "ombudsman")) {
            Cosigner cosigner = Cosigner.generate(name + ".demo/witness", new SecureRandom());
            Database database = Database.open(dir.resolve(name), "witness");
            databases.add(database);
            cosigners.add(cosigner);
            TlogWitness witness = new TlogWitness(database, cosigner, logs, Clock.fixed(NOW, ZoneOffset.UTC),
                    WitnessListener.NONE);
            HttpApiServer server = new WitnessEndpoints(witness, "").addTo(HttpApiServer.builder(name)).start();
            servers.add(server);
            clients.add(new TlogWitnessClient(name, server.baseUri(), cosigner.verifierKey(), http,
                    Duration.ofSeconds(5)));
        }
        // a witness nobody answers for: a port that was just closed
        HttpApiServer gone = HttpApiServer.builder("gone").start();
        URI goneUri = gone.baseUri();
        gone.close();
        clients.add(new TlogWitnessClient("university", goneUri, null, http, Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        servers.forEach(HttpApiServer::close);
        databases.forEach(Database::close);
    }

    private CheckpointPublisher publisher(NotePublisher notes) {
        RecordingWitness registry = new RecordingWitness();
        return new CheckpointPublisher(SERVER, log, checkpoint -> {
            jwsPayloads.add(new String(CheckpointCodec.payload(checkpoint), StandardCharsets.UTF_8));
            return new CheckpointSigner.Signed("jws-" + checkpoint.size() + "-" + checkpoint.rootHash(), "tst");
        }, registry, Clock.fixed(NOW, ZoneOffset.UTC), CheckpointPublisher.PublishingTurn.ALWAYS, notes);
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            log.append(("event " + log.size()).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void acceptedCheckpoints_arePublishedAsNotesCosignedByTheWitnessesThatAnswer()
            throws CheckpointException, NoteFormatException, NoteVerificationException {
        NotePublisher notes = new NotePublisher(key, AccessLogOrigin.of(SERVER), clients);
        CheckpointPublisher publisher = publisher(notes);
        append(3);
        publisher.publish();

        assertTrue(jwsPayloads.get(0).contains("\"noteKey\":\"" + key.verifierKey().format() + "\""), jwsPayloads.get(0));
        SignedNote note = notes.atSize(3).orElseThrow();
        assertEquals(3, Checkpoint.parse(note.text()).size());
        NoteVerifier.verify(note, List.of(key.verifierKey()));
        for (Cosigner cosigner : cosigners) {
            assertEquals(Optional.of(NOW), Cosignatures.verify(note, cosigner.verifierKey()));
        }
        NotePublisher.Status status = notes.status();
        assertEquals(List.of("registry", "ombudsman"), status.vouched());
        assertTrue(status.missing().get("university").contains("cannot be reached"), status.missing().toString());

        append(4);
        publisher.publish();
        SignedNote later = notes.atSize(7).orElseThrow();
        for (Cosigner cosigner : cosigners) {
            assertEquals(Optional.of(NOW), Cosignatures.verify(later, cosigner.verifierKey()), "consistent from 3 to 7");
        }
    }

    @Test
    void afterARestart_theWitnessesSizeIsLearntFromTheir409() throws CheckpointException, NoteVerificationException {
        CheckpointPublisher first = publisher(new NotePublisher(key, AccessLogOrigin.of(SERVER), clients));
        append(2);
        first.publish();
        append(3);
        NotePublisher restarted = new NotePublisher(key, AccessLogOrigin.of(SERVER), clients);
        publisher(restarted).publish();

        SignedNote note = restarted.atSize(5).orElseThrow();
        for (Cosigner cosigner : cosigners) {
            assertEquals(Optional.of(NOW), Cosignatures.verify(note, cosigner.verifierKey()));
        }
    }

    @Test
    void noteKeyNotNamingTheOrigin_isRefused() throws NoteFormatException {
        NoteSigner other = NoteSigner.generate("someone.else/log", new SecureRandom());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new NotePublisher(other, AccessLogOrigin.of(SERVER), clients));
        assertTrue(e.getMessage().contains("does not name the origin"), e.getMessage());
    }

    /** Accepts whatever it is sent, as the registry's JWS witness would accept a well-signed checkpoint. */
    private static final class RecordingWitness implements Witness {
        private WitnessedCheckpoint held;

        @Override
        public Optional<WitnessedCheckpoint> latest(SecurityServerId server) {
            return Optional.ofNullable(held);
        }

        @Override
        public Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) {
            return Optional.ofNullable(held).filter(c -> c.size() == size);
        }

        @Override
        public WitnessedCheckpoint submit(CheckpointSubmission submission) throws WitnessException {
            String[] parts = submission.checkpoint().split("-", 3);
            held = new WitnessedCheckpoint(submission.checkpoint(), submission.timestamp(), Long.parseLong(parts[1]),
                    parts[2], NOW);
            return held;
        }
    }
}
