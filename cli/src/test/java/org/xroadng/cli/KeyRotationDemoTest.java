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
 * Keys rotated on the running demo while the tax board queries the population registry without
 * pause, as an operator would with the CLI. The registry's signing key: a new key beside the
 * certified one, its CSR issued by the demo's CA, the certificate imported; answers soon carry the
 * new certificate, and their evidence verifies offline. The tax board's authentication key: the new
 * one certified, imported, registered and approved at the registry, presented in TLS once the
 * global configuration has carried it long enough; the old one then withdrawn. Every query is
 * answered 200 throughout.
 */
class KeyRotationDemoTest {

    private static final String TAX = "DEMO/GOV/1002/tax";
    private static final String OWNER = "DEMO/GOV/1001";
    private static final Base64.Decoder B64U = Base64.getUrlDecoder();

    @TempDir
    Path dir;

    /**
     * How often the servers fetch the global configuration in the authentication key's rotation:
     * the new certificate is presented once the configuration has listed it for twice this, and the
     * old one is gone from the provider's within one interval of its withdrawal. The demo's 10 s made
     * the test wait some 35 s for those two; the ratio between a peer's refresh and the switch, which
     * is what keeps the rotation from failing a query, is the same at any interval.
     */
    private static final int AUTH_REFRESH_SECONDS = 2;

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
            List<Thread> clients = load(taxBoard, answers, running);

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
            String signedWithNew = awaitAnswerSignedBy(next::equals, "the new certificate", operator, taxBoard,
                    answers, bundle);
            // the old key, no longer chosen, is deleted from the token while the load runs; the new one is
            // now the member's only key and is refused
            String newKey = added.out().split(" ")[2];
            String oldKey = keyIds(population, "sign", OWNER).stream().filter(k -> !k.equals(newKey)).findFirst()
                    .orElseThrow();
            CliRunner.Run deleted = operator.run("server", "key", "delete", oldKey, "--admin", admin);
            assertEquals(0, deleted.exitCode(), deleted.out() + deleted.err());
            CliRunner.Run refused = operator.run("server", "key", "delete", newKey, "--admin", admin);
            assertEquals(1, refused.exitCode(), refused.out());
            assertTrue(refused.err().contains("is the only signing key of member " + OWNER), refused.err());
            assertEquals(List.of(newKey), keyIds(population, "sign", OWNER));
            Thread.sleep(2000);
            List<Answer> all = stop(clients, running, answers);
            assertTrue(beforeImport > 0 && all.size() > beforeImport, "queries before and after the import: "
                    + beforeImport + " then " + all.size());
            CliRunner.Run verified = operator.run("evidence", "verify", bundle.toString(), "--anchor",
                    network.anchorFile().toString());
            assertEquals(0, verified.exitCode(), verified.out() + verified.err());
            assertTrue(verified.out().contains("evidence OK: exchange " + signedWithNew), verified.out());
        }
    }

    /**
     * The population registry's signing certificate renewed by ACME at the demo's CA: the CA
     * operator creates EAB credentials for the owner ({@code xroad ca acme-eab}), the server gets
     * them in its {@code acme.yaml} (read when it starts), and under load {@code xroad server cert
     * renew} orders, imports and hands the new certificate to the rotation; answers soon carry it
     * and no query fails.
     */
    @Test
    void signingCertificateRenewedByAcmeUnderLoad_noQueryFails_andAnswersCarryTheRenewedCertificate()
            throws DemoException, IOException, InterruptedException, CertificateException {
        Path demo = dir.resolve("demo");
        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        Path caDir;
        Path populationDir;
        CliRunner caOperator = new CliRunner(Map.of(PinOptions.ENV, DemoNetwork.DEVELOPMENT_PIN));
        try (DemoNetwork network = DemoNetwork.start(demo, ports, new BouncyCastleProvider(), new SecureRandom(),
                Clock.systemUTC(), new Progress(new PrintWriter(Writer.nullWriter())))) {
            caDir = network.dir().resolve("ca");
            populationDir = network.provider().dir();
        }
        CliRunner.Run eab = caOperator.run("ca", "acme-eab", "--dir", caDir.toString(), "--member", OWNER);
        assertEquals(0, eab.exitCode(), eab.out() + eab.err());
        java.util.regex.Matcher kid = java.util.regex.Pattern.compile("eabKeyId: (\\S+)").matcher(eab.out());
        java.util.regex.Matcher hmac = java.util.regex.Pattern.compile("eabHmacKey: (\\S+)").matcher(eab.out());
        assertTrue(kid.find() && hmac.find(), eab.out());
        Files.writeString(populationDir.resolve("acme.yaml"), "directoryUrl: http://127.0.0.1:" + ports.trust()
                + "/acme/directory\neabKeyId: " + kid.group(1) + "\neabHmacKey: " + hmac.group(1)
                + "\nautoRenew: false\n");

        try (DemoNetwork network = DemoNetwork.start(demo, ports, new BouncyCastleProvider(), new SecureRandom(),
                Clock.systemUTC(), new Progress(new PrintWriter(Writer.nullWriter())))) {
            DemoServer taxBoard = network.consumer();
            DemoServer population = network.provider();
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = load(taxBoard, answers, running);
            CliRunner operator = new CliRunner(Map.of(ServerCommand.KEY_ENV, population.apiKey(), PinOptions.ENV,
                    DemoNetwork.DEVELOPMENT_PIN));
            String admin = population.adminUrl().toString();
            String oldKey = keyIds(population, "sign", OWNER).get(0);
            long warmUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answers.size() < 5) {
                if (System.nanoTime() > warmUp) {
                    fail("the load got no answers within 60 s of the demo's restart: " + answers);
                }
                Thread.sleep(200);
            }
            int beforeRenewal = answers.size();

            CliRunner.Run renewed = operator.run("server", "cert", "renew", "--key", oldKey, "--admin", admin);

            assertEquals(0, renewed.exitCode(), renewed.out() + renewed.err());
            java.util.regex.Matcher serial = java.util.regex.Pattern.compile("renewed: new key (\\S+), serial (\\S+),")
                    .matcher(renewed.out());
            assertTrue(serial.find(), renewed.out());
            assertEquals(2, keyIds(population, "sign", OWNER).size(), "the old key stays until the operator deletes it");
            Path bundle = dir.resolve("acme-evidence.json");
            awaitAnswerSignedBy(c -> c.getSerialNumber().toString(16).equals(serial.group(2)),
                    "the renewed certificate", operator, taxBoard, answers, bundle);
            Thread.sleep(1000);
            List<Answer> all = stop(clients, running, answers);
            assertTrue(beforeRenewal > 0 && all.size() > beforeRenewal, "queries before and after the renewal: "
                    + beforeRenewal + " then " + all.size());
            HttpResponse<String> audit = http.send(HttpRequest.newBuilder(URI.create(admin
                            + "/api/v1/audit?action=certificate.renew")).header("Authorization", "Bearer "
                            + population.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, audit.statusCode(), audit.body());
            assertTrue(audit.body().contains(oldKey) && audit.body().contains("new key"), audit.body());
        }
    }

    @Test
    void authenticationKeyRotatedUnderLoad_presentedOnceRegistered_oldOneWithdrawn_noQueryFails()
            throws DemoException, IOException, InterruptedException, CertificateException,
            java.security.GeneralSecurityException, org.xroadng.protocol.config.ConfigException {
        try (DemoNetwork network = DemoNetworks.refreshingEvery(dir.resolve("demo"), AUTH_REFRESH_SECONDS)) {
            DemoServer taxBoard = network.consumer();
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = load(taxBoard, answers, running);
            X509Certificate old = presented(taxBoard);

            CliRunner operator = new CliRunner(Map.of(ServerCommand.KEY_ENV, taxBoard.apiKey(), PinOptions.ENV,
                    DemoNetwork.DEVELOPMENT_PIN));
            String admin = taxBoard.adminUrl().toString();
            Path csr = dir.resolve("auth-next.csr");
            Path pem = dir.resolve("auth-next.pem");
            CliRunner.Run added = operator.run("server", "auth-key", "add", "--out", csr.toString(), "--admin", admin);
            assertEquals(0, added.exitCode(), added.out() + added.err());
            CliRunner.Run again = operator.run("server", "auth-key", "add", "--out", dir.resolve("again.csr").toString(),
                    "--admin", admin);
            assertEquals(1, again.exitCode(), again.out());
            assertTrue(again.err().contains("already waits for its certificate"), again.err());
            assertEquals(0, operator.run("ca", "issue", "--dir", network.dir().resolve("ca").toString(), "--csr",
                    csr.toString(), "--profile", "auth", "--server", taxBoard.id().format(), "--ip", "127.0.0.1",
                    "--out", pem.toString()).exitCode());
            CliRunner.Run imported = operator.run("server", "import-cert", "--cert", pem.toString(), "--admin", admin);
            assertEquals(0, imported.exitCode(), imported.out() + imported.err());
            X509Certificate next = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
            Thread.sleep(3000);
            assertEquals(old, presented(taxBoard), "imported but not registered: not presented");
            CliRunner.Run withdrawAmbiguous = operator.run("server", "unregister-auth-cert", "--admin", admin);
            assertEquals(1, withdrawAmbiguous.exitCode(), withdrawAmbiguous.out());
            assertTrue(withdrawAmbiguous.err().contains("name the one to delete"), withdrawAmbiguous.err());

            CliRunner.Run registered = operator.run("server", "register", "--admin", admin);
            assertEquals(0, registered.exitCode(), registered.out() + registered.err());
            java.util.regex.Matcher filed = java.util.regex.Pattern.compile("authCertReg request (\\d+) filed: pending")
                    .matcher(registered.out());
            assertTrue(filed.find(), registered.out());
            CliRunner registry = new CliRunner(Map.of(RegistryOperatorCommands.URL_ENV, network.registryUrl().toString(),
                    RegistryOperatorCommands.KEY_ENV, network.registryApiKey()));
            CliRunner.Run approved = registry.run("registry", "requests", "approve", filed.group(1));
            assertEquals(0, approved.exitCode(), approved.out() + approved.err());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!presented(taxBoard).equals(next)) {
                if (System.nanoTime() > deadline) {
                    fail("the new authentication certificate was not presented within 90 s of its approval");
                }
                Thread.sleep(250);
            }
            Path oldPem = dir.resolve("auth-old.pem");
            Files.writeString(oldPem, org.xroadng.certs.Pem.encode(old));
            CliRunner.Run withdrawn = operator.run("server", "unregister-auth-cert", "--cert", oldPem.toString(),
                    "--admin", admin);
            assertEquals(0, withdrawn.exitCode(), withdrawn.out() + withdrawn.err());
            assertTrue(withdrawn.out().contains("authCertDeletion request"), withdrawn.out());
            // The provider's next configuration (fetched every AUTH_REFRESH_SECONDS; three intervals
            // allow for a slow fetch) no longer lists the old certificate; new connections from the tax
            // board's server (a burst opens more) present the new one and are accepted.
            Thread.sleep(TimeUnit.SECONDS.toMillis(3L * AUTH_REFRESH_SECONDS));
            List<Answer> burst = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> burstClients = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String id = "burst-" + i;
                Thread t = new Thread(() -> burst.add(query(taxBoard, id)));
                t.start();
                burstClients.add(t);
            }
            for (Thread t : burstClients) {
                t.join(30_000);
            }
            // the old key is deleted from the token while the load runs; the one TLS presents is refused
            List<String> authKeys = keyIds(taxBoard, "auth", taxBoard.id().format());
            String oldAuth = authKeys.stream().filter(k -> !k.equals(added.out().split(" ")[2])).findFirst()
                    .orElseThrow();
            CliRunner.Run deleted = operator.run("server", "key", "delete", oldAuth, "--admin", admin);
            assertEquals(0, deleted.exitCode(), deleted.out() + deleted.err());
            CliRunner.Run refused = operator.run("server", "key", "delete", added.out().split(" ")[2], "--admin", admin);
            assertEquals(1, refused.exitCode(), refused.out());
            assertTrue(refused.err().contains("only authentication key"), refused.err());
            Thread.sleep(2000);
            assertEquals(next, presented(taxBoard));
            List<Answer> all = stop(clients, running, answers);
            assertTrue(burst.stream().allMatch(a -> a.status() == 200), "after the old certificate left: " + burst);
            assertTrue(all.size() > 50, "the load ran throughout: " + all.size());
        }
    }

    /** The ids of the server's keys of {@code role} ({@code auth}, {@code sign}) for {@code identity}, by the admin API. */
    private List<String> keyIds(DemoServer server, String role, String identity) throws IOException, InterruptedException {
        HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create(server.adminUrl() + "/api/v1/keys"))
                .header("Authorization", "Bearer " + server.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keys.statusCode(), keys.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode key : ProtocolJson.mapper().readTree(keys.body())) {
            if (key.path("role").asText().equals(role) && key.path("identity").asText().equals(identity)) {
                ids.add(key.path("keyId").asText());
            }
        }
        return ids;
    }

    /**
     * Waits up to 60 s for an answer whose response was signed with a certificate {@code wanted}
     * accepts, found through the tax board's message log (its evidence exported to {@code bundle});
     * returns its query id. An exchange not yet time-stamped is tried again (stamped within a second
     * or two); one signed with another certificate is replaced by a later answer.
     */
    private static String awaitAnswerSignedBy(java.util.function.Predicate<X509Certificate> wanted, String what,
                                              CliRunner operator, DemoServer taxBoard,
                                              ConcurrentLinkedQueue<Answer> answers, Path bundle)
            throws InterruptedException, IOException, CertificateException {
        String candidate = null;
        String lastSeen = "nothing exported yet";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (System.nanoTime() > deadline) {
                fail("no answer signed with " + what + " within 60 s; last: " + lastSeen);
            }
            Thread.sleep(500);
            if (candidate == null) {
                candidate = latestAnswered(answers);
            }
            CliRunner.Run export = operator.run("evidence", "export", "--server-dir", taxBoard.dir().toString(),
                    "--query-id", candidate, "--out", bundle.toString());
            if (export.exitCode() != 0 && export.err().contains("is not time-stamped yet")) {
                lastSeen = candidate + " not time-stamped yet";
                continue;
            }
            assertEquals(0, export.exitCode(), export.out() + export.err());
            JsonNode evidence = ProtocolJson.mapper().readTree(Files.readString(bundle));
            X509Certificate signer = signerOf(evidence.path("response").path("signature").asText());
            if (wanted.test(signer)) {
                return candidate;
            }
            lastSeen = candidate + " signed by serial " + signer.getSerialNumber().toString(16);
            candidate = null;
        }
    }

    /**
     * The query id of the latest answer with status 200. An exchange not yet time-stamped is tried
     * again rather than replaced by a newer one, which the next run may not have reached either.
     */
    private static String latestAnswered(ConcurrentLinkedQueue<Answer> answers) {
        return answers.stream().filter(a -> a.status() == 200).reduce((a, b) -> b).orElseThrow().queryId();
    }

    /** Four clients querying without pause until {@code running} is cleared. */
    private List<Thread> load(DemoServer taxBoard, ConcurrentLinkedQueue<Answer> answers, AtomicBoolean running) {
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    answers.add(query(taxBoard, "rotation-" + sequence.incrementAndGet()));
                }
            }, "rotation-client-" + c);
            client.start();
            clients.add(client);
        }
        return clients;
    }

    /** Stops the load; every answer must have been a 200. */
    private static List<Answer> stop(List<Thread> clients, AtomicBoolean running, ConcurrentLinkedQueue<Answer> answers)
            throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(30_000);
        }
        List<Answer> all = List.copyOf(answers);
        List<Answer> failed = all.stream().filter(a -> a.status() != 200).toList();
        assertTrue(failed.isEmpty(), failed.size() + " of " + all.size() + " queries failed during the rotation, e.g. "
                + failed.subList(0, Math.min(3, failed.size())));
        return all;
    }

    /**
     * The certificate the server's server proxy presents in a TLS handshake now (a new connection,
     * without a client certificate: the server's own comes before it asks for one).
     */
    private static X509Certificate presented(DemoServer server) throws java.security.GeneralSecurityException, IOException {
        X509Certificate[] seen = new X509Certificate[1];
        javax.net.ssl.TrustManager capture = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        context.init(null, new javax.net.ssl.TrustManager[] {capture}, new SecureRandom());
        URI address = server.serverProxyUrl();
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(address.getHost(), address.getPort())) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            socket.getOutputStream().write(0);
            socket.getInputStream().read();
        } catch (IOException refusedWithoutClientCertificate) {
            // expected: the server refuses a client without a certificate, after presenting its own
        }
        if (seen[0] == null) {
            throw new IOException("the server proxy of " + server.id().format() + " presented no certificate");
        }
        return seen[0];
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
