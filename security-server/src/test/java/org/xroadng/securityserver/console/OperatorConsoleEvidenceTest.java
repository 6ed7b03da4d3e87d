package org.xroadng.securityserver.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.EvidenceExchange;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.evidence.EvidenceBundle;
import org.xroadng.securityserver.evidence.EvidenceExportException;
import org.xroadng.securityserver.evidence.EvidenceExporter;
import org.xroadng.securityserver.evidence.EvidenceFormatException;
import org.xroadng.securityserver.evidence.EvidenceVerification;
import org.xroadng.securityserver.evidence.EvidenceVerifier;
import org.xroadng.securityserver.log.MessageLogException;

/**
 * The message-log page over a real exchange's log (signed by both servers, stamped by the test
 * CA's TSA): found by its query id, its evidence bundle downloaded through the console is the one
 * {@code xroad evidence export} makes ({@link EvidenceExporter}) and verifies offline; an observer
 * cannot download it, an unknown exchange is said next to the query id; every export is audited.
 */
class OperatorConsoleEvidenceTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String QUERY_ID = "console-evidence-1";

    @TempDir
    static Path dir;

    private static EvidenceExchange exchange;
    private static ConsoleHarness harness;

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            InterruptedException, KeyStoreException, MessageLogException, NoSuchAlgorithmException, SigningException,
            UnrecoverableKeyException, ServerException {
        exchange = EvidenceExchange.run(dir.resolve("network"), QUERY_ID);
        harness = new ConsoleHarness(dir.resolve("console"), false);
        harness.messageLog = Optional.of(exchange.log());
        harness.signedConfiguration = Optional.of(exchange.signedConfiguration());
        harness.home.adminKeys().users().add("kim", PASSWORD, EnumSet.of(Role.SECURITY_OFFICER));
        harness.home.adminKeys().users().add("olga", PASSWORD, EnumSet.of(Role.OBSERVER));
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        if (exchange != null) {
            exchange.close();
        }
    }

    private static ConsoleHarness.Browser signedIn(String user) throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        assertEquals(303, browser.signIn(user, PASSWORD).statusCode());
        return browser;
    }

    private static ServerConfStore.AuditEntry lastAudit(String action) {
        return harness.home.store().auditTrail(1, Optional.of(action)).get(0);
    }

    @Test
    void securityOfficer_findsTheExchange_downloadsTheBundleTheCliMakes_whichVerifies()
            throws IOException, InterruptedException, EvidenceExportException, EvidenceFormatException,
            CertificateEncodingException {
        ConsoleHarness.Browser kim = signedIn("kim");
        String page = kim.get("/message-log?queryId=" + QUERY_ID).body();
        assertTrue(page.contains("DEMO/GOV/1002/tax") && page.contains("DEMO/GOV/1001/population/person"), page);
        Matcher link = Pattern.compile("href=\"(/message-log/evidence\\?queryId=" + QUERY_ID
                + "&amp;side=consumer)\"").matcher(page);
        assertTrue(link.find(), page);

        HttpResponse<String> download = kim.get(link.group(1).replace("&amp;", "&"));
        assertEquals(200, download.statusCode(), download.body());
        assertEquals("application/json", download.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(download.headers().firstValue("Content-Disposition").orElseThrow()
                .contains("attachment; filename=\"evidence-" + QUERY_ID + "-consumer.json\""));
        byte[] bundle = download.body().getBytes(StandardCharsets.UTF_8);
        byte[] cli = new EvidenceExporter(exchange.log()).export(QUERY_ID, "consumer", exchange.signedConfiguration())
                .toJson();
        assertArrayEquals(cli, bundle, "the same bundle as xroad evidence export");
        EvidenceVerification verified = new EvidenceVerifier(exchange.provider(), Clock.systemUTC())
                .verify(EvidenceBundle.parse(bundle), exchange.anchor());
        assertTrue(verified.valid(), verified.failures().toString());
        ServerConfStore.AuditEntry audited = lastAudit("evidence.export");
        assertEquals("user:kim", audited.actor());
        assertEquals(QUERY_ID + " consumer", audited.target());
        assertEquals("success", audited.outcome());
    }

    @Test
    void unknownExchangeOrSide_saidOnThePage_auditedAsFailed() throws IOException, InterruptedException {
        ConsoleHarness.Browser kim = signedIn("kim");
        assertTrue(kim.get("/message-log?queryId=nosuch").body().contains("No exchange with query id nosuch"));
        HttpResponse<String> missing = kim.get("/message-log/evidence?queryId=nosuch&side=consumer");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("id=\"queryId-error\""), missing.body());
        assertTrue(lastAudit("evidence.export").outcome().startsWith("failed: "), lastAudit("evidence.export").outcome());
        HttpResponse<String> side = kim.get("/message-log/evidence?queryId=" + QUERY_ID + "&side=both");
        assertEquals(400, side.statusCode());
        assertTrue(side.body().contains("id=\"form-error\" class=\"refusal\" role=\"alert\">Choose the consumer or the"
                + " provider side"), side.body());
    }

    @Test
    void observer_seesTheExchange_butItsBundleIsRefusedAtTheServer() throws IOException, InterruptedException {
        ConsoleHarness.Browser olga = signedIn("olga");
        String page = olga.get("/message-log?queryId=" + QUERY_ID).body();
        assertTrue(page.contains("needs the security officer or system administrator role"), page);
        assertFalse(page.contains("/message-log/evidence?"), page);
        HttpResponse<String> forced = olga.get("/message-log/evidence?queryId=" + QUERY_ID + "&side=consumer");
        assertEquals(403, forced.statusCode());
        assertFalse(forced.body().contains("\"request\""), "no bundle");
        assertTrue(lastAudit("evidence.export").outcome().startsWith("refused: user:olga"));
    }
}
