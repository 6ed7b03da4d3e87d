package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoServer;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The population registry rotates its signing key on the running demo while the tax board
 * queries it without pause, as an operator would with the CLI: a new key beside the certified
 * one, its CSR issued by the demo's CA, the certificate imported. Every query is answered 200;
 * answers soon carry the new certificate; the evidence of one of them verifies offline.
 */
class SigningKeyRotationDemoTest {

    private static final String TAX = "DEMO/GOV/1002/tax";
    private static final String OWNER = "DEMO/GOV/1001";
    private static final Base64.Decoder B64U = Base64.getUrlDecoder();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private record Answer(String queryId, int status, String body) {
    }

    @Test
    void signingKeyRotatedUnderLoad_noQueryFails_andAnswersCarryTheNewCertificate()
            throws DemoException, IOException, InterruptedException, CertificateException {
        try (DemoNetwork network = DemoNetwork.start(dir.resolve("demo"), new DemoPorts(RunningDemo.freeBasePort()),
                new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                new Progress(new PrintWriter(Writer.nullWriter())))) {
            DemoServer taxBoard = network.consumer();
            DemoServer population = network.provider();
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sequence = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Thread client = new Thread(() -> {
                    while (running.get()) {
                        String id = "rotation-" + sequence.incrementAndGet();
                        answers.add(query(taxBoard, id));
                    }
                }, "rotation-client-" + c);
                client.start();
                clients.add(client);
            }

            CliRunner operator = new CliRunner(Map.of(ServerCommand.KEY_ENV, population.apiKey(), PinOptions.ENV,
                    DemoNetwork.DEVELOPMENT_PIN));
            String admin = population.adminUrl().toString();
            Path csr = dir.resolve("next.csr");
            Path pem = dir.resolve("next.pem");
            CliRunner.Run added = operator.run("server", "sign-key", "add", "--member", OWNER, "--out", csr.toString(),
                    "--rotate", "--admin", admin);
            assertEquals(0, added.exitCode(), added.out() + added.err());
            CliRunner.Run again = operator.run("server", "sign-key", "add", "--member", OWNER, "--out",
                    dir.resolve("again.csr").toString(), "--rotate", "--admin", admin);
            assertEquals(1, again.exitCode(), again.out());
            assertTrue(again.err().contains("waiting for its certificate"), again.err());
            CliRunner.Run issued = operator.run("ca", "issue", "--dir", network.dir().resolve("ca").toString(), "--csr",
                    csr.toString(), "--profile", "sign", "--member", OWNER, "--out", pem.toString());
            assertEquals(0, issued.exitCode(), issued.out() + issued.err());
            int beforeImport = answers.size();
            CliRunner.Run imported = operator.run("server", "import-cert", "--cert", pem.toString(), "--admin", admin);
            assertEquals(0, imported.exitCode(), imported.out() + imported.err());
            X509Certificate next = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));

            // Answers signed with the new key, found through the tax board's message log.
            Path bundle = dir.resolve("evidence.json");
            String signedWithNew = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (signedWithNew == null) {
                if (System.nanoTime() > deadline) {
                    fail("no answer signed with the new certificate within 60 s of its import");
                }
                Thread.sleep(500);
                String latest = answers.stream().filter(a -> a.status() == 200).reduce((a, b) -> b).orElseThrow().queryId();
                CliRunner.Run export = operator.run("evidence", "export", "--server-dir", taxBoard.dir().toString(),
                        "--query-id", latest, "--out", bundle.toString());
                if (export.exitCode() != 0 && export.err().contains("is not time-stamped yet")) {
                    continue; // stamped within a second or two: export a later one next time round
                }
                assertEquals(0, export.exitCode(), export.out() + export.err());
                JsonNode evidence = ProtocolJson.mapper().readTree(Files.readString(bundle));
                if (signerOf(evidence.path("response").path("signature").asText()).equals(next)) {
                    signedWithNew = latest;
                }
            }
            Thread.sleep(1000);
            running.set(false);
            for (Thread client : clients) {
                client.join(30_000);
            }

            List<Answer> all = List.copyOf(answers);
            List<Answer> failed = all.stream().filter(a -> a.status() != 200).toList();
            assertTrue(failed.isEmpty(), failed.size() + " of " + all.size() + " queries failed during the rotation, e.g. "
                    + failed.subList(0, Math.min(3, failed.size())));
            assertTrue(beforeImport > 0 && all.size() > beforeImport, "queries before and after the import: "
                    + beforeImport + " then " + all.size());
            CliRunner.Run verified = operator.run("evidence", "verify", bundle.toString(), "--anchor",
                    network.anchorFile().toString());
            assertEquals(0, verified.exitCode(), verified.out() + verified.err());
            assertTrue(verified.out().contains("evidence OK: exchange " + signedWithNew), verified.out());
        }
    }

    private Answer query(DemoServer consumer, String id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(consumer.clientProxyUrl()
                            + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                    .header("X-Road-Client", TAX).header("X-Road-Purpose", "tax-assessment").header("X-Road-Id", id)
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(id, response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(id, -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(id, -1, "interrupted");
        }
    }

    /** The certificate a message signature (compact JWS, or a batch signature's JSON) was made with: its x5c[0]. */
    private static X509Certificate signerOf(String signature) throws IOException, CertificateException {
        String protectedHeader = signature.chars().filter(c -> c == '.').count() == 2 ? signature.split("\\.")[0]
                : ProtocolJson.mapper().readTree(B64U.decode(signature)).path("protected").asText();
        JsonNode header = ProtocolJson.mapper().readTree(new String(B64U.decode(protectedHeader), StandardCharsets.UTF_8));
        byte[] der = Base64.getDecoder().decode(header.path("x5c").get(0).asText());
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
