package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.xroadng.auditlog.browser.HeadlessChromium;
import org.xroadng.cli.demo.DemoCast;
import org.xroadng.cli.demo.DemoWitness;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Access transparency end to end on the demo network: real security servers writing access events
 * on both sides, checkpoints witnessed by the real registry, the portal asking both servers through
 * the tax board's server. A citizen signs in with a browser; the commands the demo prints are run;
 * last, one stored event in the population registry server's database is changed and the portal
 * marks it unverified (so that test runs last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CitizenPortalDemoTest {

    @TempDir
    static Path dir;

    private static RunningDemo demo;
    private static JsonNode network;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws InterruptedException, IOException {
        demo = RunningDemo.start(new CliRunner(Map.of()), RunningDemo.freeBasePort(), dir.resolve("demo-data"));
        network = ProtocolJson.mapper().readTree(Files.readString(dir.resolve("demo-data").resolve("network.json")));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        demo.stop();
    }

    private static String printed(String prefix) {
        List<String> commands = demo.commands(prefix);
        assertEquals(1, commands.size(), prefix + " in\n" + demo.output());
        return commands.get(0);
    }

    /** The events answer for {@code personalCode}, with a token from the development identity provider. */
    private JsonNode eventsOf(String personalCode) throws IOException, InterruptedException {
        String token = printed("TOKEN=").replace("sub=" + DemoCast.CITIZEN, "sub=" + personalCode);
        String answer = RunningDemo.sh(token + "; " + printed("curl -s -H \"Authorization: Bearer $TOKEN\""));
        return ProtocolJson.mapper().readTree(answer);
    }

    private static JsonNode taxBoardRow(JsonNode events) {
        for (JsonNode row : events.path("events")) {
            if ("DEMO/GOV/1002/tax".equals(row.path("client").asText())
                    && "/EE38001010001".equals(row.path("path").asText()) && "ok".equals(row.path("outcome").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row for the tax board's completed read in " + events);
    }

    /**
     * The demo's restricted access (docs/citizens.md), asked right after the demo is ready, before its
     * disclosure date a few minutes on: the citizen sees the stub without details, the inspector reads
     * it whole, and that reading is at once in the citizen's list.
     */
    @Test
    @Order(0)
    void restrictedAccess_beforeItsDate_citizenSeesTheStub_inspectorReadsItWhole_andTheReadingIsShown()
            throws IOException, InterruptedException {
        JsonNode before = eventsOf(DemoCast.CITIZEN);
        JsonNode stub = null;
        for (JsonNode row : before.path("events")) {
            if (row.path("restricted").isObject()) {
                stub = row;
            }
        }
        assertTrue(stub != null, "the demo's restricted access is listed: " + before);
        java.time.Instant disclose = java.time.Instant.parse(stub.path("restricted").path("disclose").asText());
        org.junit.jupiter.api.Assumptions.assumeTrue(java.time.Instant.now().isBefore(disclose.minusSeconds(20)),
                "the demo started more than its restriction's delay ago; the sealed state cannot be seen any more");
        assertEquals("SEALED", stub.path("restricted").path("status").asText(), stub.toString());
        assertEquals("tax-investigation", stub.path("restricted").path("authority").asText());
        assertEquals(DemoCast.TAX_LEGAL_BASIS, stub.path("restricted").path("legalBasis").asText());
        assertTrue(stub.path("client").isNull() && stub.path("service").isNull() && stub.path("path").isNull(),
                "no details before the date: " + stub);
        assertEquals(List.of("consumer", "provider"), texts(stub.path("sides")), stub.toString());
        assertTrue(stub.path("verified").asBoolean(), stub.toString());
        assertEquals(0, before.path("problems").size(), before.toString());

        JsonNode inspector = network.path("inspector");
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(inspector.path("admin").asText()
                + "/api/v1/restricted-accesses?subject=" + DemoCast.CITIZEN))
                .header("Authorization", "Bearer " + inspector.path("apiKey").asText()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        JsonNode whole = ProtocolJson.mapper().readTree(read.body());
        assertEquals(1, whole.size(), read.body());
        assertEquals("DEMO/GOV/1002/tax", whole.get(0).path("event").path("client").asText(), read.body());
        assertEquals(stub.path("restricted").path("disclose").asText(), whole.get(0).path("disclose").asText(),
                "the inspector reads the restricted access the citizen sees: " + whole);
        assertEquals(DemoCast.TAX_LEGAL_BASIS, whole.get(0).path("event").path("restriction").path("legalBasis").asText());

        HttpResponse<String> asAdmin = http.send(HttpRequest.newBuilder(URI.create(inspector.path("admin").asText()
                + "/api/v1/restricted-accesses")).header("Authorization", "Bearer "
                + network.path("servers").get(1).path("apiKey").asText()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, asAdmin.statusCode(), "the admin key is no inspector: " + asAdmin.body());

        JsonNode after = eventsOf(DemoCast.CITIZEN);
        boolean shown = false;
        for (JsonNode row : after.path("events")) {
            shown |= texts(row.path("sides")).equals(List.of("oversight"))
                    && "oversight".equals(row.path("purpose").asText())
                    && row.path("userId").asText().endsWith(DemoCast.INSPECTOR)
                    && row.path("path").asText().equals("/" + whole.get(0).path("eventId").asText());
        }
        assertTrue(shown, "the inspector's reading is in the citizen's list: " + after);
    }

    @Test
    @Order(1)
    void browser_citizenSignsInAtTheDevelopmentProviderAndSeesTheTaxBoardsVerifiedRead() {
        WebDriver browser = HeadlessChromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, java.time.Duration.ofSeconds(15));
            browser.get(network.path("portal").path("url").asText() + "/");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in"))).click();
            WebElement code = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sub")));
            assertTrue(browser.getPageSource().contains("Development identity provider"));
            code.sendKeys(DemoCast.CITIZEN);
            browser.findElement(By.id("sign-in")).click();

            WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("events")));
            String text = table.getText();
            assertTrue(text.contains("Tax Board"), "the member's name, for people to read: " + text);
            assertTrue(text.contains("DEMO/GOV/1002/tax"), text);
            assertTrue(text.contains("Population Registry: DEMO/GOV/1001/population/person"), text);
            assertTrue(text.contains("tax-assessment"), text);
            assertTrue(text.contains("\u2713 verified"), text);
            assertTrue(text.contains("Demo Bank tried to read your record at Population Registry and was refused: it has"
                    + " no permission."), "the bank's refused attempt is shown too, in plain words: " + text);
            assertTrue(browser.findElement(By.cssSelector("tr.outcome-refused")).getText().contains("Demo Bank"),
                    "and marked as refused: " + text);
            assertFalse(browser.findElement(By.id("partial")).isDisplayed(), "both servers answered");
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void printedCommands_citizenSeesTheTaxBoardsReadFromBothSidesVerifiedAndTamperingShows()
            throws IOException, InterruptedException, SQLException {
        JsonNode mine = eventsOf(DemoCast.CITIZEN);

        assertEquals(DemoCast.CITIZEN, mine.path("subject").asText());
        assertEquals(0, mine.path("unreachable").size(), mine.toString());
        assertEquals(0, mine.path("problems").size(), mine.toString());
        JsonNode row = taxBoardRow(mine);
        assertEquals("DEMO/GOV/1001/population/person", row.path("service").asText());
        assertEquals("Tax Board", row.path("clientName").asText(), row.toString());
        assertEquals("Population Registry", row.path("providerName").asText(), row.toString());
        assertEquals("tax-assessment", row.path("purpose").asText());
        assertEquals("GET", row.path("method").asText());
        assertEquals(List.of("consumer", "provider"), texts(row.path("sides")));
        assertTrue(row.path("verified").asBoolean(), row.toString());
        assertTrue(row.path("agree").asBoolean(), row.toString());

        String queryId = changeStoredPurpose("DEMO_GOV_1001_ss1", "tax-assessment", "curiosity");

        JsonNode after = row(eventsOf(DemoCast.CITIZEN), queryId);
        assertFalse(after.path("verified").asBoolean(), after.toString());
        assertFalse(after.path("agree").asBoolean(), "the consumer's record still says tax-assessment: " + after);
        assertTrue(after.path("differences").toString().contains("purpose"), after.toString());
        assertTrue(after.path("reasons").toString().contains("inclusion proof"), after.toString());

        // The provider's server now hides the event from the citizen by deleting its index rows.
        hideFromSubjectIndex("DEMO_GOV_1001_ss1", queryId);

        JsonNode hidden = eventsOf(DemoCast.CITIZEN);
        assertEquals(List.of("consumer"), texts(row(hidden, queryId).path("sides")), hidden.toString());
        assertTrue(hidden.path("problems").toString().contains("DEMO/GOV/1001/ss1 answered without a record of"
                + " exchange " + queryId), hidden.toString());
    }

    @Test
    @Order(3)
    void eachServersCheckpoint_isAlsoAStandardNoteCosignedByTheRegistrysWitness()
            throws IOException, InterruptedException, org.xroadng.auditlog.note.NoteFormatException,
            org.xroadng.auditlog.note.NoteVerificationException {
        eventsOf(DemoCast.CITIZEN); // the servers checkpoint what the citizen is shown
        String registry = network.get("registry").get("url").asText().replaceAll("/+$", "");
        org.xroadng.auditlog.note.NoteVerifierKey witnessKey = org.xroadng.auditlog.note.NoteVerifierKey.parse(
                http.send(HttpRequest.newBuilder(URI.create(registry + "/tlog-witness/verifier-key")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
        for (String server : List.of("DEMO/GOV/1001/ss1", "DEMO/GOV/1002/ss1")) {
            String origin = server + "/access-log";
            HttpResponse<String> note = http.send(HttpRequest.newBuilder(URI.create(registry
                    + "/tlog-witness/checkpoint?origin=" + java.net.URLEncoder.encode(origin, StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, note.statusCode(), origin + ": " + note.body());
            org.xroadng.auditlog.note.SignedNote signed = org.xroadng.auditlog.note.SignedNote.parse(note.body());
            assertEquals(origin, org.xroadng.auditlog.note.Checkpoint.parse(signed.text()).origin());
            assertTrue(org.xroadng.auditlog.note.Cosignatures.verify(signed, witnessKey).isPresent(), note.body());
        }
    }

    @Test
    @Order(2)
    void readmeCurlExamplesForTheDemo_answerAgainstIt() throws IOException, InterruptedException {
        int base = java.net.URI.create(network.path("registry").path("url").asText()).getPort() - 1;
        List<String> lines = Documentation.read().lines().toList();
        java.util.regex.Pattern demoUrl = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:188(\\d\\d)");
        int run = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!(line.startsWith("curl ") || line.startsWith("TOKEN=")) || !demoUrl.matcher(line).find()) {
                continue;
            }
            String command = line.startsWith("TOKEN=") ? line + "; " + lines.get(++i) : line;
            java.util.regex.Matcher ports = demoUrl.matcher(command);
            StringBuilder mapped = new StringBuilder();
            while (ports.find()) {
                ports.appendReplacement(mapped, "http://127.0.0.1:" + (base + Integer.parseInt(ports.group(1))));
            }
            ports.appendTail(mapped);
            String output = RunningDemo.sh(mapped.toString());
            assertReadmeExample(command, mapped.toString(), output);
            run++;
        }
        assertEquals(26, run, "the README's demo examples: three queries, five for developers, the portal's token and"
                + " events, accessLog, witness, the C2SP witness's checkpoint, four metadata calls; five SOAP calls (a"
                + " query, the bank, three metadata calls); the independent witnesses' keys and checkpoints (five)");
    }

    /**
     * What each of the README's demo examples must answer; an example without an expectation here
     * fails, so a new one in the README needs one.
     */
    private static void assertReadmeExample(String command, String ran, String output) {
        String context = ran + "\n" + output;
        if (command.contains("Content-Type: text/xml")) {
            assertSoapExample(command, output, context);
        } else if (command.contains("/r1/listClients")) {
            assertTrue(output.contains("\"subsystem_code\":\"population\"") && output.contains("\"member_code\":\"1002\""),
                    context);
        } else if (command.contains("/listMethods")) {
            assertTrue(output.contains("\"service_code\":\"person\"") && output.contains("\"endpoint_list\":[{"),
                    context);
        } else if (command.contains("/allowedMethods")) {
            assertTrue(output.contains("\"service_code\":\"person\""), context);
        } else if (command.contains("/getOpenAPI?serviceCode=person")) {
            assertTrue(output.contains("openapi: 3") && output.contains("/{personalCode}:"), context);
        } else if (command.contains("/accessLog")) {
            assertTrue(output.contains("\"server\":\"DEMO/GOV/1001/ss1\"") && output.contains("\"events\":[{")
                    && output.contains("\"proof\"") && output.contains(DemoCast.CITIZEN), context);
        } else if (command.matches(".*:1881[12]/verifier-key.*")) {
            String witness = command.contains(":18811/") ? DemoWitness.OMBUDSMAN.keyName()
                    : DemoWitness.UNIVERSITY.keyName();
            assertTrue(output.startsWith(witness + "+"), context);
        } else if (command.matches(".*:1881[12]/checkpoint\\?origin=.*")) {
            String witness = command.contains(":18811/") ? DemoWitness.OMBUDSMAN.keyName()
                    : DemoWitness.UNIVERSITY.keyName();
            String origin = java.net.URLDecoder.decode(command.replaceAll(".*origin=([^' ]*).*", "$1"),
                    StandardCharsets.UTF_8);
            assertTrue(output.startsWith(origin + "\n") && output.contains("\n\u2014 " + origin + " ")
                    && output.contains("\n\u2014 " + witness + " "), context);
        } else if (command.contains("/tlog-witness/checkpoint")) {
            assertTrue(output.startsWith("DEMO/GOV/1001/ss1/access-log\n")
                    && output.contains("\n\u2014 DEMO/GOV/1001/ss1/access-log ")
                    && output.contains("\n\u2014 DEMO/registry-witness "), context);
        } else if (command.contains("/witness/")) {
            assertTrue(output.contains("\"checkpoint\":\"ey") && output.contains("\"rootHash\"")
                    && output.contains("\"witnessedAt\""), context);
        } else if (command.contains("/api/v1/events")) {
            assertTrue(output.contains("\"subject\":\"" + DemoCast.CITIZEN + "\"") && output.contains("\"verified\":true")
                    && output.contains("\"client\":\"DEMO/GOV/1002/tax\""), context);
        } else if (command.contains("DEMO/COM/2001/loans")) {
            assertAnswer(output, 500, "Server.ServerProxy.AccessDenied", context);
        } else if (command.contains("X-Road-Purpose: marketing")) {
            assertAnswer(output, 500, "Server.ServerProxy.PurposeNotAllowed", context);
        } else if (command.contains("DEMO/GOV/1002/nosuch") && command.contains("Accept: application/xml")) {
            assertTrue(output.startsWith("HTTP/1.1 400"), context);
            assertTrue(output.toLowerCase().contains("content-type: application/xml; charset=utf-8"), context);
            assertTrue(output.contains("<type>Client.UnknownMember</type>"), context);
        } else if (command.contains("DEMO/GOV/1002/nosuch")) {
            assertAnswer(output, 400, "Client.UnknownMember", context);
        } else if (command.contains("..%2F")) {
            assertAnswer(output, 400, "Client.InvalidUri", context);
        } else if (command.endsWith("/EE00000000000")) {
            assertTrue(output.startsWith("HTTP/1.1 404") && output.contains("\"type\":\"NotFound\""), context);
        } else if (command.contains("X-Road-Client: DEMO/GOV/1002/tax") && command.endsWith("/" + DemoCast.CITIZEN)) {
            assertTrue(output.startsWith("HTTP/1.1 200") && output.contains("Maasikas"), context);
            if (command.contains("X-Road-Id: ")) {
                String id = command.replaceAll(".*X-Road-Id: ([^']*)'.*", "$1");
                assertTrue(output.toLowerCase().contains("x-road-id: " + id.toLowerCase()), context);
            }
        } else {
            throw new AssertionError("no expectation for the README example " + command);
        }
    }

    /** The SOAP examples, told apart by the service they call and who calls. */
    private static void assertSoapExample(String command, String output, String context) {
        if (command.contains("<id:serviceCode>personSoap</id:serviceCode></xrd:service>")
                && command.contains("<id:memberCode>2001</id:memberCode>")) {
            assertTrue(output.contains("<faultcode>Server.ServerProxy.AccessDenied</faultcode>"), context);
        } else if (command.contains("<id:serviceCode>personSoap</id:serviceCode></xrd:service>")) {
            assertTrue(output.contains("Maasikas") && output.contains("<ps:givenName>Mari</ps:givenName>"), context);
            assertTrue(output.contains("tax-soap-1</xrd:id>") && output.contains("requestHash algorithmId="
                    + "\"http://www.w3.org/2001/04/xmlenc#sha512\""), context);
        } else if (command.contains("<xrd:listMethods/>") || command.contains("<xrd:allowedMethods/>")) {
            assertTrue(output.contains("Response><xrd:service id:objectType=\"SERVICE\">") && output.contains(
                    "<id:serviceCode>personSoap</id:serviceCode>") && !output.contains(
                    "<id:serviceCode>person</id:serviceCode>"), context);
        } else if (command.contains("<xrd:getWsdl>")) {
            assertTrue(output.contains("<xrd:getWsdlResponse>") && output.contains("<wsdl:definitions")
                    && output.contains("location=\"http://example.org/xroad-endpoint\""), context);
        } else {
            throw new AssertionError("no expectation for the SOAP example " + command);
        }
    }

    private static void assertAnswer(String output, int status, String errorType, String context) {
        assertTrue(output.startsWith("HTTP/1.1 " + status), context);
        assertTrue(output.toLowerCase().contains("x-road-error: " + errorType.toLowerCase()), context);
        assertTrue(output.contains("\"type\":\"" + errorType + "\""), context);
    }

    @Test
    void anotherCitizensToken_seesNoneOfTheseEvents() throws IOException, InterruptedException {
        JsonNode other = eventsOf("EE49002020000");

        assertEquals("EE49002020000", other.path("subject").asText());
        for (JsonNode row : other.path("events")) {
            assertFalse(row.toString().contains(DemoCast.CITIZEN), row.toString());
        }
    }

    @Test
    void garbageOrMissingToken_401WithReason() throws IOException, InterruptedException {
        URI events = URI.create(network.path("portal").path("url").asText() + "/api/v1/events");

        HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(events).header("Authorization", "Bearer abc.def")
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(events).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(401, garbage.statusCode(), garbage.body());
        assertEquals(401, missing.statusCode(), missing.body());
        assertTrue(garbage.body().contains("\"message\""), garbage.body());
    }

    @Test
    void portalPage_servedWithSignInAndDevelopmentProviderLabelled() throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create(network.path("portal").path("url").asText() + "/")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(
                network.path("portal").path("identityProvider").asText() + "/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("sign-in"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());
        assertEquals(200, discovery.statusCode());
        assertTrue(discovery.body().contains("Development identity provider"), discovery.body());
    }

    private static JsonNode row(JsonNode events, String queryId) {
        for (JsonNode row : events.path("events")) {
            if (queryId.equals(row.path("queryId").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row for query " + queryId + " in " + events);
    }

    /**
     * Rewrites the purpose in the first stored event of the citizen that has it in a server's access
     * log, as an insider with database access could; returns that event's queryId.
     */
    private static String changeStoredPurpose(String serverDir, String from, String to)
            throws SQLException, IOException {
        Path file = dir.resolve("demo-data").resolve("servers").resolve(serverDir).resolve("accesslog");
        try (Connection c = DriverManager.getConnection(org.xroadng.protocol.store.Database.h2Url(file),
                "auditlog", "");
             PreparedStatement select = c.prepareStatement("SELECT leaf_index, entry_bytes FROM merkle_leaf");
             PreparedStatement update = c.prepareStatement("UPDATE merkle_leaf SET entry_bytes = ? WHERE leaf_index = ?");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String entry = new String(rows.getBytes(2), StandardCharsets.UTF_8);
                if (entry.contains("\"purpose\":\"" + from + "\"") && entry.contains(DemoCast.CITIZEN)) {
                    update.setBytes(1, entry.replace("\"purpose\":\"" + from + "\"", "\"purpose\":\"" + to + "\"")
                            .getBytes(StandardCharsets.UTF_8));
                    update.setLong(2, rows.getLong(1));
                    assertEquals(1, update.executeUpdate());
                    return ProtocolJson.mapper().readTree(entry).path("queryId").asText();
                }
            }
        }
        throw new AssertionError("no stored event of " + DemoCast.CITIZEN + " with purpose " + from + " in " + file);
    }

    /** Deletes the subject index rows of the event with {@code queryId}: the entry stays in the tree. */
    private static void hideFromSubjectIndex(String serverDir, String queryId) throws SQLException {
        Path file = dir.resolve("demo-data").resolve("servers").resolve(serverDir).resolve("accesslog");
        try (Connection c = DriverManager.getConnection(org.xroadng.protocol.store.Database.h2Url(file),
                "auditlog", "");
             PreparedStatement delete = c.prepareStatement("DELETE FROM access_subject WHERE leaf_index IN"
                     + " (SELECT leaf_index FROM merkle_leaf WHERE UTF8TOSTRING(entry_bytes) LIKE ?)")) {
            delete.setString(1, "%\"queryId\":\"" + queryId + "\"%");
            assertTrue(delete.executeUpdate() > 0, "no index row for " + queryId + " in " + file);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
