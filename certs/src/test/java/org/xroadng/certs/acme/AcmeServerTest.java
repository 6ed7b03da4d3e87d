package org.xroadng.certs.acme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.profile.ProfileException;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.testing.FreePorts;

/**
 * The ACME server on a real trust server over real HTTP, driven by our ACME client and by requests
 * built by hand to break one thing at a time: the protocol end to end for a signing and an
 * authentication certificate (http-01 answered by a real HTTP listener), and every refusal as a
 * problem document with its ACME error type.
 */
class AcmeServerTest {

    private static final MemberId MEMBER = MemberId.parse("DEMO/GOV/1001");
    private static final MemberId OTHER = MemberId.parse("DEMO/GOV/1002");
    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");

    @TempDir
    Path dir;

    private final TestPki keys = TestPki.create(Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();
    private CertificateAuthority ca;
    private TrustServer server;
    private int challengePort;
    private URI directory;
    private EabCredentials eab;

    @BeforeEach
    void start() throws CaException {
        int port = FreePorts.one();
        challengePort = FreePorts.one();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        ca = CertificateAuthority.init(dir, new CaSettings("ACME CA", URI.create("http://127.0.0.1:" + port), listen, 30),
                Pin.of("acme-pin"), keys.bc, keys.random, keys.clock);
        server = TrustServer.start(ca, listen, keys.clock, keys.random, challengePort);
        directory = URI.create("http://127.0.0.1:" + port + "/acme/directory");
        eab = AcmeServer.createEab(ca, MEMBER, keys.clock, keys.random);
    }

    @AfterEach
    void stop() {
        server.close();
        ca.close();
    }

    private AcmeClient client() throws AcmeException {
        return AcmeClient.connect(directory, http, keys.random);
    }

    private byte[] csr(CertificateProfile profile, XRoadId identity, List<GeneralName> hosts) throws SigningException,
            IOException {
        TestPki.Issued subject = keys.issue("subject", CertificateKind.MEMBER_SIGN, List.of(), null);
        return CsrBuilder.build(subject.key(), profile, identity, hosts).getEncoded();
    }

    private static Http01Responder refusingResponder() {
        return (token, keyAuthorization) -> {
            throw new IOException("this test publishes no challenge answers");
        };
    }

    /** A real HTTP listener on the challenge port answering what {@link Http01Responder#publish} was given. */
    private final class ChallengeListener implements Http01Responder, Closeable {
        final Map<String, String> answers = new ConcurrentHashMap<>();
        final AtomicInteger fetched = new AtomicInteger();
        final HttpApiServer listener;
        final boolean lie;

        ChallengeListener(boolean lie) throws IOException {
            this.lie = lie;
            listener = HttpApiServer.builder("challenge").bind(new InetSocketAddress("127.0.0.1", challengePort))
                    .route("GET", "/.well-known/acme-challenge/{token}", call -> {
                        fetched.incrementAndGet();
                        String answer = answers.get(call.pathParam("token"));
                        return answer == null ? HttpReply.text(404, "no such token") : HttpReply.text(200, answer);
                    }).start();
        }

        @Override
        public Closeable publish(String token, String keyAuthorization) {
            answers.put(token, lie ? token + ".not-the-thumbprint" : keyAuthorization);
            return () -> answers.remove(token);
        }

        @Override
        public void close() {
            listener.close();
        }
    }

    // --- the protocol end to end ---

    @Test
    void signingCertificate_isIssuedForTheBoundMember_withTheCaChain() throws AcmeException, SigningException,
            IOException, ProfileException, CaException {
        AcmeClient.Account account = client().register(eab);

        List<X509Certificate> chain = account.obtain(List.of(AcmeIdentifier.of(MEMBER)),
                csr(CertificateProfile.SIGN, MEMBER, List.of()), refusingResponder());

        assertEquals(2, chain.size());
        assertEquals(MEMBER, CertificateProfile.SIGN.identityOf(chain.get(0)));
        assertEquals(ca.caCertificate(), chain.get(1));
        assertTrue(chain.get(0).getKeyUsage()[1], "nonRepudiation: the CA's signing profile");
        assertEquals(1, ca.list().stream().filter(c -> c.certificate().equals(chain.get(0))).count(),
                "recorded by the CA, so OCSP answers for it");
    }

    @Test
    void authenticationCertificate_needsTheHttp01Answer_andCarriesTheServerAndItsAddress() throws AcmeException,
            SigningException, IOException, ProfileException, CertificateParsingException {
        try (ChallengeListener listener = new ChallengeListener(false)) {
            AcmeClient.Account account = client().register(eab);

            List<X509Certificate> chain = account.obtain(List.of(AcmeIdentifier.of(SERVER), AcmeIdentifier.host("127.0.0.1")),
                    csr(CertificateProfile.AUTH, SERVER, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))),
                    listener);

            assertEquals(SERVER, CertificateProfile.AUTH.identityOf(chain.get(0)));
            assertTrue(chain.get(0).getSubjectAlternativeNames().stream()
                    .anyMatch(n -> n.get(0).equals(GeneralName.iPAddress) && n.get(1).equals("127.0.0.1")));
            assertEquals(1, listener.fetched.get(), "the CA fetched the key authorization once");
        }
    }

    @Test
    void wrongHttp01Answer_failsTheChallengeAndTheOrder() throws AcmeException, IOException {
        try (ChallengeListener listener = new ChallengeListener(true)) {
            AcmeClient.Account account = client().register(eab);

            AcmeException e = assertThrows(AcmeException.class, () -> account.obtain(
                    List.of(AcmeIdentifier.of(SERVER), AcmeIdentifier.host("127.0.0.1")),
                    csr(CertificateProfile.AUTH, SERVER, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))),
                    listener));

            assertTrue(e.is(AcmeError.INCORRECT_RESPONSE), e.type() + " " + e.getMessage());
            assertTrue(e.getMessage().contains("another key authorization"), e.getMessage());
        }
    }

    @Test
    void unreachableHost_failsTheChallenge() throws AcmeException {
        AcmeClient.Account account = client().register(eab);
        Http01Responder nobodyListens = (token, keyAuthorization) -> () -> { };

        AcmeException e = assertThrows(AcmeException.class, () -> account.obtain(
                List.of(AcmeIdentifier.of(SERVER), AcmeIdentifier.host("127.0.0.1")),
                csr(CertificateProfile.AUTH, SERVER, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))),
                nobodyListens));

        assertTrue(e.getMessage().contains("cannot fetch http://127.0.0.1:" + challengePort), e.getMessage());
    }

    @Test
    void accountAndOrders_arePersisted_acrossARestartOfTheCa() throws AcmeException, CaException, SigningException,
            IOException {
        AcmeClient.Account account = client().register(eab);
        server.close();
        ca.close();
        ca = CertificateAuthority.open(dir, Pin.of("acme-pin"), keys.bc, keys.random, keys.clock);
        server = TrustServer.start(ca, ca.settings().listen(), keys.clock, keys.random, challengePort);

        List<X509Certificate> chain = account.obtain(List.of(AcmeIdentifier.of(MEMBER)),
                csr(CertificateProfile.SIGN, MEMBER, List.of()), refusingResponder());

        assertEquals(ca.caCertificate(), chain.get(1));
    }

    // --- refusals ---

    private ECKey newKey() throws JOSEException {
        return new ECKeyGenerator(Curve.P_256).secureRandom(keys.random).generate();
    }

    @Test
    void newAccountWithoutEab_isRefused() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url,
                AcmeClient.signedBody(url, Map.of("termsOfServiceAgreed", true), client.freshNonce(), key, key, null)));

        assertTrue(e.is(AcmeError.EXTERNAL_ACCOUNT_REQUIRED), e.type());
        assertEquals(400, e.status());
    }

    @Test
    void newAccountWithBadEabMac_isRefused() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");
        byte[] wrong = eab.hmacKey();
        wrong[0] ^= 1;
        Map<String, Object> payload = Map.of("externalAccountBinding",
                AcmeClient.eabBinding(new EabCredentials(eab.keyId(), wrong), key, url));

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url,
                AcmeClient.signedBody(url, payload, client.freshNonce(), key, key, null)));

        assertTrue(e.is(AcmeError.UNAUTHORIZED), e.type());
        assertTrue(e.getMessage().contains("MAC does not verify"), e.getMessage());
    }

    @Test
    void newAccountWithUnknownOrWithdrawnEab_isRefused() throws AcmeException, JOSEException, CaException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");
        EabCredentials unknown = new EabCredentials("no-such-kid", eab.hmacKey());
        assertTrue(AcmeServer.revokeEab(ca, eab.keyId(), keys.clock));

        for (EabCredentials credentials : List.of(unknown, eab)) {
            AcmeException e = assertThrows(AcmeException.class, () -> client.send(url, AcmeClient.signedBody(url,
                    Map.of("externalAccountBinding", AcmeClient.eabBinding(credentials, key, url)), client.freshNonce(),
                    key, key, null)));
            assertTrue(e.is(AcmeError.UNAUTHORIZED), e.type());
        }
    }

    @Test
    void eabBindingAnotherKey_isRefused() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url, AcmeClient.signedBody(url,
                Map.of("externalAccountBinding", AcmeClient.eabBinding(eab, newKey(), url)), client.freshNonce(),
                key, key, null)));

        assertTrue(e.is(AcmeError.UNAUTHORIZED), e.type());
        assertTrue(e.getMessage().contains("another key"), e.getMessage());
    }

    @Test
    void badJwsSignature_isRefused() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        ECKey impostor = newKey();
        String url = client.url("newAccount");
        Map<String, Object> payload = Map.of("externalAccountBinding", AcmeClient.eabBinding(eab, key, url));

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url,
                AcmeClient.signedBody(url, payload, client.freshNonce(), impostor, key, null)));

        assertTrue(e.is(AcmeError.MALFORMED), e.type());
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void replayedNonce_isRefused() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");
        String body = AcmeClient.signedBody(url, Map.of("externalAccountBinding", AcmeClient.eabBinding(eab, key, url)),
                client.freshNonce(), key, key, null);
        assertEquals(201, client.send(url, body).status());

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url, body));

        assertTrue(e.is(AcmeError.BAD_NONCE), e.type());
    }

    @Test
    void inventedNonce_isRefused_andTheSameKeyGetsItsAccountBack() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");
        Map<String, Object> payload = Map.of("externalAccountBinding", AcmeClient.eabBinding(eab, key, url));

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url,
                AcmeClient.signedBody(url, payload, "bm90LWlzc3VlZA", key, key, null)));
        AcmeClient.Reply first = client.send(url, AcmeClient.signedBody(url, payload, client.freshNonce(), key, key, null));
        AcmeClient.Reply again = client.send(url, AcmeClient.signedBody(url, Map.of("onlyReturnExisting", true),
                client.freshNonce(), key, key, null));

        assertTrue(e.is(AcmeError.BAD_NONCE), e.type());
        assertEquals(201, first.status());
        assertEquals(200, again.status());
        assertEquals(first.header("Location"), again.header("Location"));
    }

    @Test
    void requestSignedForAnotherUrl_isRefused() throws AcmeException, JOSEException {
        AcmeClient client = client();
        ECKey key = newKey();
        String url = client.url("newAccount");
        String body = AcmeClient.signedBody(url + "x", Map.of(), client.freshNonce(), key, key, null);

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(url, body));

        assertTrue(e.is(AcmeError.UNAUTHORIZED), e.type());
    }

    @Test
    void csrNotMatchingTheOrder_isRefused_andTheOrderStaysReady() throws AcmeException, SigningException, IOException {
        AcmeClient client = client();
        AcmeClient.Account account = client.register(eab);

        AcmeException otherMember = assertThrows(AcmeException.class, () -> account.obtain(List.of(AcmeIdentifier.of(MEMBER)),
                csr(CertificateProfile.SIGN, MemberId.parse("DEMO/GOV/1001x"), List.of()), refusingResponder()));
        AcmeException wrongProfile = assertThrows(AcmeException.class, () -> account.obtain(
                List.of(AcmeIdentifier.of(MEMBER)), csr(CertificateProfile.AUTH, SERVER,
                        List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))), refusingResponder()));

        assertTrue(otherMember.is(AcmeError.BAD_CSR), otherMember.type());
        assertTrue(otherMember.getMessage().contains("but the order is for urn:xroad:member:DEMO/GOV/1001"),
                otherMember.getMessage());
        assertTrue(wrongProfile.is(AcmeError.BAD_CSR), wrongProfile.type());
        assertTrue(wrongProfile.getMessage().contains("urn:xroad:server:DEMO/GOV/1001/ss1"), wrongProfile.getMessage());
    }

    @Test
    void csrWithOtherHostsThanTheOrder_isRefused() throws AcmeException, IOException {
        try (ChallengeListener listener = new ChallengeListener(false)) {
            AcmeClient.Account account = client().register(eab);

            AcmeException e = assertThrows(AcmeException.class, () -> account.obtain(
                    List.of(AcmeIdentifier.of(SERVER), AcmeIdentifier.host("127.0.0.1")),
                    csr(CertificateProfile.AUTH, SERVER, List.of(new GeneralName(GeneralName.dNSName, "evil.example"))),
                    listener));

            assertTrue(e.is(AcmeError.BAD_CSR), e.type());
            assertTrue(e.getMessage().contains("evil.example"), e.getMessage());
        }
    }

    @Test
    void ordersOutsideTheBoundMemberOrOfTheWrongShape_areRefused() throws AcmeException, SigningException, IOException {
        AcmeClient.Account account = client().register(eab);
        byte[] csr = csr(CertificateProfile.SIGN, MEMBER, List.of());
        Map<List<AcmeIdentifier>, AcmeError> cases = Map.of(
                List.of(AcmeIdentifier.of(OTHER)), AcmeError.UNAUTHORIZED,
                List.of(AcmeIdentifier.of(SecurityServerId.parse("DEMO/GOV/1002/ss1")), AcmeIdentifier.host("127.0.0.1")),
                AcmeError.UNAUTHORIZED,
                List.of(AcmeIdentifier.of(MEMBER), AcmeIdentifier.host("127.0.0.1")), AcmeError.REJECTED_IDENTIFIER,
                List.of(AcmeIdentifier.of(SERVER)), AcmeError.REJECTED_IDENTIFIER,
                List.of(AcmeIdentifier.host("127.0.0.1")), AcmeError.REJECTED_IDENTIFIER);

        for (Map.Entry<List<AcmeIdentifier>, AcmeError> c : cases.entrySet()) {
            AcmeException e = assertThrows(AcmeException.class, () -> account.obtain(c.getKey(), csr, refusingResponder()));
            assertTrue(e.is(c.getValue()), c.getKey() + ": " + e.type() + " " + e.getMessage());
        }
    }

    @Test
    void unsupportedIdentifierTypeAndNotAfter_areRefused() throws AcmeException {
        AcmeClient client = client();
        AcmeClient.Account account = client.register(eab);
        String url = client.url("newOrder");
        Map<String, Object> email = Map.of("identifiers", List.of(Map.of("type", "email", "value", "a@b.example")));
        Map<String, Object> notAfter = Map.of("identifiers", List.of(Map.of("type", "xroad",
                "value", "urn:xroad:member:DEMO/GOV/1001")), "notAfter", "2099-01-01T00:00:00Z");

        AcmeException e1 = assertThrows(AcmeException.class, () -> client.send(url,
                AcmeClient.signedBody(url, email, client.freshNonce(), account.key(), null, account.url())));
        AcmeException e2 = assertThrows(AcmeException.class, () -> client.send(url,
                AcmeClient.signedBody(url, notAfter, client.freshNonce(), account.key(), null, account.url())));

        assertTrue(e1.is(AcmeError.UNSUPPORTED_IDENTIFIER), e1.type());
        assertTrue(e2.is(AcmeError.MALFORMED), e2.type());
    }

    @Test
    void finalizeBeforeTheChallenge_isOrderNotReady() throws AcmeException, SigningException, IOException {
        AcmeClient client = client();
        AcmeClient.Account account = client.register(eab);
        String newOrder = client.url("newOrder");
        AcmeClient.Reply order = client.send(newOrder, AcmeClient.signedBody(newOrder, Map.of("identifiers", List.of(
                Map.of("type", "xroad", "value", "urn:xroad:server:DEMO/GOV/1001/ss1"),
                Map.of("type", "ip", "value", "127.0.0.1"))), client.freshNonce(), account.key(), null, account.url()));
        String finalizeUrl = order.json().get("finalize").asText();
        String csr = Base64.getUrlEncoder().withoutPadding().encodeToString(
                csr(CertificateProfile.AUTH, SERVER, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))));

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(finalizeUrl, AcmeClient.signedBody(
                finalizeUrl, Map.of("csr", csr), client.freshNonce(), account.key(), null, account.url())));

        assertTrue(e.is(AcmeError.ORDER_NOT_READY), e.type());
        assertEquals(403, e.status());
    }

    @Test
    void anotherAccount_cannotReadAnOrder() throws AcmeException, CaException {
        AcmeClient client = client();
        AcmeClient.Account owner = client.register(eab);
        AcmeClient.Account stranger = client.register(AcmeServer.createEab(ca, OTHER, keys.clock, keys.random));
        String newOrder = client.url("newOrder");
        String orderUrl = client.send(newOrder, AcmeClient.signedBody(newOrder, Map.of("identifiers", List.of(
                Map.of("type", "xroad", "value", "urn:xroad:member:DEMO/GOV/1001"))), client.freshNonce(), owner.key(),
                null, owner.url())).header("Location");

        AcmeException e = assertThrows(AcmeException.class, () -> client.send(orderUrl,
                AcmeClient.signedBody(orderUrl, null, client.freshNonce(), stranger.key(), null, stranger.url())));

        assertTrue(e.is(AcmeError.UNAUTHORIZED), e.type());
    }

    @Test
    void badInputs_areProblemDocuments_neverA5xx() throws IOException, InterruptedException, AcmeException {
        String base = directory.toString().replace("/directory", "");
        List<String> failures = new ArrayList<>();
        String[][] requests = {
                {"/new-account", "application/json", "{}"},
                {"/new-account", "application/jose+json", "not json"},
                {"/new-account", "application/jose+json", "[]"},
                {"/new-account", "application/jose+json", "{\"protected\":\"e30\",\"payload\":\"\",\"signature\":\"\"}"},
                {"/new-account", "application/jose+json", "{\"protected\":\"!!\",\"payload\":\"\",\"signature\":\"\"}"},
                {"/new-account", "application/jose+json", "{\"protected\":1,\"payload\":\"\",\"signature\":\"\"}"},
                {"/new-account", "application/jose+json", "{\"protected\":\"e30\",\"payload\":\"\",\"signature\":\"\",\"header\":{}}"},
                {"/new-order", "application/jose+json", "{\"protected\":\"eyJhbGciOiJIUzI1NiJ9\",\"payload\":\"\",\"signature\":\"\"}"},
                {"/order/nope", "application/jose+json", "{}"},
                {"/challenge/nope/finalize", "application/jose+json", "{}"},
        };
        for (String[] r : requests) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + r[0]))
                    .header("Content-Type", r[1]).POST(HttpRequest.BodyPublishers.ofString(r[2])).build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean problem = response.headers().firstValue("Content-Type").orElse("").equals("application/problem+json")
                    && response.body().contains("\"type\":\"urn:ietf:params:acme:error:");
            boolean notFound = response.statusCode() == 404;
            if (response.statusCode() >= 500 || response.statusCode() < 400 || (!problem && !notFound)
                    || response.body().contains("Exception")) {
                failures.add(r[0] + " " + r[2] + " -> " + response.statusCode() + " " + response.body());
            }
            if (problem && response.headers().firstValue("Replay-Nonce").isEmpty()) {
                failures.add(r[0] + ": a problem without a fresh nonce");
            }
        }
        assertEquals(List.of(), failures);
    }
}
