package org.xroadng.cli;

import java.io.IOException;
import org.xroadng.cli.demo.DemoException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xroad evidence}: the commands are registered and refuse what is not a bundle or an anchor with one line. */
class EvidenceCliTest {

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner(Map.of());

    @Test
    void verifyWithAnIncompleteAnchor_exitsOneNamingTheMissingField() throws IOException {
        Path notBundle = Files.writeString(dir.resolve("bundle.json"), "{}");
        Path anchor = Files.writeString(dir.resolve("anchor.json"), "{}");

        CliRunner.Run run = cli.run("evidence", "verify", notBundle.toString(), "--anchor", anchor.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: ") && run.err().contains("has no field 'instance'"), run.err());
    }

    @Test
    void exportWithAnUnknownSide_exitsOneNamingTheAllowedSides() {
        CliRunner.Run run = cli.run("evidence", "export", "--server-dir", dir.toString(), "--query-id", "q-1",
                "--side", "both", "--out", dir.resolve("out.json").toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("expected consumer or provider"), run.err());
    }

    @Test
    void demoExchange_isExportedAndVerifiedOfflineAndTamperingIsNamed() throws DemoException, IOException, InterruptedException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.xroadng.cli.demo.DemoPorts ports = new org.xroadng.cli.demo.DemoPorts(RunningDemo.freeBasePort());
        Path data = dir.resolve("demo");
        try (var network = org.xroadng.cli.demo.DemoNetwork.start(data, ports,
                new org.bouncycastle.jce.provider.BouncyCastleProvider(), random, java.time.Clock.systemUTC(),
                new org.xroadng.cli.demo.Progress(new java.io.PrintWriter(java.io.Writer.nullWriter())))) {
            var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(network.consumer().clientProxyUrl()
                                    + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                            .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                            .header("X-Road-Id", "evidence-test-1").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());

            CliRunner withPin = new CliRunner(Map.of(PinOptions.ENV, org.xroadng.cli.demo.DemoNetwork.DEVELOPMENT_PIN));
            Path serverDir = data.resolve("servers").resolve("DEMO_GOV_1002_ss1");
            Path bundle = dir.resolve("evidence.json");
            CliRunner.Run export = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                export = withPin.run("evidence", "export", "--server-dir", serverDir.toString(), "--query-id",
                        "evidence-test-1", "--side", "consumer", "--out", bundle.toString());
                if (export.exitCode() == 0) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(0, export.exitCode(), export.out() + export.err());

            CliRunner.Run verified = cli.run("evidence", "verify", bundle.toString(), "--anchor",
                    network.anchorFile().toString());
            assertEquals(0, verified.exitCode(), verified.out() + verified.err());
            assertTrue(verified.out().contains("evidence OK"), verified.out());

            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                    org.xroadng.protocol.json.ProtocolJson.mapper().readTree(bundle.toFile());
            var response = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("response");
            byte[] body = java.util.Base64.getDecoder().decode(response.get("body").asText());
            body[0] ^= 1;
            response.put("body", java.util.Base64.getEncoder().encodeToString(body));
            Path tampered = dir.resolve("tampered.json");
            org.xroadng.protocol.json.ProtocolJson.mapper().writeValue(tampered.toFile(), json);

            CliRunner.Run refused = cli.run("evidence", "verify", tampered.toString(), "--anchor",
                    network.anchorFile().toString());
            assertEquals(1, refused.exitCode(), refused.out() + refused.err());
            assertTrue((refused.out() + refused.err()).contains("response.body"), refused.out() + refused.err());
        }
    }

    @Test
    void batchSignedDemoExchange_isVerifiedOfflineAndAChangedPathIsNamed() throws DemoException, IOException,
            InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        org.xroadng.cli.demo.DemoPorts ports = new org.xroadng.cli.demo.DemoPorts(RunningDemo.freeBasePort());
        Path data = dir.resolve("demo");
        try (var network = org.xroadng.cli.demo.DemoNetwork.start(data, ports, true,
                org.xroadng.securityserver.log.Durability.FSYNC,
                org.xroadng.securityserver.message.MessageSignatures.BATCH,
                new org.bouncycastle.jce.provider.BouncyCastleProvider(), random, java.time.Clock.systemUTC(),
                new org.xroadng.cli.demo.Progress(new java.io.PrintWriter(java.io.Writer.nullWriter())))) {
            var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            java.util.List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                answers.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                network.consumer().clientProxyUrl() + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                        .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                        .header("X-Road-Id", "batch-" + i).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            for (var answer : answers) {
                var response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
            }

            CliRunner withPin = new CliRunner(Map.of(PinOptions.ENV, org.xroadng.cli.demo.DemoNetwork.DEVELOPMENT_PIN));
            Path serverDir = data.resolve("servers").resolve("DEMO_GOV_1002_ss1");
            Path bundle = dir.resolve("evidence.json");
            com.fasterxml.jackson.databind.node.ObjectNode json = null;
            for (int i = 0; i < 24 && json == null; i++) {
                CliRunner.Run export = null;
                for (int attempt = 0; attempt < 50; attempt++) {
                    export = withPin.run("evidence", "export", "--server-dir", serverDir.toString(), "--query-id",
                            "batch-" + i, "--side", "consumer", "--out", bundle.toString());
                    if (export.exitCode() == 0) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertEquals(0, export.exitCode(), export.out() + export.err());
                var read = (com.fasterxml.jackson.databind.node.ObjectNode)
                        org.xroadng.protocol.json.ProtocolJson.mapper().readTree(bundle.toFile());
                if (org.xroadng.securityserver.message.BatchSignature.isBatch(read.get("request").get("signature").asText())) {
                    json = read;
                }
            }
            assertTrue(json != null, "none of 24 concurrent requests was batch-signed");

            CliRunner.Run verified = cli.run("evidence", "verify", bundle.toString(), "--anchor",
                    network.anchorFile().toString());
            assertEquals(0, verified.exitCode(), verified.out() + verified.err());
            assertTrue(verified.out().contains("evidence OK"), verified.out());

            var request = (com.fasterxml.jackson.databind.node.ObjectNode) json.get("request");
            String signature = request.get("signature").asText();
            org.xroadng.securityserver.message.BatchSignature.Decoded decoded;
            try {
                decoded = org.xroadng.securityserver.message.BatchSignature.decode(signature);
            } catch (org.xroadng.securityserver.message.MessageVerificationException e) {
                throw new AssertionError("the bundled batch signature does not decode", e);
            }
            java.util.List<byte[]> path = new java.util.ArrayList<>(decoded.leaf().path());
            assertTrue(!path.isEmpty(), "a batch of more than one has a path");
            path.get(0)[0] ^= 1;
            request.put("signature", org.xroadng.securityserver.message.BatchSignature.encode(decoded.rootJws(),
                    new org.xroadng.securityserver.message.BatchSignature.Leaf(decoded.leaf().summary(),
                            decoded.leaf().salt(), decoded.leaf().index(), path)));
            Path tampered = dir.resolve("tampered.json");
            org.xroadng.protocol.json.ProtocolJson.mapper().writeValue(tampered.toFile(), json);

            CliRunner.Run refused = cli.run("evidence", "verify", tampered.toString(), "--anchor",
                    network.anchorFile().toString());
            assertEquals(1, refused.exitCode(), refused.out() + refused.err());
            assertTrue((refused.out() + refused.err()).contains("request.signature.path"), refused.out() + refused.err());
        }
    }
}
