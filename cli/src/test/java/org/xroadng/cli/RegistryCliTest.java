package org.xroadng.cli;

import org.xroadng.protocol.globalconf.ConfigurationException;
import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.testing.FreePorts;

/** The registry as an operator runs it: init, serve, anchor, and operator commands through its API. */
class RegistryCliTest {

    @TempDir
    Path dir;

    private Thread server;
    private CliRunner operator;
    private String url;

    @BeforeEach
    void startRegistry() throws IOException, InterruptedException {
        int port;
        port = FreePorts.one();
        url = "http://127.0.0.1:" + port;
        CliRunner withPin = new CliRunner(Map.of(PinOptions.ENV, "registry-pin"));
        CliRunner.Run init = withPin.run("registry", "init", "--dir", dir.resolve("registry").toString(),
                "--instance", "DEMO", "--url", url);
        assertEquals(0, init.exitCode(), init.err());
        Matcher key = Pattern.compile("admin API key \\(shown once; keep it safe\\): (\\S+)").matcher(init.out());
        assertTrue(key.find(), init.out());

        StringWriter out = new StringWriter();
        server = withPin.start(out, "registry", "serve", "--dir", dir.resolve("registry").toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // wait for the whole line: printf may hand the writer its pieces one by one
        while (!out.toString().contains("(Ctrl-C stops)") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(out.toString().contains("listening on " + url), out.toString());

        Map<String, String> env = new HashMap<>();
        env.put(RegistryOperatorCommands.URL_ENV, url);
        env.put(RegistryOperatorCommands.KEY_ENV, key.group(1));
        operator = new CliRunner(env);
    }

    @AfterEach
    void stopRegistry() throws InterruptedException {
        server.interrupt();
        server.join(10_000);
    }

    @Test
    void operatorCommands_enrolMembersThroughTheApi() {
        assertEquals(0, operator.run("registry", "member-class", "add", "GOV", "--description", "Government").exitCode());
        CliRunner.Run added = operator.run("registry", "member", "add", "DEMO/GOV/1001", "--name", "Population Registry");
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("member DEMO/GOV/1001 (Population Registry) added"), added.out());
        assertEquals(0, operator.run("registry", "subsystem", "add", "DEMO/GOV/1001/population").exitCode());
        assertEquals(0, operator.run("registry", "group", "add", "citizen-portals", "--description", "Portals").exitCode());

        CliRunner.Run list = operator.run("registry", "member", "list");
        assertTrue(list.out().contains("ID"), list.out());
        assertTrue(list.out().matches("(?s).*DEMO/GOV/1001\\s+Population Registry\\s+population.*"), list.out());
        CliRunner.Run json = operator.run("registry", "member", "show", "DEMO/GOV/1001", "--json");
        assertTrue(json.out().contains("\"name\" : \"Population Registry\""), json.out());
        CliRunner.Run audit = operator.run("registry", "audit");
        assertTrue(audit.out().contains("member.create"), audit.out());
    }

    @Test
    void witnessCommands_listTheWitnessesAndQuorumOfTheGlobalConfiguration()
            throws org.xroadng.auditlog.note.NoteFormatException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        String ombudsman = org.xroadng.auditlog.note.Cosigner.generate("ombudsman.example/witness", random)
                .verifierKey().format();
        String university = org.xroadng.auditlog.note.Cosigner.generate("university.example/witness", random)
                .verifierKey().format();
        CliRunner.Run added = operator.run("registry", "witness", "add", "--url", "http://127.0.0.1:9001", "--key",
                ombudsman);
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("1 witness(es) listed, quorum 1"), added.out());
        assertEquals(0, operator.run("registry", "witness", "add", "--url", "http://127.0.0.1:9002", "--key",
                university).exitCode());
        CliRunner.Run quorum = operator.run("registry", "witness", "quorum", "2");
        assertTrue(quorum.out().contains("quorum 2 of 2 witness(es)"), quorum.out() + quorum.err());
        CliRunner.Run list = operator.run("registry", "witness", "list");
        assertTrue(list.out().contains(ombudsman) && list.out().contains("http://127.0.0.1:9002")
                && list.out().contains("quorum: 2"), list.out());

        CliRunner.Run counted = operator.run("registry", "witness", "remove", "ombudsman.example/witness");
        assertEquals(1, counted.exitCode());
        assertTrue(counted.err().contains("lower the quorum first"), counted.err());
        CliRunner.Run notAWitnessKey = operator.run("registry", "witness", "add", "--url", "http://127.0.0.1:9003",
                "--key", "nonsense");
        assertEquals(1, notAWitnessKey.exitCode());
        assertTrue(notAWitnessKey.err().contains("verifierKey"), notAWitnessKey.err());
        assertEquals(0, operator.run("registry", "witness", "quorum", "1").exitCode());
        CliRunner.Run removed = operator.run("registry", "witness", "remove", "ombudsman.example/witness");
        assertTrue(removed.out().contains("ombudsman.example/witness removed; 1 witness(es) listed, quorum 1"),
                removed.out() + removed.err());
    }

    @Test
    void refusals_areOneLineErrorsCarryingTheRegistrysReason() {
        CliRunner.Run unknownClass = operator.run("registry", "member", "add", "DEMO/XYZ/1", "--name", "X");
        assertEquals(1, unknownClass.exitCode());
        assertTrue(unknownClass.err().contains("unknown member class XYZ"), unknownClass.err());
        assertEquals(1, unknownClass.err().lines().count(), unknownClass.err());

        CliRunner.Run wrongKey = new CliRunner(Map.of(RegistryOperatorCommands.URL_ENV, url,
                RegistryOperatorCommands.KEY_ENV, "xrk_wrong")).run("registry", "member", "list");
        assertEquals(1, wrongKey.exitCode());
        assertTrue(wrongKey.err().contains("401"), wrongKey.err());

        CliRunner.Run noKey = new CliRunner(Map.of(RegistryOperatorCommands.URL_ENV, url)).run("registry", "member", "list");
        assertTrue(noKey.err().contains("no registry API key"), noKey.err());
    }

    @Test
    void anchor_isWrittenWithTheFingerprintPrinted() throws ConfigurationException, IOException {
        CliRunner withPin = new CliRunner(Map.of(PinOptions.ENV, "registry-pin"));
        Path anchor = dir.resolve("anchor.json");
        CliRunner.Run run = withPin.run("registry", "anchor", "--dir", dir.resolve("registry").toString(), "--out",
                anchor.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("SHA-256 fingerprint: " + AnchorFile.fingerprint(anchor)), run.out());
        assertEquals("DEMO", AnchorFile.read(anchor).instance());
        assertTrue(Files.readString(anchor).contains(url + "/globalconf"));
    }
}
