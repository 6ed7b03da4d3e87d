package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.Progress;

/**
 * {@code xroad server|registry|ca backup|restore} on the demo network: the provider's server, the
 * registry and the CA are backed up while they run, their directories lost, restored from the
 * archives on fresh directories, and the network answers traffic again with their identities; a
 * changed archive and another server's archive are refused.
 */
class ServerBackupCliTest {

    private static final String PASSPHRASE = "a long backup passphrase";

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner(Map.of(PinOptions.ENV, DemoNetwork.DEVELOPMENT_PIN,
            BackupOptions.ENV, PASSPHRASE));

    private static int query(DemoNetwork network, String queryId) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(network.consumer().clientProxyUrl()
                        + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Id", queryId).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static DemoNetwork start(Path data, DemoPorts ports) throws DemoException {
        return DemoNetwork.start(data, ports, new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                new Progress(new PrintWriter(Writer.nullWriter())));
    }

    @Test
    void serverRestoredOnAFreshDirectory_answersTrafficAndBadArchivesAreRefused() throws DemoException, IOException,
            InterruptedException {
        Path data = dir.resolve("demo");
        Path provider = data.resolve("servers").resolve("DEMO_GOV_1001_ss1");
        Path consumer = data.resolve("servers").resolve("DEMO_GOV_1002_ss1");
        Path archive = dir.resolve("ss1-1001.xbak");
        Path consumerArchive = dir.resolve("ss1-1002.xbak");
        Path registryArchive = dir.resolve("registry.xbak");
        Path caArchive = dir.resolve("ca.xbak");
        Path anchor;
        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        try (DemoNetwork network = start(data, ports)) {
            assertEquals(200, query(network, "before-backup"));

            CliRunner.Run backup = cli.run("server", "backup", "--dir", provider.toString(), "--out", archive.toString());
            assertEquals(0, backup.exitCode(), backup.out() + backup.err());
            assertTrue(backup.out().startsWith("backup of DEMO/GOV/1001/ss1 written to " + archive), backup.out());
            assertEquals(0, cli.run("server", "backup", "--dir", consumer.toString(), "--out",
                    consumerArchive.toString()).exitCode());
            anchor = Files.copy(network.anchorFile(), dir.resolve("anchor.json"));
            CliRunner.Run registry = cli.run("registry", "backup", "--dir", data.resolve("registry").toString(),
                    "--out", registryArchive.toString());
            assertEquals(0, registry.exitCode(), registry.out() + registry.err());
            CliRunner.Run ca = cli.run("ca", "backup", "--dir", data.resolve("ca").toString(), "--out",
                    caArchive.toString());
            assertEquals(0, ca.exitCode(), ca.out() + ca.err());
        }
        Path caCert = Files.copy(data.resolve("ca").resolve("ca.pem"), dir.resolve("ca.pem"));
        Files.move(data.resolve("registry"), dir.resolve("lost-registry"));
        Files.move(data.resolve("ca"), dir.resolve("lost-ca"));
        // the disk is lost: the server directory is gone
        Files.move(provider, dir.resolve("lost-server"));

        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 3] ^= 0x01;
        Path changed = Files.write(dir.resolve("changed.xbak"), bytes);
        CliRunner.Run tampered = cli.run("server", "restore", "--dir", provider.toString(), "--archive",
                changed.toString(), "--server-id", "DEMO/GOV/1001/ss1");
        assertEquals(1, tampered.exitCode(), tampered.out() + tampered.err());
        assertTrue(tampered.err().startsWith("error: archive refused: the archive's signature does not verify"),
                tampered.err());
        assertFalse(Files.exists(provider));

        CliRunner.Run another = cli.run("server", "restore", "--dir", provider.toString(), "--archive",
                consumerArchive.toString(), "--server-id", "DEMO/GOV/1001/ss1");
        assertEquals(1, another.exitCode(), another.out() + another.err());
        assertEquals("error: the archive is a backup of security server DEMO/GOV/1002/ss1, not of DEMO/GOV/1001/ss1;"
                + " restore each server from its own archive", another.err().strip());
        assertFalse(Files.exists(provider));

        CliRunner.Run restored = cli.run("server", "restore", "--dir", provider.toString(), "--archive",
                archive.toString(), "--server-id", "DEMO/GOV/1001/ss1");
        assertEquals(0, restored.exitCode(), restored.out() + restored.err());
        assertTrue(restored.out().startsWith("security server DEMO/GOV/1001/ss1 restored in " + provider),
                restored.out());

        CliRunner.Run registryRestored = cli.run("registry", "restore", "--dir", data.resolve("registry").toString(),
                "--archive", registryArchive.toString(), "--anchor", anchor.toString());
        assertEquals(0, registryRestored.exitCode(), registryRestored.out() + registryRestored.err());
        CliRunner.Run caRestored = cli.run("ca", "restore", "--dir", data.resolve("ca").toString(), "--archive",
                caArchive.toString(), "--ca-cert", caCert.toString());
        assertEquals(0, caRestored.exitCode(), caRestored.out() + caRestored.err());

        try (DemoNetwork network = start(data, ports)) {
            assertEquals(200, query(network, "after-restore"));
            assertEquals(Files.readString(anchor), Files.readString(network.anchorFile()));
        }
    }
}
