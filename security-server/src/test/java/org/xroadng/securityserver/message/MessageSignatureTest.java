package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.testing.ProxyFixture;

/** The single signer and verifier against a real CA and OCSP responder, and the kinds of failure each names. */
class MessageSignatureTest {

    @TempDir
    static Path dir;
    static ProxyFixture fixture;
    static GlobalConfHolder globalConf;
    static TrustedConfiguration trusted;
    static MessageSigner consumerSigner;
    static MessageVerifier verifier;

    @BeforeAll
    static void pki() throws CaException, GeneralSecurityException, IOException, SigningException, TokenException,
            ExchangeException {
        fixture = new ProxyFixture(dir);
        globalConf = fixture.globalConf();
        trusted = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF);
        consumerSigner = new SingleMessageSigner(fixture.consumer, fixture.ownOcsp(fixture.consumer, globalConf));
        verifier = new SingleMessageVerifier(fixture.bc, fixture.clock);
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    private static RequestDigest digest() {
        return RequestDigest.builder().id("q1").client(ProxyFixture.CLIENT).service(ProxyFixture.SERVICE).method("GET")
                .path("/EE1").query("").headersSha256(MessageHashes.headers(List.of()))
                .bodySha256(MessageHashes.sha256(new byte[0])).purpose("tax-assessment").subjects(List.of("EE1"))
                .iat(1_700_000_000L).build();
    }

    private static <T> Throwable failure(CompletableFuture<T> future) {
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        return e.getCause();
    }

    @Test
    void signedDigest_verifiesAsTheSigningMember_withTheSameSummary() throws InterruptedException, ExecutionException,
            MessageVerificationException {
        CompletableFuture<String> signed = consumerSigner.sign(ProxyFixture.CONSUMER_MEMBER, digest(), trusted);
        assertTrue(signed.isDone(), "the single signer completes before it returns");

        MessageVerifier.Verified<RequestDigest> verified = verifier.verify(signed.get(), RequestDigest.class, trusted);

        assertEquals(ProxyFixture.CONSUMER_MEMBER, verified.signer());
        assertEquals(digest(), verified.summary());
    }

    @Test
    void memberWithoutKeyHere_failsNoSigningKey() {
        Throwable cause = failure(consumerSigner.sign(ProxyFixture.PROVIDER_MEMBER, digest(), trusted));

        MessageSigningException e = assertInstanceOf(MessageSigningException.class, cause);
        assertEquals(MessageSigningException.Reason.NO_SIGNING_KEY, e.reason());
        assertEquals("this security server holds no signing certificate for member DEMO/GOV/1001", e.getMessage());
    }

    @Test
    void noOcspResponseFetchedYet_failsCertificateStatusUnavailable() {
        OwnOcspResponses none = new OwnOcspResponses(fixture.consumer, globalConf, fixture.ocspTransport(),
                fixture.clock, fixture.bc, fixture.random);
        MessageSigner signer = new SingleMessageSigner(fixture.consumer, none);

        Throwable cause = failure(signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(), trusted));

        MessageSigningException e = assertInstanceOf(MessageSigningException.class, cause);
        assertEquals(MessageSigningException.Reason.CERTIFICATE_STATUS_UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().startsWith("no OCSP response has been obtained yet"), e.getMessage());
    }

    @Test
    void notAJws_failsInvalidSignature() {
        MessageVerificationException e = assertThrows(MessageVerificationException.class,
                () -> verifier.verify("not.a-jws", RequestDigest.class, trusted));
        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
    }

    @Test
    void alteredPayload_failsInvalidSignature() throws InterruptedException, ExecutionException {
        String[] parts = consumerSigner.sign(ProxyFixture.CONSUMER_MEMBER, digest(), trusted).get().split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"v\":1}".getBytes(StandardCharsets.UTF_8));

        MessageVerificationException e = assertThrows(MessageVerificationException.class,
                () -> verifier.verify(parts[0] + "." + otherPayload + "." + parts[2], RequestDigest.class, trusted));

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("message signature is invalid: signature does not verify"), e.getMessage());
    }

    @Test
    void summaryOfAnotherKind_failsInvalidSignatureAsMalformed() throws InterruptedException, ExecutionException {
        ResponseDigest response = ResponseDigest.builder().id("q1").status(200).headersSha256("h").bodySha256("b")
                .requestHash("r").iat(1).build();
        String signed = consumerSigner.sign(ProxyFixture.CONSUMER_MEMBER, response, trusted).get();

        MessageVerificationException e = assertThrows(MessageVerificationException.class,
                () -> verifier.verify(signed, RequestDigest.class, trusted));

        assertEquals(MessageVerificationException.Reason.INVALID_SIGNATURE, e.reason());
        assertTrue(e.getMessage().startsWith("signed summary is malformed"), e.getMessage());
    }

    @Test
    void signatureWithoutOcspResponse_failsCertificateStatusUnavailable() throws SigningException,
            JsonProcessingException {
        ServerIdentity.MemberKey key = fixture.consumer.signingKey(ProxyFixture.CONSUMER_MEMBER).orElseThrow();
        String signed = new JwsSigner(key.key(), key.chain()).sign(ProtocolJson.mapper().writeValueAsBytes(digest()));

        MessageVerificationException e = assertThrows(MessageVerificationException.class,
                () -> verifier.verify(signed, RequestDigest.class, trusted));

        assertEquals(MessageVerificationException.Reason.CERTIFICATE_STATUS_UNAVAILABLE, e.reason());
    }

    @Test
    void certificateOfNoApprovedCa_failsCertificateInvalid() throws SigningException, JsonProcessingException {
        KeyPair pair = Keys.generateP256(fixture.bc, fixture.random);
        JcaSigningKey key = new JcaSigningKey("rogue", pair.getPrivate(), pair.getPublic(), fixture.bc);
        X509Certificate rogue = X509Issuer.selfSigned(new X500Name("CN=DEMO/GOV/1002"), CertificateKind.CONFIGURATION_SIGN,
                key, Duration.ofDays(1), fixture.clock, fixture.random);
        String signed = new JwsSigner(key, List.of(rogue)).sign(ProtocolJson.mapper().writeValueAsBytes(digest()),
                Map.of("ocsp", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));

        MessageVerificationException e = assertThrows(MessageVerificationException.class,
                () -> verifier.verify(signed, RequestDigest.class, trusted));

        assertEquals(MessageVerificationException.Reason.CERTIFICATE_INVALID, e.reason());
        assertTrue(e.getMessage().startsWith("the signer's certificate is not acceptable"), e.getMessage());
    }
}
