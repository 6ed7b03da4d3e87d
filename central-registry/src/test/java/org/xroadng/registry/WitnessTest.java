package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointRequest;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.tsa.TimeStampAuthority;
import org.xroadng.certs.tsa.TimestampClient;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.WitnessClient;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.registry.RegistryFixture.Answer;
import org.xroadng.registry.TrustedRegistry.Credential;
import org.xroadng.registry.witness.CheckpointWitness;

/**
 * The checkpoint witness over HTTP against a running registry, with a real CA, OCSP responder and
 * TSA: access logs are {@link InMemoryMerkleLog}s, checkpoints are signed by the owner's signing
 * key with a fresh OCSP response and time-stamped by the running TSA. Accepted histories, then
 * every refusal, each leaving the witness's state as it was and a line in the admin audit trail.
 */
class WitnessTest {

    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final MemberId OTHER = MemberId.parse("DEMO/GOV/1002");
    static final SecurityServerId SERVER = OWNER.server("ss2");

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T09:00:00Z"));
    private TrustedRegistry trusted;
    RegistryFixture registry;
    WitnessClient witness;
    Credential owner;

    /** Where the tables are: H2 files here, a PostgreSQL database in {@link WitnessPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void start() throws CaException, CertificateEncodingException, IOException, OcspException, RegistryException,
            SigningException, TokenException {
        trusted = new TrustedRegistry(dir, clock, storage(), OWNER.format(), "Population Registry", OTHER.format(),
                "Tax Board");
        registry = trusted.registry;
        witness = new WitnessClient(registry.base, HttpClient.newHttpClient(), Duration.ofSeconds(10));
        owner = trusted.credential(CertificateProfile.SIGN, OWNER);
        trusted.register(SERVER, owner);
    }

    @AfterEach
    void stop() {
        trusted.close();
    }

    // --- accepted histories ---

    @Test
    void firstCheckpoint_isStoredWith201AndAnsweredAsLatest() throws IOException, WitnessException {
        MerkleLog log = log(3);
        CheckpointSubmission submission = submission(log, 0, owner, SERVER);

        Answer answer = post(submission);

        assertEquals(201, answer.status(), answer.raw().body());
        assertEquals(AccessLogProtocol.WITNESS_PATH + "/" + SERVER.format() + "?size=3",
                answer.raw().headers().firstValue("Location").orElse(""));
        WitnessedCheckpoint latest = witness.latest(SERVER).orElseThrow();
        assertEquals(3, latest.size());
        assertEquals(Checkpoint.encodeHash(log.root()), latest.rootHash());
        assertEquals(submission.checkpoint(), latest.checkpoint());
        assertEquals(submission.timestamp(), latest.timestamp());
        assertEquals(clock.instant(), latest.witnessedAt());
        assertTrue(audited("success", "first checkpoint accepted: size 3"), auditTrail().toString());
    }

    @Test
    void laterCheckpointWithValidConsistencyProof_isAcceptedAndEverySizeIsAnswered() throws WitnessException {
        MerkleLog log = log(3);
        WitnessedCheckpoint first = witness.submit(submission(log, 0, owner, SERVER));
        append(log, 4);
        clock.advance(Duration.ofMinutes(1));

        WitnessedCheckpoint second = witness.submit(submission(log, 3, owner, SERVER));

        assertEquals(7, second.size());
        assertEquals(Checkpoint.encodeHash(log.root()), second.rootHash());
        assertEquals(second, witness.latest(SERVER).orElseThrow());
        assertEquals(first, witness.atSize(SERVER, 3).orElseThrow());
        assertEquals(second, witness.atSize(SERVER, 7).orElseThrow());
        assertEquals(Optional.empty(), witness.atSize(SERVER, 5));
        assertEquals(2, storedCount());
    }

    @Test
    void sameCheckpointAgain_answers200WithTheStoredOneAndStoresNothing() throws IOException, WitnessException {
        CheckpointSubmission submission = submission(log(5), 0, owner, SERVER);
        Answer first = post(submission);
        clock.advance(Duration.ofMinutes(1));

        Answer again = post(new CheckpointSubmission(submission.checkpoint(), submission.timestamp(), 5, List.of()));

        assertEquals(201, first.status(), first.raw().body());
        assertEquals(200, again.status(), again.raw().body());
        assertEquals(first.raw().body(), again.raw().body());
        assertEquals(1, storedCount());
        assertEquals(clock.instant().minus(Duration.ofMinutes(1)), witness.latest(SERVER).orElseThrow().witnessedAt());
    }

    @Test
    void anchoredClient_readsAnswersSignedByTheConfigurationKey() throws WitnessException, IOException,
            InterruptedException {
        MerkleLog log = log(4);
        WitnessedCheckpoint submitted = witness.submit(submission(log, 0, owner, SERVER));
        org.xroadng.protocol.globalconf.Anchor anchor = registry.home.anchor();
        WitnessClient anchored = WitnessClient.forAnchor(new org.xroadng.protocol.globalconf.Anchor(anchor.instance(),
                URI.create(registry.base + "/globalconf"), anchor.configurationSigningCertificate()), trusted.bc);

        assertEquals(submitted, anchored.latest(SERVER).orElseThrow());
        assertEquals(submitted, anchored.atSize(SERVER, 4).orElseThrow());
        assertEquals(Optional.empty(), anchored.atSize(SERVER, 3));
        java.net.http.HttpResponse<String> raw = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create(registry.base + "/witness/checkpoints/" + SERVER.format()))
                .header("Accept", WitnessClient.SIGNED_MEDIA_TYPE).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(WitnessClient.SIGNED_MEDIA_TYPE, raw.headers().firstValue("Content-Type").orElse(""));
        assertEquals(3, raw.body().split("\\.").length, raw.body());
    }

    @Test
    void answerUnsignedOrSignedByAnotherKey_refusedByTheAnchoredClient() throws WitnessException, IOException,
            SigningException {
        WitnessedCheckpoint real = witness.submit(submission(log(4), 0, owner, SERVER));
        byte[] json = CheckpointCodec.witnessed(real);
        String forged = owner.signer().sign(json);
        java.util.concurrent.atomic.AtomicReference<byte[]> answer = new java.util.concurrent.atomic.AtomicReference<>();
        try (org.xroadng.protocol.http.HttpApiServer standIn = org.xroadng.protocol.http.HttpApiServer.builder("stand-in")
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .route("GET", AccessLogProtocol.WITNESS_PATH + "/{id...}", call -> org.xroadng.protocol.http.HttpReply.of(
                        200, WitnessClient.SIGNED_MEDIA_TYPE, answer.get()))
                .start()) {
            org.xroadng.protocol.globalconf.Anchor real0 = registry.home.anchor();
            WitnessClient anchored = WitnessClient.forAnchor(new org.xroadng.protocol.globalconf.Anchor(
                    real0.instance(), URI.create(standIn.baseUri() + "/globalconf"),
                    real0.configurationSigningCertificate()), trusted.bc);

            answer.set(json);
            WitnessException unsigned = assertThrows(WitnessException.class, () -> anchored.atSize(SERVER, 4));
            answer.set(forged.getBytes(StandardCharsets.US_ASCII));
            WitnessException otherKey = assertThrows(WitnessException.class, () -> anchored.atSize(SERVER, 4));

            assertTrue(unsigned.getMessage().contains("without a valid registry signature"), unsigned.getMessage());
            assertTrue(otherKey.getMessage().contains("not by the configuration signing certificate"),
                    otherKey.getMessage());
        }
    }

    @Test
    void unknownServer_answers404AndMalformedIdOrSize400() throws WitnessException {
        assertEquals(Optional.empty(), witness.latest(SERVER));
        assertEquals(Optional.empty(), witness.atSize(SERVER, 1));
        Answer badId = registry.call("GET", AccessLogProtocol.WITNESS_PATH + "/DEMO/GOV/1001", null, null);
        Answer badSize = registry.call("GET", AccessLogProtocol.WITNESS_PATH + "/" + SERVER.format() + "?size=-1",
                null, null);

        assertEquals(400, badId.status(), badId.raw().body());
        assertEquals(400, badSize.status(), badSize.raw().body());
        assertTrue(badSize.message().contains("size"), badSize.message());
    }

    // --- refusals ---

    @Test
    void rewrittenHistory_isRefused409AndAuditedAndTheOldCheckpointStays() throws WitnessException, IOException {
        MerkleLog log = log(4);
        WitnessedCheckpoint accepted = witness.submit(submission(log, 0, owner, SERVER));
        // The server rewrites event 1 and goes on logging: the rewritten log's own proof is self-consistent.
        MerkleLog rewritten = new InMemoryMerkleLog();
        for (long i = 0; i < log.size(); i++) {
            rewritten.append(i == 1 ? event(99) : log.entry(i));
        }
        append(rewritten, 2);
        clock.advance(Duration.ofMinutes(1));
        CheckpointSubmission forged = submission(rewritten, 4, owner, SERVER);

        WitnessException refused = assertThrows(WitnessException.class, () -> witness.submit(forged));
        Answer answer = post(forged);

        assertTrue(refused.refused());
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("rewritten or forked"), refused.getMessage());
        assertEquals(409, answer.status());
        assertEquals("Witness.InconsistentHistory", answer.type());
        assertTrue(answer.message().contains("root " + Checkpoint.encodeHash(log.root())), answer.message());
        assertEquals(accepted, witness.latest(SERVER).orElseThrow());
        assertEquals(Optional.empty(), witness.atSize(SERVER, 6));
        assertTrue(audited("refused", "Witness.InconsistentHistory"), auditTrail().toString());
    }

    @Test
    void staleFromSize_isRefused409NamingTheSizeTheWitnessHolds() throws WitnessException {
        MerkleLog log = log(3);
        witness.submit(submission(log, 0, owner, SERVER));
        append(log, 2);
        clock.advance(Duration.ofMinutes(1));
        CheckpointSubmission submission = submission(log, 0, owner, SERVER);

        Answer answer = post(submission);

        assertRefused(answer, 409, "Witness.StaleFromSize", "fromSize: expected 3");
        assertEquals(3, witness.latest(SERVER).orElseThrow().size());
    }

    @Test
    void metrics_countCheckpointsStoredUnchangedAndRefusedByReason() throws IOException, WitnessException {
        MerkleLog log = log(5);
        CheckpointSubmission submission = submission(log, 0, owner, SERVER);
        assertEquals(201, post(submission).status());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(200, post(new CheckpointSubmission(submission.checkpoint(), submission.timestamp(), 5,
                List.of())).status());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(409, post(signed(new Checkpoint(SERVER, 3, log.root(3), clock.instant()), owner, 5, List.of()))
                .status());

        String scrape = registry.call("GET", "/metrics", null, null).raw().body();
        assertTrue(scrape.contains("\nxroad_registry_checkpoints_total{outcome=\"stored\"} 1.0\n"), scrape);
        assertTrue(scrape.contains("\nxroad_registry_checkpoints_total{outcome=\"unchanged\"} 1.0\n"), scrape);
        assertTrue(scrape.contains("\nxroad_registry_checkpoint_refusals_total{reason=\"INCONSISTENT_HISTORY\"} 1.0\n"),
                scrape);
        assertTrue(scrape.contains("\nxroad_registry_checkpoint_refusals_total{reason=\"BAD_SIGNATURE\"} 0.0\n"),
                "every reason is exported from the start, so an alert on its rate has a series: " + scrape);
        assertTrue(scrape.contains("\nxroad_registry_global_configuration_failures_total 0.0\n"), scrape);
        assertTrue(scrape.contains("\njvm_threads_live_threads "), scrape);
    }

    @Test
    void smallerSize_isRefused409AsInconsistentHistory() throws WitnessException {
        MerkleLog log = log(5);
        witness.submit(submission(log, 0, owner, SERVER));
        clock.advance(Duration.ofMinutes(1));
        CheckpointSubmission smaller = signed(new Checkpoint(SERVER, 3, log.root(3), clock.instant()), owner, 5,
                List.of());

        assertRefused(post(smaller), 409, "Witness.InconsistentHistory", "expected a checkpoint of at least size 5");
        assertEquals(5, witness.latest(SERVER).orElseThrow().size());
    }

    @Test
    void sameSizeWithAnotherRoot_isRefused409AsInconsistentHistory() throws WitnessException {
        MerkleLog log = log(5);
        witness.submit(submission(log, 0, owner, SERVER));
        clock.advance(Duration.ofMinutes(1));
        CheckpointSubmission other = signed(new Checkpoint(SERVER, 5, log.root(4), clock.instant()), owner, 5,
                List.of());

        assertRefused(post(other), 409, "Witness.InconsistentHistory", "rewritten or forked");
    }

    @Test
    void signatureByAnotherMembersKey_isRefused403() throws CaException, OcspException, SigningException,
            TokenException {
        Credential other = trusted.credential(CertificateProfile.SIGN, OTHER);

        Answer answer = post(submission(log(2), 0, other, SERVER));

        assertRefused(answer, 403, "Witness.SignerMismatch", "expected the signing certificate of " + OWNER);
        assertTrue(audited("refused", "Witness.SignerMismatch"), auditTrail().toString());
    }

    @Test
    void unregisteredServer_isRefused403() {
        SecurityServerId unregistered = OWNER.server("ss9");

        Answer answer = post(submission(log(2), 0, owner, unregistered));

        assertRefused(answer, 403, "Witness.UnknownServer", unregistered.format());
        assertTrue(auditTrail().toString().contains(unregistered.format()), auditTrail().toString());
    }

    @Test
    void tamperedJws_isRefused403() {
        MerkleLog log = log(4);
        String jws = signedJws(new Checkpoint(SERVER, 4, log.root(), clock.instant()), owner);
        String[] parts = jws.split("\\.");
        byte[] bigger = CheckpointCodec.payload(new Checkpoint(SERVER, 3, log.root(3), clock.instant()));
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bigger) + "."
                + parts[2];

        Answer answer = post(new CheckpointSubmission(tampered, timestamp(tampered), 0, List.of()));

        assertRefused(answer, 403, "Witness.BadSignature", "does not verify");
        assertEquals(Optional.empty(), latest());
    }

    @Test
    void timestampOverOtherData_isRefused403() {
        MerkleLog log = log(2);
        String jws = signedJws(new Checkpoint(SERVER, 2, log.root(), clock.instant()), owner);
        String other = signedJws(new Checkpoint(SERVER, 1, log.root(1), clock.instant()), owner);

        Answer answer = post(new CheckpointSubmission(jws, timestamp(other), 0, List.of()));

        assertRefused(answer, 403, "Witness.BadTimestamp", "message imprint");
        assertEquals(Optional.empty(), latest());
    }

    @Test
    void timestampFromATsaThatIsNotApproved_isRefused403() throws IOException, TSPException {
        TestPki pki = TestPki.create(clock, "Rogue Root");
        TestPki.Issued rogue = pki.issue("Rogue TSA", CertificateKind.TSA, List.of(), null);
        TimeStampAuthority tsa = new TimeStampAuthority(rogue.cert(), List.of(pki.ca.cert()), rogue.key(), clock,
                trusted.random);
        MerkleLog log = log(2);
        String jws = signedJws(new Checkpoint(SERVER, 2, log.root(), clock.instant()), owner);
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        TimeStampRequest request = generator.generate(TSPAlgorithms.SHA256,
                sha256(jws.getBytes(StandardCharsets.US_ASCII)), new BigInteger(64, trusted.random));
        byte[] rogueToken = new TimeStampResponse(tsa.respond(request.getEncoded())).getTimeStampToken().getEncoded();

        Answer answer = post(new CheckpointSubmission(jws, Base64.getEncoder().encodeToString(rogueToken), 0,
                List.of()));

        assertRefused(answer, 403, "Witness.BadTimestamp", "approved TSA");
        assertEquals(Optional.empty(), latest());
    }

    @Test
    void malformedJson_isRefused400AndAuditedAsAnonymous() {
        Answer answer = registry.call("POST", AccessLogProtocol.WITNESS_PATH, null, "{\"checkpoint\": ");

        assertRefused(answer, 400, "Witness.Malformed", "expected a JSON object");
        JsonNode entry = auditTrail().get(0);
        assertEquals("anonymous", entry.path("actor").asText());
        assertEquals("refused", entry.path("outcome").asText());
    }

    @Test
    void unknownMemberInJson_isRefused400() {
        ObjectNode json = (ObjectNode) readTree(CheckpointCodec.submission(submission(log(2), 0, owner, SERVER)));
        json.put("note", "trust me");

        Answer answer = registry.call("POST", AccessLogProtocol.WITNESS_PATH, null, json.toString());

        assertRefused(answer, 400, "Witness.Malformed", "unknown member 'note'");
        assertEquals(Optional.empty(), latest());
    }

    @Test
    void bodyOverTheWitnessLimit_isRefused413() {
        String padding = "A".repeat(CheckpointWitness.MAX_SUBMISSION_BYTES);

        Answer answer = registry.call("POST", AccessLogProtocol.WITNESS_PATH, null,
                "{\"checkpoint\": \"" + padding + "\"}");

        assertRefused(answer, 413, "Witness.TooLarge", "expected at most " + CheckpointWitness.MAX_SUBMISSION_BYTES);
    }

    @Test
    void checkpointFromTheFuture_isRefused400() {
        MerkleLog log = log(2);
        CheckpointSubmission submission = signed(new Checkpoint(SERVER, 2, log.root(),
                clock.instant().plus(Duration.ofMinutes(6))), owner, 0, List.of());

        assertRefused(post(submission), 400, "Witness.TimeInFuture", "expected at most PT5M after");
    }

    @Test
    void backdatedCheckpoint_timestampSaysOtherwise_isRefused400() {
        MerkleLog log = log(2);
        CheckpointSubmission backdated = signed(new Checkpoint(SERVER, 2, log.root(),
                clock.instant().minus(Duration.ofMinutes(6))), owner, 0, List.of());

        assertRefused(post(backdated), 400, "Witness.TimeNotStamped", "expected within PT5M of the timestamp's genTime "
                + clock.instant());
        assertEquals(Optional.empty(), latest());

        CheckpointSubmission skewed = signed(new Checkpoint(SERVER, 2, log.root(),
                clock.instant().minus(Duration.ofMinutes(4))), owner, 0, List.of());
        assertEquals(201, post(skewed).status(), "a clock four minutes behind the TSA's is within the allowed skew");
    }

    @Test
    void checkpointOlderThanTheLastAccepted_isRefused409() throws WitnessException {
        MerkleLog log = log(2);
        Instant earlier = clock.instant();
        clock.advance(Duration.ofMinutes(2));
        witness.submit(submission(log, 0, owner, SERVER));
        append(log, 1);
        CheckpointSubmission older = signed(new Checkpoint(SERVER, 3, log.root(), earlier), owner, 2,
                encode(log.consistency(2, 3).path()));

        assertRefused(post(older), 409, "Witness.TimeBeforeLast", "expected not before");
    }

    // --- the registry's C2SP tlog-witness ---

    @Test
    void checkpointNamingANoteKey_letsTheRegistryTlogWitnessCosignTheServersNotes()
            throws WitnessException, NoteFormatException, IOException, InterruptedException, NoteVerificationException {
        NoteSigner noteKey = NoteSigner.generate(AccessLogOrigin.of(SERVER), trusted.random);
        MerkleLog log = log(3);
        witness.submit(signed(new Checkpoint(SERVER, 3, log.root(), clock.instant(), noteKey.verifierKey().format()),
                owner, 0, List.of()));
        SignedNote note = noteKey.signNote(new org.xroadng.auditlog.note.Checkpoint(AccessLogOrigin.of(SERVER), 3,
                log.root()).text());

        java.net.http.HttpResponse<String> cosigned = tlog("/add-checkpoint",
                new AddCheckpointRequest(0, List.of(), note).format());
        assertEquals(200, cosigned.statusCode(), cosigned.body());
        NoteVerifierKey registryKey = NoteVerifierKey.parse(tlog("/verifier-key", null).body());
        assertEquals(Optional.of(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                Cosignatures.verify(SignedNote.parse(note.format() + cosigned.body()), registryKey));
        assertTrue(tlog("/checkpoint?origin=" + java.net.URLEncoder.encode(AccessLogOrigin.of(SERVER),
                StandardCharsets.UTF_8), null).body().startsWith(note.text()));

        NoteSigner impostor = NoteSigner.generate(AccessLogOrigin.of(SERVER), trusted.random);
        append(log, 2);
        java.net.http.HttpResponse<String> forged = tlog("/add-checkpoint", new AddCheckpointRequest(3,
                log.consistency(3, 5).path(), impostor.signNote(new org.xroadng.auditlog.note.Checkpoint(
                AccessLogOrigin.of(SERVER), 5, log.root()).text())).format());
        assertEquals(403, forged.statusCode(), forged.body());
    }

    @Test
    void serverWhoseCheckpointNamesNoNoteKey_isUnknownToTheTlogWitness()
            throws WitnessException, NoteFormatException, IOException, InterruptedException {
        MerkleLog log = log(2);
        witness.submit(submission(log, 0, owner, SERVER));
        NoteSigner noteKey = NoteSigner.generate(AccessLogOrigin.of(SERVER), trusted.random);
        java.net.http.HttpResponse<String> answer = tlog("/add-checkpoint", new AddCheckpointRequest(0, List.of(),
                noteKey.signNote(new org.xroadng.auditlog.note.Checkpoint(AccessLogOrigin.of(SERVER), 2, log.root())
                        .text())).format());
        assertEquals(404, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Witness.UnknownLog"), answer.body());
    }

    private java.net.http.HttpResponse<String> tlog(String path, byte[] body) throws IOException, InterruptedException {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(registry.base
                + "/tlog-witness" + path));
        request = body == null ? request.GET() : request.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        return HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    // --- helpers ---

    private void assertRefused(Answer answer, int status, String type, String messagePart) {
        assertEquals(status, answer.status(), answer.raw().body());
        assertEquals(type, answer.type(), answer.raw().body());
        assertTrue(answer.message().contains(messagePart), answer.message());
        assertFalse(answer.raw().body().contains("Exception"), answer.raw().body());
        JsonNode entry = auditTrail().get(0);
        assertEquals("witness.checkpoint", entry.path("action").asText(), entry.toString());
        assertEquals("refused", entry.path("outcome").asText(), entry.toString());
        assertTrue(entry.path("detail").asText().startsWith(type + ": "), entry.toString());
    }

    private static byte[] event(int n) {
        return ("{\"eventId\":\"event-" + n + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static MerkleLog log(int events) {
        MerkleLog log = new InMemoryMerkleLog();
        append(log, events);
        return log;
    }

    private static void append(MerkleLog log, int events) {
        long first = log.size();
        for (int i = 0; i < events; i++) {
            log.append(event((int) first + i));
        }
    }

    /** A checkpoint of the whole log now, with the consistency proof from {@code fromSize}. */
    CheckpointSubmission submission(MerkleLog log, long fromSize, Credential signer, SecurityServerId origin) {
        List<String> proof = fromSize == 0 ? List.of() : encode(log.consistency(fromSize, log.size()).path());
        return signed(new Checkpoint(origin, log.size(), log.root(), clock.instant()), signer, fromSize, proof);
    }

    private CheckpointSubmission signed(Checkpoint checkpoint, Credential signer, long fromSize, List<String> proof) {
        String jws = signedJws(checkpoint, signer);
        return new CheckpointSubmission(jws, timestamp(jws), fromSize, proof);
    }

    private static String signedJws(Checkpoint checkpoint, Credential signer) {
        try {
            return CheckpointCodec.sign(checkpoint, signer.signer(), signer.ocsp());
        } catch (SigningException e) {
            throw new AssertionError(e);
        }
    }

    /** A token from the registry's approved (running) TSA over SHA-256 of the JWS's ASCII bytes. */
    private String timestamp(String jws) {
        TimestampClient tsa = new TimestampClient(trusted.ca.settings().tsaUrl(), trusted.ca.tsaCertificate(), clock,
                trusted.bc, trusted.random, Duration.ofSeconds(10));
        try {
            return Base64.getEncoder().encodeToString(tsa.timestamp(sha256(jws.getBytes(StandardCharsets.US_ASCII)))
                    .getEncoded());
        } catch (TimestampException | IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> encode(List<byte[]> hashes) {
        List<String> out = new ArrayList<>();
        hashes.forEach(h -> out.add(Checkpoint.encodeHash(h)));
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private Answer post(CheckpointSubmission submission) {
        return registry.call("POST", AccessLogProtocol.WITNESS_PATH, null,
                new String(CheckpointCodec.submission(submission), StandardCharsets.UTF_8));
    }

    private Optional<WitnessedCheckpoint> latest() {
        try {
            return witness.latest(SERVER);
        } catch (WitnessException e) {
            throw new AssertionError(e);
        }
    }

    private long storedCount() {
        return registry.home.registry().changes().database().inTransaction(c ->
                Jdbc.count(c, "SELECT COUNT(*) FROM witnessed_checkpoint WHERE server_id = ?", SERVER.format()));
    }

    private JsonNode auditTrail() {
        return registry.admin("GET", "/api/v1/audit?limit=20", null).json().path("items");
    }

    private boolean audited(String outcome, String detailPart) {
        for (JsonNode entry : auditTrail()) {
            if (entry.path("action").asText().equals("witness.checkpoint") && entry.path("outcome").asText().equals(outcome)
                    && entry.path("actor").asText().equals(SERVER.format())
                    && entry.path("target").asText().equals(SERVER.format())
                    && entry.path("detail").asText().contains(detailPart)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return ProtocolJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
