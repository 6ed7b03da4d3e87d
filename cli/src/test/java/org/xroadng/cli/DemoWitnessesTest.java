package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.cli.demo.DemoCast;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoWitness;
import org.xroadng.cli.demo.NetworkFile;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The demo's independent witnesses, on the running demo: the demo's ombudsman and a university run
 * real witness components beside the registry's, the registry lists the three with a quorum of 2,
 * both servers' checkpoints are cosigned, {@code network.json}'s verifier keys verify those
 * cosignatures, and the portal verifies a new record with one independent witness down but not
 * with two, saying which witnesses did not vouch. The witnesses are stopped in order, so the tests
 * run in order on one network.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoWitnessesTest {

    private static final String REGISTRY_WITNESS = "DEMO/registry-witness";
    private static final List<String> SERVERS = List.of("DEMO/GOV/1002/ss1", "DEMO/GOV/1001/ss1");
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static DemoNetwork network;
    private static JsonNode description;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws DemoException, IOException {
        network = DemoNetwork.start(dir.resolve("demo"), new DemoPorts(RunningDemo.freeBasePort()),
                new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                new Progress(new PrintWriter(Writer.nullWriter())));
        description = ProtocolJson.mapper().readTree(Files.readString(NetworkFile.write(network)));
    }

    @AfterAll
    static void stop() {
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Order(1)
    void networkJsonAndRegistry_listTheOmbudsmanAndTheUniversityWithAQuorumOfTwoOfThree()
            throws DemoException, IOException, InterruptedException {
        JsonNode witnesses = description.path("witnesses");
        assertEquals(2, witnesses.size(), description.toString());
        DemoPorts ports = network.ports();
        assertEquals(DemoWitness.OMBUDSMAN.keyName(), witnesses.get(0).path("name").asText());
        assertEquals("http://127.0.0.1:" + ports.ombudsmanWitness(), witnesses.get(0).path("url").asText());
        assertEquals("the demo's ombudsman", witnesses.get(0).path("title").path("en").asText());
        assertEquals("thanh tra của mạng demo", witnesses.get(0).path("title").path("vi").asText());
        assertEquals(DemoWitness.UNIVERSITY.keyName(), witnesses.get(1).path("name").asText());
        assertEquals("http://127.0.0.1:" + ports.universityWitness(), witnesses.get(1).path("url").asText());
        assertEquals(ports.base() + 11, ports.ombudsmanWitness(), "the witnesses come after the existing ports");
        for (JsonNode witness : witnesses) {
            HttpResponse<String> served = get(URI.create(witness.path("url").asText() + "/verifier-key"));
            assertEquals(witness.path("verifierKey").asText(), served.body().strip(), "the witness serves its key");
        }

        JsonNode listed = new org.xroadng.cli.demo.JsonApi("registry", network.registryUrl(), network.registryApiKey(),
                http).get("/witnesses");
        assertEquals(2, listed.path("quorum").asInt(), listed.toString());
        Set<String> names = new TreeSet<>();
        listed.path("witnesses").forEach(w -> names.add(w.path("name").asText()));
        assertEquals(new TreeSet<>(Set.of(REGISTRY_WITNESS, DemoWitness.OMBUDSMAN.keyName(),
                DemoWitness.UNIVERSITY.keyName())), names);
    }

    @Test
    @Order(2)
    void bothServersCheckpoints_areCosignedByTheWitnessesAndNetworkJsonsKeysVerifyThem()
            throws IOException, InterruptedException, NoteFormatException, NoteVerificationException {
        exchange();
        List<NoteVerifierKey> keys = new ArrayList<>();
        keys.add(NoteVerifierKey.parse(get(URI.create(network.registryUrl() + "/tlog-witness/verifier-key")).body()));
        for (JsonNode witness : description.path("witnesses")) {
            keys.add(NoteVerifierKey.parse(witness.path("verifierKey").asText()));
        }
        List<URI> checkpointsAt = List.of(URI.create(network.registryUrl() + "/tlog-witness"),
                URI.create(description.path("witnesses").get(0).path("url").asText()),
                URI.create(description.path("witnesses").get(1).path("url").asText()));
        for (String server : SERVERS) {
            String origin = server + "/access-log";
            int cosigned = 0;
            for (int i = 0; i < keys.size(); i++) {
                SignedNote note = awaitCheckpoint(checkpointsAt.get(i), origin);
                assertEquals(origin, Checkpoint.parse(note.text()).origin());
                if (Cosignatures.verify(note, keys.get(i)).isPresent()) {
                    cosigned++;
                }
                for (int j = 0; j < keys.size(); j++) {
                    if (j != i) {
                        assertTrue(Cosignatures.verify(note, keys.get(j)).isEmpty(),
                                "a witness's checkpoint carries its own cosignature only");
                    }
                }
            }
            assertTrue(cosigned >= 2, origin + " cosigned by " + cosigned + " of 3");
            assertEquals(3, cosigned, origin + ": with every witness up, all three cosign");
        }
    }

    @Test
    @Order(3)
    void universityStopped_thePortalStillVerifiesNewRecordsWithTwoOfThree() throws IOException, InterruptedException {
        network.witnesses().get(1).stop();
        String queryId = exchange();

        JsonNode row = portalRow(queryId);
        assertTrue(row.path("verified").asBoolean(), row.toString());
        JsonNode sides = row.path("witnesses");
        assertEquals(2, sides.size(), row.toString());
        for (JsonNode side : sides) {
            assertEquals(2, side.path("quorum").asInt());
            assertEquals(List.of(REGISTRY_WITNESS, DemoWitness.OMBUDSMAN.keyName()), texts(side.path("vouched")),
                    side.toString());
            assertEquals("NO_COSIGNATURE", side.path("missing").path(DemoWitness.UNIVERSITY.keyName()).asText(),
                    side.toString());
        }
    }

    @Test
    @Order(4)
    void ombudsmanAlsoStopped_newRecordsAreNotVerifiedAndThePortalSaysWhoDidNotVouch()
            throws IOException, InterruptedException {
        network.witnesses().get(0).stop();
        String queryId = exchange();

        JsonNode row = portalRow(queryId);
        assertFalse(row.path("verified").asBoolean(), row.toString());
        assertTrue(row.path("reasons").toString().contains("not vouched for by enough witnesses"), row.toString());
        JsonNode sides = row.path("witnesses");
        assertEquals(2, sides.size(), row.toString());
        for (JsonNode side : sides) {
            assertEquals(List.of(REGISTRY_WITNESS), texts(side.path("vouched")), side.toString());
            assertEquals(Map.of(DemoWitness.OMBUDSMAN.keyName(), "NO_COSIGNATURE", DemoWitness.UNIVERSITY.keyName(),
                    "NO_COSIGNATURE"), ProtocolJson.mapper().convertValue(side.path("missing"), Map.class));
        }

        String page = portalPage("en");
        assertTrue(page.contains("is not verified yet: only 1 of the 2 witness countersignatures required are on its"
                + " checkpoint."), page);
        assertTrue(page.contains("✗ " + DemoWitness.UNIVERSITY.keyName() + " did not vouch for it"), page);
        assertTrue(page.contains("✗ " + DemoWitness.OMBUDSMAN.keyName() + " did not vouch for it"), page);
        String vietnamese = portalPage("vi");
        assertTrue(vietnamese.contains("✗ " + DemoWitness.OMBUDSMAN.keyName() + " chưa bảo chứng"), vietnamese);
        assertTrue(vietnamese.contains("chưa được xác minh: điểm kiểm tra của bản ghi mới có 1 trên 2 chữ ký xác nhận"),
                vietnamese);
    }

    /** The tax board reads the demo citizen through its client proxy; returns the exchange's query id. */
    private String exchange() throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(network.consumer().clientProxyUrl()
                        + "/r1/DEMO/GOV/1001/population/person/" + DemoCast.CITIZEN))
                .header("X-Road-Client", DemoCast.TAX.format()).header("X-Road-Purpose", DemoCast.TAX_PURPOSE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.headers().firstValue("X-Road-Id").orElseThrow();
    }

    /** The latest checkpoint a witness cosigned for {@code origin}, once it has one. */
    private SignedNote awaitCheckpoint(URI witness, String origin)
            throws IOException, InterruptedException, NoteFormatException {
        URI uri = URI.create(witness + "/checkpoint?origin=" + URLEncoder.encode(origin, StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(WITHIN);
        HttpResponse<String> answer = get(uri);
        while (answer.statusCode() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            answer = get(uri);
        }
        assertEquals(200, answer.statusCode(), uri + ": " + answer.body());
        return SignedNote.parse(answer.body());
    }

    /** The portal's row for the exchange {@code queryId}, asked as the demo citizen. */
    private JsonNode portalRow(String queryId) throws IOException, InterruptedException {
        JsonNode events = ProtocolJson.mapper().readTree(http.send(HttpRequest.newBuilder(
                        URI.create(description.path("portal").path("url").asText() + "/api/v1/events"))
                .header("Authorization", "Bearer " + idToken()).build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode row : events.path("events")) {
            if (queryId.equals(row.path("queryId").asText())) {
                return row;
            }
        }
        throw new AssertionError("no row for exchange " + queryId + " in " + events);
    }

    /** The citizen's view as the page shows it, in {@code language}. */
    private String portalPage(String language) throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(description.path("portal")
                        .path("url").asText() + "/page/events?lang=" + language + "&tz=UTC"))
                .header("Authorization", "Bearer " + idToken()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        return page.body().replace("&#39;", "'");
    }

    private String idToken() throws IOException, InterruptedException {
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(description.path("portal")
                        .path("identityProvider").asText() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("sub=" + DemoCast.CITIZEN)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        return ProtocolJson.mapper().readTree(token.body()).path("id_token").asText();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
