package org.xroadng.securityserver.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Keys;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ExchangeListener;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.accesslog.CheckpointPublisher;
import org.xroadng.securityserver.admin.AccessDeniedException;
import org.xroadng.securityserver.admin.ConsoleUsers;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalGroup;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * The console's keys page end to end (a signing key made, its CSR downloaded and parsed, the test
 * CA's certificate imported and audited), the dashboard's cards from real counters, bad input on the
 * forms that had none checked, and the last system administrator kept.
 */
class OperatorConsoleOperationsTest {

    private static final String PASSWORD = ConsoleHarness.PASSWORD;
    private static final SubsystemId POPULATION = ConsoleHarness.POPULATION;
    private static final ServiceId PERSON = ConsoleHarness.PERSON;
    private static final MemberId BANK = MemberId.parse("DEMO/COM/2001");

    @TempDir
    Path dir;

    private ConsoleHarness harness;

    @BeforeEach
    void start() throws IOException, ServerException, CertificateEncodingException, AccessDeniedException,
            RegistrationException, TokenException, DescriptionException {
        harness = new ConsoleHarness(dir, false);
        harness.addOperators();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Set<String> keyIds() {
        return harness.home.keys().keys().stream().map(ServerKeys.KeyInfo::keyId).collect(Collectors.toSet());
    }

    private ServerKeys.KeyInfo key(String keyId) {
        return harness.home.keys().keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst().orElseThrow();
    }

    private X509Certificate signingCertificate(PublicKey key, MemberId member) {
        return harness.pki.issuer.issue(new X500Name("CN=" + member.format()), key, CertificateKind.MEMBER_SIGN,
                Duration.ofDays(90), List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
                        CertificateProfile.SIGN.uriFor(member))), "http://127.0.0.1:1/ocsp");
    }

    @Test
    void securityOfficer_createsAKey_downloadsItsCsr_importsTheCertificate_auditedWithUserActionTargetOutcome()
            throws IOException, InterruptedException, GeneralSecurityException, OperatorCreationException,
            PKCSException {
        ConsoleHarness.Browser kim = harness.signedIn("kim");
        Set<String> before = keyIds();
        HttpResponse<String> created = kim.submit("/keys", "/keys/sign-key", Map.of("member", BANK.format(),
                "token", "software"));
        assertEquals(303, created.statusCode(), created.body());
        assertEquals("/keys?done=done.keyAdded", created.headers().firstValue("Location").orElseThrow());
        Set<String> added = keyIds();
        added.removeAll(before);
        assertEquals(1, added.size(), "one new key");
        String keyId = added.iterator().next();
        assertEquals(BANK, key(keyId).identity());
        assertEquals("user:kim", harness.lastAudit("key.addSigning").actor());
        assertEquals(BANK.format(), harness.lastAudit("key.addSigning").target());

        // the keys page lists it, waiting, with its CSR's link; the CSR is a PKCS#10 request signed by the key
        String page = kim.get("/keys?done=done.keyAdded").body();
        Matcher link = Pattern.compile("id=\"key-" + keyId + "\".*?href=\"(/keys/csr\\?keyId=" + keyId + ")\"",
                Pattern.DOTALL).matcher(page);
        assertTrue(link.find(), page);
        HttpResponse<String> download = kim.get(link.group(1));
        assertEquals(200, download.statusCode(), download.body());
        assertEquals("application/pkcs10", download.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(download.headers().firstValue("Content-Disposition").orElseThrow()
                .contains("attachment; filename=\"" + keyId + ".csr\""));
        PKCS10CertificationRequest csr = Pem.csr(download.body().getBytes(StandardCharsets.US_ASCII));
        PublicKey csrKey = new JcaPKCS10CertificationRequest(csr).getPublicKey();
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csrKey)), "signed by its key");
        assertTrue(csr.getSubject().toString().contains("2001"), csr.getSubject().toString());
        assertEquals("success", harness.lastAudit("key.csr").outcome());
        assertEquals("user:kim", harness.lastAudit("key.csr").actor());

        // not a certificate, and a certificate of a key this server does not have: said by the field, nothing stored
        HttpResponse<String> garbage = kim.submit("/keys", "/keys/import", Map.of("certificate", "hello <b>"));
        assertEquals(400, garbage.statusCode());
        assertTrue(garbage.body().contains("id=\"certificate-error\" class=\"field-error\">This is not a PEM"
                + " certificate chain"), garbage.body());
        assertTrue(garbage.body().contains("hello &lt;b&gt;"), "what was pasted is kept, escaped");
        X509Certificate foreign = signingCertificate(Keys.generateP256(harness.pki.bc, harness.pki.random).getPublic(),
                BANK);
        HttpResponse<String> notOurs = kim.submit("/keys", "/keys/import", Map.of("certificate",
                Pem.encodeAll(List.of(foreign, harness.pki.ca.cert()))));
        assertEquals(400, notOurs.statusCode());
        assertTrue(notOurs.body().contains("id=\"certificate-error\" class=\"field-error\">This certificate cannot be"
                + " imported here: certificate CN=DEMO/COM/2001 is for a key this server does not have"),
                notOurs.body());
        ServerConfStore.AuditEntry failed = harness.lastAudit("certificate.import");
        assertEquals("user:kim", failed.actor());
        assertTrue(failed.outcome().startsWith("failed: certificate CN=DEMO/COM/2001 is for a key"), failed.outcome());
        assertEquals(before.size() + 1, keyIds().size());
        assertTrue(key(keyId).certificate().isEmpty(), "nothing stored");

        // an observer's import is refused at the server
        X509Certificate certificate = signingCertificate(csrKey, BANK);
        String chain = Pem.encodeAll(List.of(certificate, harness.pki.ca.cert()));
        assertEquals(403, harness.signedIn("olga").submit("/keys", "/keys/import", Map.of("certificate", chain)).statusCode());
        assertTrue(harness.lastAudit("certificate.import").outcome().startsWith("refused: user:olga"));
        assertTrue(key(keyId).certificate().isEmpty());

        HttpResponse<String> imported = kim.submit("/keys", "/keys/import", Map.of("certificate", chain));
        assertEquals(303, imported.statusCode(), imported.body());
        assertEquals(certificate, key(keyId).certificate().orElseThrow());
        ServerConfStore.AuditEntry audited = harness.lastAudit("certificate.import");
        assertEquals("user:kim", audited.actor());
        assertEquals("CN=DEMO/COM/2001", audited.target());
        assertEquals("success", audited.outcome());
        String after = kim.get("/keys").body();
        Matcher row = Pattern.compile("<tr id=\"key-" + keyId + "\">(.*?)</tr>", Pattern.DOTALL).matcher(after);
        assertTrue(row.find(), after);
        assertTrue(row.group(1).contains(">certified<") && row.group(1).contains("90 days left"), row.group(1));
        String audit = kim.get("/audit").body();
        assertTrue(audit.contains("certificate.import") && audit.contains("CN=DEMO/COM/2001"), audit);
    }

    @Test
    void dashboard_showsTheChecksLagCheckpointAndTheLastMinuteFromTheCounters_aNumberOnceThereIsTraffic()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser olga = harness.signedIn("olga");
        assertTrue(olga.get("/").body().contains("<dd id=\"last-minute\">not known</dd>"), "before the first sample");

        harness.sampleExchanges(); // the server starts: its first sample
        harness.metrics.exchangeCompleted(ExchangeListener.Side.PROVIDER, 200, 1_000_000);
        harness.metrics.exchangeCompleted(ExchangeListener.Side.CONSUMER, 200, 1_000_000);
        harness.metrics.exchangeCompleted(ExchangeListener.Side.CONSUMER, 502, 1_000_000);
        harness.metrics.exchangeFailed(ExchangeListener.Side.PROVIDER, ErrorType.SERVER_PROXY_ACCESS_DENIED, 1_000_000);
        harness.advance(Duration.ofSeconds(5));
        String young = olga.get("/").body();
        assertTrue(young.contains("4 exchanges (2 failed)"), young);
        assertTrue(young.contains("since the server started 5 seconds ago"), young);
        harness.sampleExchanges();

        // a minute on, sampled every few seconds: only the last minute counts
        for (int i = 0; i < 30; i++) {
            harness.advance(Duration.ofSeconds(2));
            harness.sampleExchanges();
        }
        harness.metrics.exchangeCompleted(ExchangeListener.Side.PROVIDER, 200, 1_000_000);
        String later = olga.get("/").body();
        assertTrue(later.contains("1 exchange (none failed)"), later);
        assertFalse(later.contains("since the server started"), later);
        assertTrue(later.contains("Server.ServerProxy.AccessDenied"), "refusals since start by type");

        harness.checks = Map.of("ocsp", Optional.of("no OCSP response for certificate 1f: responder unreachable"),
                "timestamping", Optional.of("no approved TSA stamped the waiting records"));
        harness.unstamped = OptionalLong.of(17);
        harness.stampingFailingSince = Optional.of(Instant.parse("2026-03-01T08:55:00Z"));
        harness.checkpoint = Optional.of(new CheckpointPublisher.Status(42, 40L, "ab", Instant.parse(
                "2026-03-01T08:59:30Z"), "witness w1 did not answer"));
        String down = olga.get("/").body();
        assertTrue(down.contains("id=\"check-ocsp\"") && down.contains("responder unreachable"), down);
        assertTrue(down.contains("OCSP (certificate status)") && down.contains("Time-stamping (TSA)"), down);
        assertTrue(Pattern.compile("Records waiting for a time-stamp</dt>\\s*<dd>17</dd>").matcher(down).find(), down);
        assertTrue(down.contains("failing since 01/03/2026 08:55:00 UTC"), down);
        assertTrue(Pattern.compile("<dd>42</dd>").matcher(down).find() && down.contains("witness w1 did not answer"),
                down);
        assertTrue(down.contains("01/03/2026 08:59:30 UTC"), "the witnessed checkpoint's time");
    }

    @Test
    void localGroupMembers_badInputShownByTheField_nothingStored() throws IOException, InterruptedException {
        ConsoleHarness.Browser alice = harness.signedIn("alice");
        assertEquals(303, alice.submit("/local-groups", "/local-groups", Map.of("code", "auditors",
                "description", "Auditors")).statusCode());
        HttpResponse<String> noGroup = alice.submit("/local-groups", "/local-groups/members", Map.of("group", "nosuch",
                "member", POPULATION.format()));
        assertEquals(400, noGroup.statusCode());
        assertTrue(noGroup.body().contains("id=\"group-error\" class=\"field-error\">There is no local group"
                + " &#39;nosuch&#39; on this server."), noGroup.body());
        HttpResponse<String> badMember = alice.submit("/local-groups", "/local-groups/members", Map.of("group",
                "auditors", "member", "DEMO/GOV"));
        assertEquals(400, badMember.statusCode());
        assertTrue(badMember.body().contains("id=\"member-error\" class=\"field-error\">This identifier is not valid"),
                badMember.body());
        HttpResponse<String> noMember = alice.submit("/local-groups", "/local-groups/members", Map.of("group",
                "auditors"));
        assertTrue(noMember.body().contains("id=\"member-error\" class=\"field-error\">Fill in this field."),
                noMember.body());
        assertTrue(harness.home.store().localGroups().get(0).members().isEmpty(), "nothing stored");

        assertEquals(303, alice.submit("/local-groups", "/local-groups/members", Map.of("group", "auditors",
                "member", POPULATION.format())).statusCode());
        HttpResponse<String> twice = alice.submit("/local-groups", "/local-groups/members", Map.of("group", "auditors",
                "member", POPULATION.format()));
        assertEquals(400, twice.statusCode());
        assertTrue(twice.body().contains("id=\"member-error\" class=\"field-error\">This already exists"), twice.body());
        LocalGroup group = harness.home.store().localGroups().get(0);
        assertEquals(List.of(POPULATION), List.copyOf(group.members()));
    }

    @Test
    void serviceUpdate_aTimeoutNotANumberOrOutOfRange_shownInThatServicesRow_nothingStored()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser alice = harness.signedIn("alice");
        for (String bad : List.of("ten", "-5", "0", "601", "1.5")) {
            HttpResponse<String> answer = alice.submit("/services", "/services/update", Map.of("service",
                    PERSON.format(), "edit", "details", "timeoutSeconds", bad));
            assertEquals(400, answer.statusCode(), bad);
            assertTrue(answer.body().contains("id=\"timeout-person-error\" class=\"field-error\">Give a whole number of"
                    + " seconds from 1 to 600 (you gave &#39;" + bad + "&#39;)."), answer.body());
            assertTrue(answer.body().contains("value=\"" + bad + "\""), "kept for fixing: " + bad);
            assertFalse(answer.body().contains("id=\"timeoutSeconds-error\""), "not by the add form's field");
        }
        HttpResponse<String> unknown = alice.submit("/services", "/services/update", Map.of("service",
                POPULATION.format() + "/nosuch", "enabled", "false"));
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("id=\"service-error\" class=\"field-error\">There is no service"),
                unknown.body());
        LocalService person = harness.home.store().current().service(PERSON).orElseThrow();
        assertEquals(Duration.ofSeconds(30), person.timeout(), "nothing stored");
        assertTrue(person.personalData(), "the unticked flag of a refused form was not stored either");

        assertEquals(303, alice.submit("/services", "/services/update", Map.of("service", PERSON.format(), "edit",
                "details", "timeoutSeconds", "45", "personalData", "on")).statusCode());
        assertEquals(Duration.ofSeconds(45), harness.home.store().current().service(PERSON).orElseThrow().timeout());
    }

    private HttpResponse<String> api(String method, String path, String key) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(harness.server.baseUri().resolve("/api/v1" + path))
                .header("Authorization", "Bearer " + key).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String createdKey(String page) {
        Matcher m = Pattern.compile("id=\"created-key-value\">(xsk_[A-Za-z0-9_-]+)<").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    @Test
    void theLastSystemAdministrator_cannotBeDeletedOrRevoked_inTheConsoleOrTheApi()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser sam = harness.signedIn("sam");
        long initKey = harness.home.adminKeys().list().get(0).id();
        // the key 'server init' printed holds every role: while sam is there it may go
        assertEquals(303, sam.submit("/api-keys", "/api-keys/revoke", Map.of("id", Long.toString(initKey)))
                .statusCode());
        assertEquals(401, api("GET", "/status", harness.adminKey).statusCode());

        HttpResponse<String> self = sam.submit("/users", "/users/delete", Map.of("name", "sam"));
        assertEquals(400, self.statusCode());
        assertTrue(self.body().contains("id=\"form-error\" class=\"refusal\" role=\"alert\">User sam is the last user"
                + " or active API key with the system administrator role"), self.body());
        assertTrue(harness.home.adminKeys().users().list().stream().anyMatch(u -> u.name().equals("sam")),
                "nothing deleted");
        assertTrue(harness.lastAudit("user.delete").outcome().startsWith("failed: user sam is the last user"),
                harness.lastAudit("user.delete").outcome());
        // other users go as before
        assertEquals(303, sam.submit("/users", "/users/delete", Map.of("name", "olga")).statusCode());

        // with a system administrator's key beside him, sam may go; then that key is the last one
        String key = createdKey(sam.submit("/api-keys", "/api-keys", Map.of("label", "ops",
                "role", "system-administrator")).body());
        long keyId = harness.home.adminKeys().list().get(harness.home.adminKeys().list().size() - 1).id();
        assertEquals(204, api("DELETE", "/users/sam", key).statusCode());
        HttpResponse<String> last = api("DELETE", "/api-keys/" + keyId, key);
        assertEquals(409, last.statusCode(), last.body());
        assertTrue(last.body().contains("admin API key " + keyId + " is the last user or active admin API key with the"
                + " system-administrator role"), last.body());
        assertEquals(200, api("GET", "/status", key).statusCode(), "still active");
        assertTrue(harness.lastAudit("apiKey.revoke").outcome().startsWith("failed: admin API key " + keyId),
                harness.lastAudit("apiKey.revoke").outcome());

        // an observer's key is revoked as before; in the console the last key's revocation is refused too
        String observer = createdKey(signedInWithKey(key).submit("/api-keys", "/api-keys", Map.of("label", "watch",
                "role", "observer")).body());
        assertEquals(200, api("GET", "/status", observer).statusCode());
        long observerId = harness.home.adminKeys().list().get(harness.home.adminKeys().list().size() - 1).id();
        assertEquals(204, api("DELETE", "/api-keys/" + observerId, key).statusCode());
        ConsoleHarness.Browser viaKey = signedInWithKey(key);
        viaKey.acceptLanguage = "vi";
        HttpResponse<String> vi = viaKey.submit("/api-keys", "/api-keys/revoke", Map.of("id", Long.toString(keyId)));
        assertEquals(400, vi.statusCode());
        assertTrue(vi.body().contains("Khóa API #" + keyId + " là người dùng hoặc khóa API còn hiệu lực cuối cùng"),
                vi.body());
        assertEquals(200, api("GET", "/status", key).statusCode());
    }

    private ConsoleHarness.Browser signedInWithKey(String key) throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.get("/login");
        assertEquals(303, browser.post("/login", Map.of("csrf", browser.csrf(), "method", "key", "apiKey", key))
                .statusCode());
        return browser;
    }

    @Test
    void times_inTheViewersZoneOnceConsoleJsToldIt_utcSaidSoWithoutOrForAnUnknownZone()
            throws IOException, InterruptedException {
        harness.home.store().record("system", "test.row", "a row at 09:00 UTC", ServerConfStore.SUCCESS);
        ConsoleHarness.Browser olga = harness.signedIn("olga");
        String utc = olga.get("/audit").body();
        assertTrue(utc.contains("data-zone=\"UTC\""), utc);
        assertTrue(utc.contains("<time datetime=\"2026-03-01T09:00:00Z\">01/03/2026 09:00:00 UTC</time>"), utc);

        olga.cookies.put("xroad-tz", "Asia/Ho_Chi_Minh");
        String hanoi = olga.get("/audit").body();
        assertTrue(hanoi.contains("data-zone=\"Asia/Ho_Chi_Minh\""), hanoi);
        assertTrue(hanoi.contains("<time datetime=\"2026-03-01T09:00:00Z\">01/03/2026 16:00:00 UTC+07:00</time>"),
                hanoi);
        harness.globalConfiguration = Optional.of(new org.xroadng.protocol.globalconf.GlobalConfiguration("DEMO", 7,
                ConsoleHarness.START, ConsoleHarness.START.plusSeconds(600), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), new org.xroadng.protocol.globalconf.GlobalConfiguration.Settings(3600, 14400)));
        String dashboard = olga.get("/").body();
        assertTrue(dashboard.contains(">01/03/2026 16:00:00 UTC+07:00</time>")
                && dashboard.contains(">01/03/2026 16:10:00 UTC+07:00</time>"), "generated and expires: " + dashboard);

        for (String unknown : List.of("Mars/Olympus", "<script>alert(1)</script>", "Asia/Ho Chi Minh")) {
            olga.cookies.put("xroad-tz", unknown);
            String page = olga.get("/audit").body();
            assertTrue(page.contains(">01/03/2026 09:00:00 UTC</time>") && page.contains("data-zone=\"UTC\""), unknown);
        }
    }
}
