package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.RevocationReason;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.testing.ProxyFixture;

/**
 * Rotating a member's signing key while messages are signed: the new key is used from the moment
 * its certificate can sign (certified, an OCSP response at hand), the old one until then, so no
 * signature fails for the switch; a new certificate the CA says is revoked is never used; both
 * signers (single and batch) choose the same way, and what they sign verifies.
 */
class SigningKeyRotationTest {

    @TempDir
    Path dir;

    private ProxyFixture fixture;
    private GlobalConfHolder globalConf;
    private TrustedConfiguration trusted;
    private Rotating identity;

    /** The consumer's server with a list of signing keys the test changes, newest first. */
    private final class Rotating implements ServerIdentity {
        final List<MemberKey> keys = new CopyOnWriteArrayList<>();

        @Override
        public SecurityServerId serverId() {
            return fixture.consumer.serverId();
        }

        @Override
        public X509KeyManager authKeyManager() {
            return fixture.consumer.authKeyManager();
        }

        @Override
        public Optional<MemberKey> signingKey(MemberId member) {
            return signingKeys(member).stream().findFirst();
        }

        @Override
        public List<MemberKey> signingKeys(MemberId member) {
            return member.equals(ProxyFixture.CONSUMER_MEMBER) ? List.copyOf(keys) : List.of();
        }

        @Override
        public List<X509Certificate> ownCertificates() {
            List<X509Certificate> all = new ArrayList<>();
            keys.forEach(k -> all.add(k.chain().get(0)));
            return all;
        }
    }

    @BeforeEach
    void start() throws CaException, GeneralSecurityException, IOException, SigningException, TokenException,
            ExchangeException {
        fixture = new ProxyFixture(dir);
        globalConf = fixture.globalConf();
        trusted = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF);
        identity = new Rotating();
        identity.keys.add(fixture.consumer.signingKey(ProxyFixture.CONSUMER_MEMBER).orElseThrow());
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private static RequestDigest digest(String id) {
        return RequestDigest.builder().id(id).client(ProxyFixture.CLIENT).service(ProxyFixture.SERVICE).method("GET")
                .path("/EE1").query("").headersSha256(MessageHashes.headers(List.of()))
                .bodySha256(MessageHashes.sha256(new byte[0])).purpose("tax-assessment").subjects(List.of("EE1"))
                .iat(1_700_000_000L).build();
    }

    /** Signs with {@code signer} and verifies; returns the certificate the signature was made with. */
    private X509Certificate signedWith(MessageSigner signer, String id) throws ExecutionException,
            InterruptedException, MessageVerificationException {
        String signature = signer.sign(ProxyFixture.CONSUMER_MEMBER, digest(id), trusted).get();
        MessageVerifier.Verified<RequestDigest> verified = new BatchMessageVerifier(fixture.bc, fixture.clock)
                .verify(signature, RequestDigest.class, trusted);
        assertEquals(ProxyFixture.CONSUMER_MEMBER, verified.signer());
        return verified.jws().signer();
    }

    @Test
    void newKey_usedOnceItsCertificateCanSign_theOldOneUntilThen() throws CaException, SigningException,
            ExecutionException, InterruptedException, MessageVerificationException {
        OwnOcspResponses ocsp = fixture.ownOcsp(identity, globalConf);
        MessageSigner single = new SingleMessageSigner(identity, ocsp);
        X509Certificate old = identity.keys.get(0).chain().get(0);
        assertEquals(old, signedWith(single, "q1"));

        ServerIdentity.MemberKey next = fixture.memberKey(ProxyFixture.CONSUMER_MEMBER);
        identity.keys.add(0, next); // imported: the newest certificate, but no OCSP response for it yet
        assertEquals(old, signedWith(single, "q2"), "the switch waits for the new certificate's status");

        ocsp.refresh();
        assertEquals(next.chain().get(0), signedWith(single, "q3"));
        try (BatchMessageSigner batch = BatchMessageSigner.start(identity, ocsp, fixture.random, 64, Runnable::run)) {
            assertEquals(next.chain().get(0), signedWith(batch, "q4"), "the batch signer chooses alike");
        }

        identity.keys.remove(1); // the old key deleted: nothing changes for signing
        assertEquals(next.chain().get(0), signedWith(single, "q5"));
    }

    @Test
    void newCertificateRevoked_neverUsed_theOldKeySignsOn() throws CaException, SigningException,
            ExecutionException, InterruptedException, MessageVerificationException {
        OwnOcspResponses ocsp = fixture.ownOcsp(identity, globalConf);
        MessageSigner single = new SingleMessageSigner(identity, ocsp);
        X509Certificate old = identity.keys.get(0).chain().get(0);
        ServerIdentity.MemberKey next = fixture.memberKey(ProxyFixture.CONSUMER_MEMBER);
        fixture.ca.revoke(next.chain().get(0).getSerialNumber(), RevocationReason.KEY_COMPROMISE);
        identity.keys.add(0, next);
        ocsp.refresh();

        assertEquals(old, signedWith(single, "q1"));
    }

    @Test
    void noKeyCanSign_theNewestKeysReasonIsGiven() throws CaException, SigningException {
        OwnOcspResponses none = new OwnOcspResponses(identity, globalConf, fixture.ocspTransport(), fixture.clock,
                fixture.bc, fixture.random);
        identity.keys.add(0, fixture.memberKey(ProxyFixture.CONSUMER_MEMBER));

        MessageSigningException e = assertThrows(MessageSigningException.class, () -> none.choose(
                ProxyFixture.CONSUMER_MEMBER, identity.signingKeys(ProxyFixture.CONSUMER_MEMBER), trusted.ocspFreshness()));
        assertEquals(MessageSigningException.Reason.CERTIFICATE_STATUS_UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().startsWith("no OCSP response has been obtained yet"), e.getMessage());
        MessageSigningException noKey = assertInstanceOf(MessageSigningException.class, assertThrows(
                MessageSigningException.class, () -> none.choose(ProxyFixture.PROVIDER_MEMBER, List.of(),
                        trusted.ocspFreshness())));
        assertEquals(MessageSigningException.Reason.NO_SIGNING_KEY, noKey.reason());
    }
}
