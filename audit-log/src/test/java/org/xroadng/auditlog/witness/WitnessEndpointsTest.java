package org.xroadng.auditlog.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.store.Database;

/** The C2SP tlog-witness HTTP answers, over loopback. */
class WitnessEndpointsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path dir;

    private Database database;
    private HttpApiServer server;
    private TestLog log;
    private Cosigner cosigner;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws NoteFormatException, IOException {
        database = Database.open(dir.resolve("witness"), "witness");
        log = new TestLog("DEMO/GOV/1001/ss1/access-log", 1);
        cosigner = Cosigner.generate("witness.example.org/w1", TestLog.deterministic(2));
        TlogWitness witness = new TlogWitness(database, cosigner, new FollowedLogs(List.of(log.followed())),
                Clock.fixed(NOW, ZoneOffset.UTC), WitnessListener.NONE);
        server = new WitnessEndpoints(witness, "").addTo(HttpApiServer.builder("witness-test")).start();
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    @Test
    void addCheckpoint_answersCosignatureLinesAndServesTheCosignedCheckpoint()
            throws NoteFormatException, IOException, InterruptedException, NoteVerificationException {
        log.grow(3);
        HttpResponse<String> added = post(log.request(0, 3).format());
        assertEquals(200, added.statusCode(), added.body());
        assertTrue(added.body().startsWith("\u2014 witness.example.org/w1 ") && added.body().endsWith("\n"), added.body());
        SignedNote cosigned = SignedNote.parse(log.checkpoint(3).format() + added.body());
        assertEquals(Optional.of(NOW), Cosignatures.verify(cosigned, cosigner.verifierKey()));

        HttpResponse<String> latest = get("/checkpoint?origin=" + URLEncoder.encode(log.origin, StandardCharsets.UTF_8));
        assertEquals(200, latest.statusCode());
        assertEquals(cosigned.format(), latest.body());
        assertEquals(cosigner.verifierKey().format() + "\n", get("/verifier-key").body());
    }

    @Test
    void staleOldSize_is409WithTheSizeAsTlogSize() throws NoteFormatException, IOException, InterruptedException {
        log.grow(5);
        assertEquals(200, post(log.request(0, 2).format()).statusCode());
        HttpResponse<String> conflict = post(log.request(0, 5).format());
        assertEquals(409, conflict.statusCode());
        assertEquals("2\n", conflict.body());
        assertEquals(Optional.of("text/x.tlog.size"), conflict.headers().firstValue("Content-Type"));
    }

    @Test
    void eachRefusal_hasTheSpecsStatusAndNothingIsStored() throws NoteFormatException, IOException, InterruptedException {
        log.grow(6);
        assertEquals(400, post("old 0\n\nnot a note\n".getBytes(StandardCharsets.UTF_8)).statusCode());
        TestLog stranger = new TestLog("elsewhere.example/log", 5);
        stranger.grow(1);
        HttpResponse<String> unknown = post(stranger.request(0, 1).format());
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("Witness.UnknownLog"), unknown.body());
        TestLog impostor = new TestLog(log.origin, 9);
        impostor.grow(6);
        assertEquals(403, post(impostor.request(0, 6).format()).statusCode());

        assertEquals(200, post(log.request(0, 2).format()).statusCode());
        List<byte[]> wrong = List.of(MerkleHashes.leafHash(new byte[] {1}), MerkleHashes.leafHash(new byte[] {2}));
        HttpResponse<String> badProof = post(new AddCheckpointRequest(2, wrong, log.checkpoint(6)).format());
        assertEquals(422, badProof.statusCode());
        assertTrue(badProof.body().contains("Witness.BadProof"), badProof.body());

        TestLog fork = new TestLog(log.origin, 1);
        fork.tree.append("other".getBytes(StandardCharsets.UTF_8));
        fork.grow(1);
        assertEquals(409, post(fork.request(2, 2).format()).statusCode());

        HttpResponse<String> latest = get("/checkpoint?origin=" + URLEncoder.encode(log.origin, StandardCharsets.UTF_8));
        assertTrue(latest.body().startsWith(log.checkpoint(2).text()), latest.body());
        HttpResponse<String> splitViews = get("/split-views");
        assertTrue(splitViews.body().contains("\"size\":2") && splitViews.body().contains("\"conflicting\""),
                splitViews.body());
        assertEquals(404, get("/checkpoint?origin=elsewhere.example%2Flog").statusCode());
        assertEquals(400, get("/checkpoint").statusCode());
    }

    private HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve("/add-checkpoint"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(server.baseUri() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
