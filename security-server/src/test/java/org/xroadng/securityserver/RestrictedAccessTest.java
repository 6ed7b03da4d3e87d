package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.auditlog.portal.AnswerVerifier;
import org.xroadng.auditlog.portal.PersonalCode;
import org.xroadng.auditlog.portal.SideRecord;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalConfiguration;

/**
 * Restricted accesses on real servers (DESIGN.md section 7, docs/citizens.md): the consumer IS asks
 * with {@code X-Road-Restriction}, the provider's server holds it to the access right's maximum,
 * both servers log a stub committing to the whole event, the inspector reads it whole (and that
 * reading is logged), and on its date the accessLog service reveals it and the portal's check
 * verifies it against the commitment logged before.
 */
class RestrictedAccessTest {

    private static final String CITIZEN = "EE38001010001";
    private static final String LEGAL_BASIS = "CPC-2015-art.88";
    /** The subject of the flow test, whom no other test reads. */
    private static final String SUSPECT = "EE47101010033";

    @TempDir
    static Path dir;

    static TestNetwork network;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws org.xroadng.certs.ca.CaException, java.security.cert.CertificateException, IOException,
            java.security.KeyStoreException, java.security.NoSuchAlgorithmException,
            org.xroadng.protocol.jws.SigningException, java.security.UnrecoverableKeyException {
        network = TestNetwork.withRestrictedAccesses(dir);
        LocalConfiguration conf = network.providerConf.get();
        // the tax board's right allows restricting its accesses for up to 30 days, as a tax investigation
        network.providerConf.set(new LocalConfiguration(conf.serverId(), conf.clients(), conf.services(),
                List.of(new AccessRight(TestNetwork.PERSON, new AccessRight.SubsystemSubject(TestNetwork.TAX), "*", "/**",
                        Set.of("tax-assessment"), new AccessRight.RestrictionAllowance("tax-investigation", 30))),
                conf.localGroups()));
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @BeforeEach
    void reset() {
        network.providerIs.resetAll();
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/" + CITIZEN)).willReturn(aResponse()
                .withStatus(200).withBody("{\"name\":\"An\"}")));
    }

    private HttpResponse<String> taxReads(String queryId, String restriction) throws IOException, InterruptedException {
        return taxReads(CITIZEN, queryId, restriction);
    }

    private HttpResponse<String> taxReads(String subject, String queryId, String restriction)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/"
                        + subject)).header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Subject", subject).header("X-Road-Id", queryId);
        if (restriction != null) {
            request.header("X-Road-Restriction", restriction);
        }
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private AccessLogAnswer providerAnswer(String subject) throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        HttpResponse<byte[]> response = is.send(HttpRequest.newBuilder(network.consumerUri(
                "/r1/DEMO/GOV/1001/population/accessLog?subject=" + subject)).header("X-Road-Client", "DEMO/GOV/1000/portal")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return AccessLogAnswerCodec.read(response.body());
    }

    private static String text(byte[] entry) {
        return new String(entry, StandardCharsets.UTF_8);
    }

    @Test
    void restrictedAccess_stubBeforeTheDate_inspectorReadsItWholeLogged_revealedOnTheDateVerifies() throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        Instant disclose = Instant.now().plus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.SECONDS);
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();

        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/" + SUSPECT)).willReturn(aResponse()
                .withStatus(200).withBody("{\"name\":\"Binh\"}")));
        HttpResponse<String> response = taxReads(SUSPECT, "restricted-1", LEGAL_BASIS + ";disclose=" + disclose);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(LEGAL_BASIS + ";disclose=" + disclose + ";authority=tax-investigation",
                response.headers().firstValue("X-Road-Restriction").orElse(null), "the restriction as both logged it");
        network.providerIs.verify(getRequestedFor(urlPathEqualTo("/person-api/" + SUSPECT))
                .withHeader("X-Road-Restriction", equalTo(LEGAL_BASIS + ";disclose=" + disclose)));
        // both sides' logs count the access from the first second, as a stub without its details
        assertEquals(consumerBefore + 1, network.consumerAccessLog.merkleLog().size());
        assertEquals(providerBefore + 1, network.providerAccessLog.merkleLog().size());
        for (String stub : List.of(text(network.consumerAccessLog.merkleLog().entry(consumerBefore)),
                text(network.providerAccessLog.merkleLog().entry(providerBefore)))) {
            assertTrue(stub.contains("\"restricted\":{\"authority\":\"tax-investigation\",\"commitment\":\""), stub);
            assertTrue(stub.contains("\"disclose\":\"" + disclose + "\",\"legalBasis\":\"" + LEGAL_BASIS + "\""), stub);
            assertFalse(stub.contains("DEMO/GOV/1002/tax") || stub.contains("/person/") || stub.contains("restricted-1"),
                    "no details before the date: " + stub);
        }

        // the citizen's portal before the date: the stub, proved in the witnessed tree, without details
        AccessLogAnswer before = providerAnswer(SUSPECT);
        AccessLogAnswer.Entry entry = before.events().stream().filter(e -> RestrictedAccess.isStub(e.event()))
                .findFirst().orElseThrow();
        assertNull(entry.reveal());
        SideRecord sealed = restricted(verify(before, network.providerClock));
        assertEquals(SideRecord.Status.SEALED, sealed.restricted().status());
        assertTrue(sealed.verified(), sealed.reason());
        assertNull(sealed.client());

        // the inspector reads it whole now, and the reading is itself an access event naming the citizen
        long readingsBefore = network.providerAccessLog.merkleLog().size();
        List<SealedEvents.Sealed> read = network.providerPlane.restrictedAccesses().orElseThrow()
                .read("inspector-hoa", SUSPECT);
        assertEquals(1, read.size());
        assertEquals("DEMO/GOV/1002/tax", read.get(0).event().get("client"));
        assertEquals("restricted-1", read.get(0).event().get("queryId"));
        assertEquals(readingsBefore + 1, network.providerAccessLog.merkleLog().size());
        String reading = text(network.providerAccessLog.merkleLog().entry(readingsBefore));
        assertTrue(reading.contains("\"side\":\"oversight\"") && reading.contains("\"userId\":\"inspector-hoa\"")
                && reading.contains("\"purpose\":\"oversight\"") && reading.contains("\"subjects\":[\"" + SUSPECT + "\"]")
                && reading.contains("\"path\":\"/" + read.get(0).eventId() + "\""), reading);
        assertEquals(List.of(), network.providerPlane.restrictedAccesses().orElseThrow().read("inspector-hoa",
                "EE49002020000"), "another subject's: none, and nothing logged");
        assertEquals(readingsBefore + 1, network.providerAccessLog.merkleLog().size());

        // on the date the server reveals it; the portal verifies it against the commitment logged before
        network.providerClock.advance(Duration.ofMinutes(3));
        try {
            AccessLogAnswer after = providerAnswer(SUSPECT);
            AccessLogAnswer.Entry revealed = after.events().stream().filter(e -> RestrictedAccess.isStub(e.event()))
                    .findFirst().orElseThrow();
            assertNotNull(revealed.reveal(), "revealed on its date");
            assertEquals(entry.event(), revealed.event(), "the stub itself never changes");
            SideRecord whole = restricted(verify(after, network.providerClock));
            assertEquals(SideRecord.Status.DISCLOSED, whole.restricted().status());
            assertTrue(whole.verified(), whole.reason());
            assertEquals("DEMO/GOV/1002/tax", whole.client());
            assertEquals("restricted-1", whole.queryId());
            assertTrue(network.providerPlane.restrictedAccesses().orElseThrow().read("inspector-hoa", SUSPECT).isEmpty(),
                    "disclosed: no longer restricted");
        } finally {
            network.providerClock.advance(Duration.ofMinutes(-3));
        }
    }

    @Test
    void restrictionBeyondTheRightsMaximum_refused403WithTheReason_consumerLogsTheAttemptRestricted() throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();
        Instant tooLate = Instant.now().plus(Duration.ofDays(45)).truncatedTo(ChronoUnit.SECONDS);

        HttpResponse<String> response = taxReads("too-late-1", LEGAL_BASIS + ";disclose=" + tooLate);

        assertEquals(403, response.statusCode(), response.body());
        assertEquals("Client.RestrictionNotAllowed", response.headers().firstValue("X-Road-Error").orElse(null));
        assertTrue(response.body().contains("more than the 30 days the access right allows"), response.body());
        network.providerIs.verify(0, getRequestedFor(urlPathEqualTo("/person-api/" + CITIZEN)));
        assertEquals(providerBefore, network.providerAccessLog.merkleLog().size());
        assertEquals(consumerBefore + 1, network.consumerAccessLog.merkleLog().size());
        String attempt = text(network.consumerAccessLog.merkleLog().entry(consumerBefore));
        assertTrue(attempt.contains("\"authority\":\"unconfirmed\""), "restricted although refused: " + attempt);
        assertFalse(attempt.contains("too-late-1"), attempt);
    }

    @Test
    void restrictionByAClientWhoseRightAllowsNone_refused403() throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        LocalConfiguration conf = network.providerConf.get();
        network.providerConf.set(new LocalConfiguration(conf.serverId(), conf.clients(), conf.services(),
                List.of(new AccessRight(TestNetwork.PERSON, new AccessRight.SubsystemSubject(TestNetwork.TAX), "*", "/**",
                        Set.of("tax-assessment"))), conf.localGroups()));
        try {
            HttpResponse<String> response = taxReads("no-right-1", LEGAL_BASIS + ";disclose=2099-01-01");
            assertEquals(403, response.statusCode(), response.body());
            assertTrue(response.body().contains("no access right of its to DEMO/GOV/1001/population/person allows"
                    + " restricting"), response.body());
        } finally {
            network.providerConf.set(conf);
        }
    }

    @Test
    void malformedRestriction_refused400AtTheConsumersServer_nothingLogged() throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        for (String malformed : List.of("CPC-2015;disclose=tomorrow", "CPC 2015;disclose=2099-01-01", "CPC-2015",
                "CPC-2015;disclose=2099-01-01;authority=police", "CPC-2015;until=2099-01-01")) {
            HttpResponse<String> response = taxReads("malformed-1", malformed);
            assertEquals(400, response.statusCode(), malformed + ": " + response.body());
            assertEquals("Client.InvalidHeader", response.headers().firstValue("X-Road-Error").orElse(null));
            assertTrue(response.body().contains("X-Road-Restriction"), response.body());
        }
        assertEquals(consumerBefore, network.consumerAccessLog.merkleLog().size());
        network.providerIs.verify(0, getRequestedFor(urlPathEqualTo("/person-api/" + CITIZEN)));
    }

    @Test
    void providerIsMarksTheAnswerRestricted_withinTheRight_bothSidesLogStubs() throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        Instant disclose = Instant.now().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/" + CITIZEN)).willReturn(aResponse()
                .withStatus(200).withHeader("X-Road-Restriction", "AML-2022-art.34;disclose=" + disclose)
                .withBody("{}")));
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();

        HttpResponse<String> response = taxReads("provider-marked-1", null);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("AML-2022-art.34;disclose=" + disclose + ";authority=tax-investigation",
                response.headers().firstValue("X-Road-Restriction").orElse(null));
        for (String stub : List.of(text(network.consumerAccessLog.merkleLog().entry(consumerBefore)),
                text(network.providerAccessLog.merkleLog().entry(providerBefore)))) {
            assertTrue(stub.contains("\"legalBasis\":\"AML-2022-art.34\"") && !stub.contains("provider-marked-1"), stub);
        }
    }

    @Test
    void providerIsMarkingBeyondTheRight_answerWithheldAsAFailedService() throws IOException, InterruptedException, org.xroadng.protocol.accesslog.AccessLogFormatException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/" + CITIZEN)).willReturn(aResponse()
                .withStatus(200).withHeader("X-Road-Restriction", "AML-2022-art.34;disclose=2099-01-01")
                .withBody("{}")));
        HttpResponse<String> response = taxReads("provider-marked-2", null);
        assertEquals(500, response.statusCode(), response.body());
        assertEquals("Server.ServerProxy.ServiceFailed", response.headers().firstValue("X-Road-Error").orElse(null));
        assertTrue(response.body().contains("beyond what the access right allows"), response.body());
    }

    private static AnswerVerifier.Result verify(AccessLogAnswer answer, java.time.Clock clock) {
        return new AnswerVerifier(network.witness, clock).verify(answer.server(), new PersonalCode(answer.subject()),
                answer);
    }

    private static SideRecord restricted(AnswerVerifier.Result result) {
        assertTrue(result.problems().isEmpty(), result.problems().toString());
        return result.records().stream().filter(r -> r.restricted() != null).findFirst().orElseThrow();
    }

}
