package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
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
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.protocol.jws.SigningException;

/**
 * Access events on both sides of real exchanges, checkpoints signed by the owner's key and
 * witnessed, and the reserved accessLog service answering with proofs, only to citizen portals.
 */
class AccessLogServiceTest {

    private static final String CITIZEN = "EE38001010001";

    @TempDir
    static Path dir;

    static TestNetwork network;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir);
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @BeforeEach
    void reset() {
        network.providerIs.resetAll();
        network.witness.down = false;
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/" + CITIZEN)).willReturn(aResponse()
                .withStatus(200).withHeader("X-Road-Data-Subject", CITIZEN + ",EE49002020000").withBody("{}")));
    }

    private HttpResponse<String> taxReadsCitizen(String queryId) throws IOException, InterruptedException {
        return is.send(HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/" + CITIZEN))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Subject", CITIZEN).header("X-Road-Id", queryId).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> accessLog(String client, String subsystemPath, String query)
            throws IOException, InterruptedException {
        return is.send(HttpRequest.newBuilder(network.consumerUri("/r1/" + subsystemPath + "/accessLog" + query))
                .header("X-Road-Client", client).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void verify(AccessLogAnswer answer) throws AccessLogFormatException, ProofVerificationException {
        Checkpoint checkpoint = CheckpointCodec.unverifiedCheckpoint(answer.checkpoint());
        for (AccessLogAnswer.Entry entry : answer.events()) {
            assertNotNull(entry.proof(), "event " + entry.index() + " is covered by the checkpoint");
            ProofVerifier.verifyInclusion(entry.index(), checkpoint.size(), MerkleHashes.leafHash(entry.leaf()),
                    entry.proof().stream().map(h -> Checkpoint.decodeHash(h, "proof")).toList(),
                    checkpoint.rootHashBytes());
        }
    }

    @Test
    void exchangeNamingSubject_eventOnBothSidesAndProviderDataSubjectStripped() throws IOException, InterruptedException {
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();

        HttpResponse<String> response = taxReadsCitizen("both-sides-1");

        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.headers().firstValue("X-Road-Data-Subject").isPresent(), "stripped by the provider server");
        assertEquals(consumerBefore + 1, network.consumerAccessLog.merkleLog().size());
        assertEquals(providerBefore + 1, network.providerAccessLog.merkleLog().size());
        String consumerEvent = new String(network.consumerAccessLog.merkleLog().entry(consumerBefore), StandardCharsets.UTF_8);
        String providerEvent = new String(network.providerAccessLog.merkleLog().entry(providerBefore), StandardCharsets.UTF_8);
        assertTrue(consumerEvent.contains("\"side\":\"consumer\"") && consumerEvent.contains("\"queryId\":\"both-sides-1\""),
                consumerEvent);
        assertTrue(consumerEvent.contains("\"subjects\":[\"" + CITIZEN + "\",\"EE49002020000\"]"), consumerEvent);
        assertTrue(providerEvent.contains("\"side\":\"provider\"") && providerEvent.contains("\"purpose\":\"tax-assessment\""),
                providerEvent);
        assertTrue(providerEvent.contains("\"subjects\":[\"" + CITIZEN + "\",\"EE49002020000\"]"), providerEvent);
    }

    @Test
    void providerIsNamingDataSubject_headerNeverLeavesTheProviderServer() throws CertificateEncodingException,
            ExecutionException, InterruptedException, com.fasterxml.jackson.core.JsonProcessingException,
            org.xroadng.certs.ocsp.OcspException, SigningException {
        network.providerIs.stubFor(post(urlPathEqualTo("/person-api/x")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Road-Data-Subject", CITIZEN).withBody("{}")));
        long providerBefore = network.providerAccessLog.merkleLog().size();
        Forger forger = new Forger(network, network.consumer);
        var key = network.consumer.signingKey(TestNetwork.TAX_MEMBER).orElseThrow();
        String signature = forger.sign(forger.digest("/x", "q".getBytes(StandardCharsets.UTF_8)), key.key(),
                key.chain().get(0));

        // what the provider's server proxy sends to the consumer's server, read on the wire
        var answer = forger.send("/x", "DEMO/GOV/1002/tax", signature, "q".getBytes(StandardCharsets.UTF_8));

        assertEquals(200, answer.status(), new String(answer.body(), StandardCharsets.UTF_8));
        assertTrue(answer.header("X-Road-Data-Subject").isEmpty(), answer.headers().toString());
        assertEquals(providerBefore + 1, network.providerAccessLog.merkleLog().size());
        String event = new String(network.providerAccessLog.merkleLog().entry(providerBefore), StandardCharsets.UTF_8);
        assertTrue(event.contains("\"subjects\":[\"" + CITIZEN + "\"]"), event);
    }

    @Test
    void subjectNamedOnlyByTheProvidersIs_recordedOnBothSidesFromTheSignedAnswer() throws IOException,
            InterruptedException {
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();

        HttpResponse<String> response = taxReads(CITIZEN, null);

        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.headers().firstValue("X-Road-Data-Subject").isPresent());
        assertEquals(consumerBefore + 1, network.consumerAccessLog.merkleLog().size(), "the consumer's record");
        assertEquals(providerBefore + 1, network.providerAccessLog.merkleLog().size(), "the provider's record");
        String consumerEvent = new String(network.consumerAccessLog.merkleLog().entry(consumerBefore), StandardCharsets.UTF_8);
        assertTrue(consumerEvent.contains("\"side\":\"consumer\"")
                && consumerEvent.contains("\"subjects\":[\"" + CITIZEN + "\",\"EE49002020000\"]"), consumerEvent);
    }

    @Test
    void providerIsNamingAMalformedSubject_answerWithheldAsServiceFailedAndNothingRecorded() throws IOException,
            InterruptedException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/bad-subject")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Road-Data-Subject", CITIZEN).withHeader("X-Road-Data-Subject", "not a code!")
                .withBody("{\"name\":\"Mari\"}")));
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();

        HttpResponse<String> response = taxReads("bad-subject", null);

        assertEquals(500, response.statusCode(), response.body());
        assertEquals("Server.ServerProxy.ServiceFailed", response.headers().firstValue("X-Road-Error").orElse(""));
        assertTrue(response.body().contains("X-Road-Data-Subject contains 'not a code!'") && !response.body().contains("Mari"),
                response.body());
        assertEquals(consumerBefore, network.consumerAccessLog.merkleLog().size());
        assertEquals(providerBefore, network.providerAccessLog.merkleLog().size());
    }

    @Test
    void personalDataServiceAnsweringWithoutSubject_isWithheldAndNamingOneReleasesIt()
            throws IOException, InterruptedException {
        LocalConfiguration before = network.providerConf.get();
        ServiceId person = TestNetwork.PERSON;
        LocalService plain = before.service(person).orElseThrow();
        Map<ServiceId, LocalService> services = new HashMap<>(before.services());
        services.put(person, new LocalService(person, plain.url(), plain.timeout(), true, true));
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/anonymous")).willReturn(aResponse().withStatus(200)
                .withBody("{\"name\":\"Mari\"}")));
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/missing")).willReturn(aResponse().withStatus(404)
                .withBody("{}")));
        long providerBefore = network.providerAccessLog.merkleLog().size();
        try {
            network.providerConf.set(new LocalConfiguration(before.serverId(), before.clients(), services,
                    before.accessRights(), before.localGroups()));

            HttpResponse<String> withheld = taxReads("anonymous", null);
            HttpResponse<String> notFound = taxReads("missing", null);
            HttpResponse<String> namedByConsumer = taxReads("anonymous", CITIZEN);
            HttpResponse<String> namedByProvider = taxReadsCitizen("personal-data-1");

            assertEquals(500, withheld.statusCode(), withheld.body());
            assertEquals("Server.ServerProxy.DataSubjectMissing", withheld.headers().firstValue("X-Road-Error").orElse(""));
            assertTrue(withheld.body().contains("serves personal data") && !withheld.body().contains("Mari"),
                    withheld.body());
            assertEquals(404, notFound.statusCode(), "an unsuccessful answer names no one and passes");
            assertEquals(200, namedByConsumer.statusCode(), namedByConsumer.body());
            assertEquals(200, namedByProvider.statusCode(), namedByProvider.body());
            assertEquals(providerBefore + 2, network.providerAccessLog.merkleLog().size(),
                    "the two released answers are on record, the withheld one is not");
        } finally {
            network.providerConf.set(before);
        }
    }

    private HttpResponse<String> taxReads(String path, String subject) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/"
                + path)).header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment");
        if (subject != null) {
            request.header("X-Road-Subject", subject);
        }
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void refusedAttemptNamingSubject_consumerRecordsItAsRefusedProviderRecordsNothing()
            throws IOException, InterruptedException {
        long consumerBefore = network.consumerAccessLog.merkleLog().size();
        long providerBefore = network.providerAccessLog.merkleLog().size();

        HttpResponse<String> response = is.send(HttpRequest.newBuilder(network.consumerUri(
                        "/r1/DEMO/GOV/1001/population/person/" + CITIZEN))
                .header("X-Road-Client", "DEMO/COM/2001/loans").header("X-Road-Purpose", "credit-check")
                .header("X-Road-Subject", CITIZEN).header("X-Road-Id", "refused-1").build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(500, response.statusCode(), response.body());
        assertEquals("Server.ServerProxy.AccessDenied", response.headers().firstValue("X-Road-Error").orElse(""));
        assertEquals(consumerBefore + 1, network.consumerAccessLog.merkleLog().size());
        assertEquals(providerBefore, network.providerAccessLog.merkleLog().size(),
                "the provider's server refused before authenticating the request: it records nothing");
        String event = new String(network.consumerAccessLog.merkleLog().entry(consumerBefore), StandardCharsets.UTF_8);
        assertTrue(event.contains("\"outcome\":\"refused Server.ServerProxy.AccessDenied\""), event);
        assertTrue(event.contains("\"client\":\"DEMO/COM/2001/loans\"") && event.contains("\"queryId\":\"refused-1\""),
                event);
        assertTrue(event.contains("\"purpose\":\"credit-check\""), event);
    }

    @Test
    void portalReadsProviderLog_eventsWithProofsAgainstWitnessedCheckpoint() throws IOException, InterruptedException,
            AccessLogFormatException, ProofVerificationException, WitnessException {
        taxReadsCitizen("portal-1");

        HttpResponse<byte[]> response = accessLog("DEMO/GOV/1000/portal", "DEMO/GOV/1001/population",
                "?subject=" + CITIZEN);

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        AccessLogAnswer answer = AccessLogAnswerCodec.read(response.body());
        assertEquals(network.provider.serverId(), answer.server());
        assertEquals(CITIZEN, answer.subject());
        assertTrue(answer.events().stream().anyMatch(e -> "portal-1".equals(e.event().get("queryId"))));
        assertTrue(answer.events().stream().allMatch(e -> ((List<?>) e.event().get("subjects")).contains(CITIZEN)));
        verify(answer);
        Checkpoint checkpoint = CheckpointCodec.unverifiedCheckpoint(answer.checkpoint());
        assertEquals(network.provider.serverId(), checkpoint.origin());
        assertEquals(checkpoint.rootHash(), network.witness.atSize(network.provider.serverId(), checkpoint.size())
                .orElseThrow().rootHash(), "the checkpoint handed out is the witnessed one");
    }

    @Test
    void portalReadsConsumerLogThroughItsOwnServer_consumerSideEvents() throws IOException, InterruptedException,
            AccessLogFormatException, ProofVerificationException {
        taxReadsCitizen("own-server-1");

        HttpResponse<byte[]> response = accessLog("DEMO/GOV/1000/portal", "DEMO/GOV/1002/tax", "?subject=" + CITIZEN);

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        AccessLogAnswer answer = AccessLogAnswerCodec.read(response.body());
        assertEquals(network.consumer.serverId(), answer.server());
        assertTrue(answer.events().stream().anyMatch(e -> "own-server-1".equals(e.event().get("queryId"))
                && "consumer".equals(e.event().get("side"))));
        verify(answer);
    }

    @Test
    void anotherSubject_seesNoneOfTheCitizensEvents() throws IOException, InterruptedException, AccessLogFormatException {
        taxReadsCitizen("other-1");

        AccessLogAnswer answer = AccessLogAnswerCodec.read(accessLog("DEMO/GOV/1000/portal", "DEMO/GOV/1001/population",
                "?subject=EE11111111111").body());

        assertEquals(List.of(), answer.events());
    }

    @Test
    void clientNotInCitizenPortals_accessDenied() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = accessLog("DEMO/GOV/1002/tax", "DEMO/GOV/1001/population", "?subject=" + CITIZEN);

        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(500, response.statusCode(), body);
        assertEquals("Server.ServerProxy.AccessDenied", response.headers().firstValue("X-Road-Error").orElse(""), body);
        assertTrue(body.contains("citizen-portals"), body);
    }

    @Test
    void malformedSubjectOrExtraParameters_400WithMessage() throws IOException, InterruptedException {
        for (String query : new String[] {"", "?subject=", "?subject=EE1&subject=EE2", "?who=EE1", "?subject=a%20b"}) {
            HttpResponse<byte[]> response = accessLog("DEMO/GOV/1000/portal", "DEMO/GOV/1001/population", query);
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertEquals(400, response.statusCode(), query + ": " + body);
            assertTrue(body.contains("subject"), body);
        }
    }

    @Test
    void witnessDown_newEventsComeWithoutProofButStillListed() throws IOException, InterruptedException,
            AccessLogFormatException {
        network.witness.down = true;
        taxReadsCitizen("witness-down-1");

        AccessLogAnswer answer = AccessLogAnswerCodec.read(accessLog("DEMO/GOV/1000/portal", "DEMO/GOV/1001/population",
                "?subject=" + CITIZEN).body());

        AccessLogAnswer.Entry entry = answer.events().stream()
                .filter(e -> "witness-down-1".equals(e.event().get("queryId"))).findFirst().orElseThrow();
        assertNull(entry.proof(), "not covered by any witnessed checkpoint");
    }

    @Test
    void checkpointSignedByOwnerKeyAndTimestamped() throws IOException, InterruptedException, AccessLogFormatException,
            org.xroadng.protocol.jws.JwsVerificationException, org.xroadng.certs.tsa.TimestampException,
            NoSuchAlgorithmException {
        taxReadsCitizen("signed-1");
        AccessLogAnswer answer = AccessLogAnswerCodec.read(accessLog("DEMO/GOV/1000/portal", "DEMO/GOV/1001/population",
                "?subject=" + CITIZEN).body());

        var jws = new org.xroadng.protocol.jws.JwsVerifier(network.bc).verify(answer.checkpoint());
        assertEquals(network.populationCertificate.certificate(), jws.signer());
        assertTrue(((String) jws.param("ocsp")).length() > 100, "carries the signing certificate's OCSP response");
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(answer.checkpoint().getBytes(StandardCharsets.US_ASCII));
        new org.xroadng.certs.tsa.TimestampVerifier(network.bc).verify(
                java.util.Base64.getDecoder().decode(answer.checkpointTimestamp()), digest, network.ca.tsaCertificate());
        Map<String, Object> first = answer.events().get(0).event();
        assertTrue(first.containsKey("requestHash") && first.containsKey("eventId"), first.toString());
    }
}
