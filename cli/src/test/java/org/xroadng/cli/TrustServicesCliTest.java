package org.xroadng.cli;

import java.io.FileNotFoundException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.testing.FreePorts;

/**
 * The trust services as an operator runs them: {@code xroad ca init}, {@code xroad token ...},
 * {@code xroad ca issue}, {@code xroad trust serve}, {@code xroad ca revoke}, with OpenSSL and
 * curl-like HTTP calls judging what they serve.
 */
class TrustServicesCliTest {

    @TempDir
    Path dir;

    private final CliRunner xroad = new CliRunner(Map.of(PinOptions.ENV, "test-pin-1234"));
    private int port;
    private Thread server;

    @BeforeEach
    void startTrustServices() throws IOException, InterruptedException {
        port = FreePorts.one();
        CliRunner.Run init = xroad.run("ca", "init", "--dir", dir.resolve("ca").toString(), "--name", "Test CA",
                "--url", "http://127.0.0.1:" + port);
        assertEquals(0, init.exitCode(), init.err());
        StringWriter out = new StringWriter();
        server = xroad.start(out, "trust", "serve", "--dir", dir.resolve("ca").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // wait for the whole line: printf may hand the writer its pieces one by one
        while (!out.toString().contains("(Ctrl-C stops)") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(out.toString().contains("listening on http://127.0.0.1:" + port), out.toString());
    }

    @AfterEach
    void stopTrustServices() throws InterruptedException {
        server.interrupt();
        server.join(10_000);
    }

    private String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return output;
    }

    private Path issueMemberCertificate() {
        String token = dir.resolve("member.p12").toString();
        assertEquals(0, xroad.run("token", "init", "--token", token).exitCode());
        CliRunner.Run key = xroad.run("token", "generate-key", "--token", token);
        String keyId = key.out().trim();
        CliRunner.Run csr = xroad.run("token", "csr", "--token", token, "--key-id", keyId, "--profile", "sign",
                "--member", "DEMO/GOV/1001", "--out", dir.resolve("member.csr").toString());
        assertEquals(0, csr.exitCode(), csr.err());
        CliRunner.Run issue = xroad.run("ca", "issue", "--dir", dir.resolve("ca").toString(), "--csr",
                dir.resolve("member.csr").toString(), "--profile", "sign", "--member", "DEMO/GOV/1001",
                "--out", dir.resolve("member.pem").toString());
        assertEquals(0, issue.exitCode(), issue.err());
        CliRunner.Run imported = xroad.run("token", "import-cert", "--token", token, "--key-id", keyId, "--cert",
                dir.resolve("member.pem").toString());
        assertEquals(0, imported.exitCode(), imported.err());
        return dir.resolve("member.pem");
    }

    @Test
    void openSslOcsp_reportsGoodThenRevokedAfterCaRevoke() throws IOException, InterruptedException {
        Path cert = issueMemberCertificate();
        String url = "http://127.0.0.1:" + port + "/ocsp";

        String good = openssl("ocsp", "-issuer", "ca/ca.pem", "-cert", cert.toString(), "-url", url, "-CAfile", "ca/ca.pem");
        assertTrue(good.contains("Response verify OK"), good);
        assertTrue(good.contains(cert + ": good"), good);

        String serial = openssl("x509", "-in", cert.toString(), "-noout", "-serial").trim().split("=")[1];
        CliRunner.Run revoke = xroad.run("ca", "revoke", "--dir", dir.resolve("ca").toString(), "--serial", serial,
                "--reason", "keyCompromise");
        assertEquals(0, revoke.exitCode(), revoke.err());

        String revoked = openssl("ocsp", "-issuer", "ca/ca.pem", "-cert", cert.toString(), "-url", url, "-CAfile",
                "ca/ca.pem");
        assertTrue(revoked.contains(cert + ": revoked"), revoked);
        assertTrue(revoked.contains("Reason: keyCompromise"), revoked);
        CliRunner.Run list = xroad.run("ca", "list", "--dir", dir.resolve("ca").toString(), "--json");
        assertTrue(list.out().contains("\"status\" : \"revoked\""), list.out());
    }

    @Test
    void acmeEab_createdForAMember_withdrawnOnce_andBadUseRefused() throws IOException, InterruptedException {
        String caDir = dir.resolve("ca").toString();

        CliRunner.Run created = xroad.run("ca", "acme-eab", "--dir", caDir, "--member", "DEMO/GOV/1001");
        assertEquals(0, created.exitCode(), created.err());
        java.util.regex.Matcher kid = java.util.regex.Pattern.compile("eabKeyId: (\\S+)").matcher(created.out());
        assertTrue(kid.find() && created.out().contains("eabHmacKey: ")
                && created.out().contains("/acme/directory"), created.out());
        HttpResponse<String> directory = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/acme/directory")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, directory.statusCode());
        assertTrue(directory.body().contains("\"externalAccountRequired\":true"), directory.body());

        CliRunner.Run withdrawn = xroad.run("ca", "acme-eab", "--dir", caDir, "--withdraw", kid.group(1));
        CliRunner.Run again = xroad.run("ca", "acme-eab", "--dir", caDir, "--withdraw", kid.group(1));
        CliRunner.Run neither = xroad.run("ca", "acme-eab", "--dir", caDir);
        CliRunner.Run badMember = xroad.run("ca", "acme-eab", "--dir", caDir, "--member", "DEMO/GOV");

        assertEquals(0, withdrawn.exitCode(), withdrawn.err());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("already withdrawn"), again.err());
        assertEquals(1, neither.exitCode());
        assertTrue(neither.err().contains("exactly one of --member"), neither.err());
        assertEquals(1, badMember.exitCode());
        assertTrue(badMember.err().contains("--member"), badMember.err());
    }

    @Test
    void issuedCertificate_passesOpenSslVerifyAgainstServedCaCertificate() throws IOException, InterruptedException {
        Path cert = issueMemberCertificate();
        HttpResponse<String> ca = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/ca.pem")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ca.statusCode());
        Files.writeString(dir.resolve("served-ca.pem"), ca.body());

        String verify = openssl("verify", "-CAfile", "served-ca.pem", cert.toString());
        assertTrue(verify.contains(cert + ": OK"), verify);
    }

    @Test
    void openSslTimestampQuery_getsReplyThatOpenSslVerifies() throws FileNotFoundException, IOException, InterruptedException {
        Files.writeString(dir.resolve("evidence.txt"), "an exchange worth keeping");
        openssl("ts", "-query", "-data", "evidence.txt", "-sha256", "-cert", "-out", "request.tsq");
        HttpResponse<byte[]> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/tsa"))
                .header("Content-Type", "application/timestamp-query")
                .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve("request.tsq"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, reply.statusCode());
        Files.write(dir.resolve("reply.tsr"), reply.body());

        String verify = openssl("ts", "-verify", "-data", "evidence.txt", "-in", "reply.tsr", "-CAfile", "ca/ca.pem");
        assertTrue(verify.contains("Verification: OK"), verify);
    }

    @Test
    void garbageOcspRequest_isAnsweredMalformedRequestNotAnHttpError() throws IOException, InterruptedException {
        HttpResponse<byte[]> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ocsp"))
                .header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofString("this is not DER")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, reply.statusCode());
        Files.write(dir.resolve("reply.der"), reply.body());

        String text = openssl("ocsp", "-respin", "reply.der", "-resp_text", "-noverify");
        assertTrue(text.contains("malformedrequest (1)"), text);
    }

    @Test
    void badInput_getsOneLineErrorsAndChangesNothing() throws IOException {
        issueMemberCertificate();
        String caDir = dir.resolve("ca").toString();
        String before = xroad.run("ca", "list", "--dir", caDir).out();
        Files.writeString(dir.resolve("garbage.csr"), "not a request");

        List<CliRunner.Run> refused = List.of(
                xroad.run("ca", "issue", "--dir", caDir, "--csr", dir.resolve("garbage.csr").toString(),
                        "--profile", "sign", "--member", "DEMO/GOV/1001"),
                xroad.run("ca", "issue", "--dir", caDir, "--csr", dir.resolve("member.csr").toString(),
                        "--profile", "sign", "--member", "DEMO/GOV/1002"),
                xroad.run("ca", "issue", "--dir", caDir, "--csr", dir.resolve("member.csr").toString(),
                        "--profile", "encrypt", "--member", "DEMO/GOV/1001"),
                xroad.run("ca", "issue", "--dir", caDir, "--csr", dir.resolve("member.csr").toString(),
                        "--profile", "sign", "--member", "DEMO/GOV/10 01"),
                xroad.run("ca", "issue", "--dir", caDir, "--csr", dir.resolve("missing.csr").toString(),
                        "--profile", "sign", "--member", "DEMO/GOV/1001"),
                xroad.run("ca", "revoke", "--dir", caDir, "--serial", "abcdef"),
                new CliRunner(Map.of(PinOptions.ENV, "wrong-pin")).run("ca", "list", "--dir", caDir));

        List<String> expected = List.of("malformed CSR", "was asked for", "unknown certificate profile 'encrypt'",
                "member code '10 01'", "no such file", "no certificate with serial abcdef", "wrong PIN");
        for (int i = 0; i < refused.size(); i++) {
            CliRunner.Run run = refused.get(i);
            assertEquals(1, run.exitCode(), run.err());
            assertTrue(run.err().startsWith("error: ") && run.err().contains(expected.get(i)), run.err());
            assertEquals(1, run.err().lines().count(), "one line, no stack trace: " + run.err());
            assertFalse(run.err().contains("Exception"), run.err());
        }
        assertEquals(before, xroad.run("ca", "list", "--dir", caDir).out());
    }

    @Test
    void everyCommand_hasHelp() {
        for (String[] command : List.of(new String[] {"--help"}, new String[] {"ca", "issue", "--help"},
                new String[] {"trust", "serve", "--help"}, new String[] {"token", "csr", "--help"},
                new String[] {"bench", "crypto", "--help"})) {
            CliRunner.Run run = xroad.run(command);
            assertEquals(0, run.exitCode());
            assertTrue(run.out().startsWith("Usage: xroad"), run.out());
        }
    }
}
