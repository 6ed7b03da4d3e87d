package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.SoftHsm;
import org.xroadng.certs.token.Pkcs11Slot;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * {@code xroad server token}: HSM tokens on SoftHSM2, a real PKCS#11 module. The demo's two servers,
 * prepared with {@code xroad server token add}, get their owners' signing keys in the HSM through
 * the real enrolment (CSR signed in the token, certificate imported into it, management requests
 * signed by it), exchange signed messages, and the evidence verifies offline.
 */
class HsmCliTest {

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner(Map.of());

    private CliRunner.Run addToken(Path serverDir, String id, Path module, long slot, Path pinFile) {
        return cli.run("server", "token", "add", "--dir", serverDir.toString(), "--id", id, "--module",
                module.toString(), "--slot", Long.toString(slot), "--token-pin-file", pinFile.toString());
    }

    @Test
    void demoServersWithSigningKeysInTheHsm_exchangeAndTheEvidenceVerifiesOffline() throws IOException,
            DemoException, InterruptedException {
        Path pinFile = Files.writeString(dir.resolve("hsm.pin"), SoftHsm.PIN + "\n");
        Path data = dir.resolve("demo");
        Path consumerDir = data.resolve("servers").resolve("DEMO_GOV_1002_ss1");
        Path providerDir = data.resolve("servers").resolve("DEMO_GOV_1001_ss1");
        Pkcs11Slot consumerSlot = SoftHsm.get().slot("hsm1", "cli");
        Pkcs11Slot providerSlot = SoftHsm.get().slot("hsm1", "second");
        CliRunner.Run added = addToken(consumerDir, "hsm1", SoftHsm.MODULE, consumerSlot.slotId(), pinFile);
        assertEquals(0, added.exitCode(), added.out() + added.err());
        assertTrue(added.out().startsWith("token hsm1 added: logged in to slot id " + consumerSlot.slotId()), added.out());
        assertEquals(0, addToken(providerDir, "hsm1", SoftHsm.MODULE, providerSlot.slotId(), pinFile).exitCode());

        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        try (DemoNetwork network = DemoNetwork.start(data, ports, new BouncyCastleProvider(), new SecureRandom(),
                Clock.systemUTC(), new Progress(new PrintWriter(Writer.nullWriter())))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(network.consumer().clientProxyUrl()
                            + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                    .header("X-Road-Id", "hsm-cli-1").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());

            // the consumer's owner signing key is the HSM's, certified and in use
            HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create(network.consumer().adminUrl()
                            + "/api/v1/keys")).header("Authorization", "Bearer " + network.consumer().apiKey()).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode ownerKey = null;
            for (JsonNode key : ProtocolJson.mapper().readTree(keys.body())) {
                if (key.path("role").asText().equals("sign") && key.path("identity").asText().equals("DEMO/GOV/1002")) {
                    ownerKey = key;
                }
            }
            assertTrue(ownerKey != null, keys.body());
            assertEquals("hsm1", ownerKey.path("token").asText(), keys.body());
            assertTrue(ownerKey.path("certified").asBoolean(), keys.body());
            CliRunner.Run listed = cli.run("server", "token", "list", "--dir", consumerDir.toString());
            assertEquals(0, listed.exitCode(), listed.out() + listed.err());
            assertTrue(listed.out().contains("logged in") && listed.out().contains(ownerKey.path("keyId").asText()),
                    listed.out());

            CliRunner withPin = new CliRunner(Map.of(PinOptions.ENV, DemoNetwork.DEVELOPMENT_PIN));
            Path bundle = dir.resolve("evidence.json");
            CliRunner.Run export = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                export = withPin.run("evidence", "export", "--server-dir", consumerDir.toString(), "--query-id",
                        "hsm-cli-1", "--side", "consumer", "--out", bundle.toString());
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

            // the HSM token, opened again by the export above, still signs for the running server
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(network.consumer().clientProxyUrl()
                            + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                    .header("X-Road-Id", "hsm-cli-2").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, again.statusCode(), again.body());
        }
    }

    @Test
    void wrongPin_isAOneLineErrorAndNothingIsWritten() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong.pin"), "not-the-pin\n");
        Path server = dir.resolve("ss1");

        CliRunner.Run run = addToken(server, "hsm1", SoftHsm.MODULE, SoftHsm.get().slot("hsm1", "cli").slotId(), wrong);

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertEquals("error: cannot log in to token hsm1: wrong PIN (CKR_PIN_INCORRECT)", run.err().strip());
        assertFalse(Files.exists(server.resolve("tokens").resolve("hsm1.yaml")));
    }

    @Test
    void missingModule_isAOneLineErrorNamingIt() throws IOException {
        Path pinFile = Files.writeString(dir.resolve("hsm.pin"), SoftHsm.PIN + "\n");
        Path module = dir.resolve("libmissing-pkcs11.so");

        CliRunner.Run run = addToken(dir.resolve("ss1"), "hsm1", module, 0, pinFile);

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertEquals("error: PKCS#11 module " + module + " of token hsm1 does not exist; install the HSM's PKCS#11"
                + " library or correct the token's module path", run.err().strip());
    }

    @Test
    void signTokenThatIsNotConfigured_isRefusedByInit() throws IOException {
        Path anchor = Files.writeString(dir.resolve("anchor.json"), "{}");

        CliRunner.Run run = new CliRunner(Map.of(PinOptions.ENV, "1234-pin")).run("server", "init", "--dir",
                dir.resolve("ss1").toString(), "--server-id", "DEMO/GOV/1001/ss1", "--anchor", anchor.toString(),
                "--sign-token", "hsm7");

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: no HSM token 'hsm7' in "), run.err());
        assertFalse(Files.exists(dir.resolve("ss1").resolve("server.yaml")));
    }
}
