package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointRequest;
import org.xroadng.protocol.testing.FreePorts;

/** {@code xroad witness init|add-log|serve}, as an operator runs them. */
class WitnessCliTest {

    @TempDir
    Path dir;

    private final CliRunner xroad = new CliRunner(Map.of());

    @Test
    void initAddLogServe_cosignsTheFollowedLogsCheckpoints()
            throws IOException, InterruptedException, NoteFormatException, NoteVerificationException {
        int port = FreePorts.one();
        Path home = dir.resolve("ombudsman");
        CliRunner.Run init = xroad.run("witness", "init", "--dir", home.toString(), "--name",
                "ombudsman.example/witness", "--listen", "127.0.0.1:" + port);
        assertEquals(0, init.exitCode(), init.err());
        NoteVerifierKey witnessKey = NoteVerifierKey.parse(Files.readString(home.resolve("witness.vkey")));
        assertTrue(init.out().contains(witnessKey.format()), init.out());
        assertEquals(NoteVerifierKey.COSIGNATURE_V1, witnessKey.type());

        NoteSigner log = NoteSigner.generate("DEMO/GOV/1001/ss1/access-log", new SecureRandom());
        CliRunner.Run added = xroad.run("witness", "add-log", "--dir", home.toString(), "--key",
                log.verifierKey().format());
        assertEquals(0, added.exitCode(), added.err());

        StringWriter out = new StringWriter();
        Thread server = xroad.start(out, "witness", "serve", "--dir", home.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!out.toString().contains("Ctrl-C") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(out.toString().contains("following 1 log(s)"), out.toString());
            InMemoryMerkleLog tree = new InMemoryMerkleLog();
            tree.append("event".getBytes(StandardCharsets.UTF_8));
            SignedNote checkpoint = log.signNote(new Checkpoint(log.verifierKey().name(), 1, tree.root(1)).text());
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> cosigned = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/add-checkpoint"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(
                            new AddCheckpointRequest(0, List.of(), checkpoint).format())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, cosigned.statusCode(), cosigned.body());
            Optional<?> time = Cosignatures.verify(SignedNote.parse(checkpoint.format() + cosigned.body()), witnessKey);
            assertTrue(time.isPresent());
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("xroad_witness_cosigned_total{origin=\"DEMO/GOV/1001/ss1/access-log\"} 1.0"),
                    metrics.body());
        } finally {
            server.interrupt();
            server.join(10_000);
        }
    }

    @Test
    void initTwice_isRefusedAndKeepsTheKey() throws IOException {
        Path home = dir.resolve("w");
        assertEquals(0, xroad.run("witness", "init", "--dir", home.toString(), "--name", "w.example/1").exitCode());
        String key = Files.readString(home.resolve("witness.key"));
        CliRunner.Run again = xroad.run("witness", "init", "--dir", home.toString(), "--name", "w.example/2");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("a witness already exists in"), again.err());
        assertEquals(key, Files.readString(home.resolve("witness.key")));
    }

    @Test
    void badNameOrKey_isRefusedSayingWhatIsExpected() throws IOException {
        CliRunner.Run badName = xroad.run("witness", "init", "--dir", dir.resolve("x").toString(), "--name", "a+b");
        assertEquals(1, badName.exitCode());
        assertTrue(badName.err().contains("--name") && badName.err().contains("without spaces, '+'"), badName.err());

        Path home = dir.resolve("w");
        assertEquals(0, xroad.run("witness", "init", "--dir", home.toString(), "--name", "w.example/1").exitCode());
        CliRunner.Run badKey = xroad.run("witness", "add-log", "--dir", home.toString(), "--key", "log+00000000+AAAA");
        assertEquals(1, badKey.exitCode());
        assertTrue(badKey.err().contains("--key"), badKey.err());
        String witnessKey = Files.readString(home.resolve("witness.vkey")).strip();
        CliRunner.Run cosignerAsLog = xroad.run("witness", "add-log", "--dir", home.toString(), "--key", witnessKey);
        assertEquals(1, cosignerAsLog.exitCode());
        assertTrue(cosignerAsLog.err().contains("expected Ed25519 note keys (type 0x01)"), cosignerAsLog.err());
    }

    @Test
    void serve_withBrokenLogsFile_namesTheLine() throws IOException {
        Path home = dir.resolve("w");
        assertEquals(0, xroad.run("witness", "init", "--dir", home.toString(), "--name", "w.example/1").exitCode());
        Files.writeString(home.resolve("logs.txt"), "# ok\nnot-a-key\n", java.nio.file.StandardOpenOption.APPEND);
        CliRunner.Run serve = xroad.run("witness", "serve", "--dir", home.toString());
        assertEquals(1, serve.exitCode());
        assertTrue(serve.err().contains("logs.txt line 4"), serve.err());
    }
}
