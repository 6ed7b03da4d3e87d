package org.xroadng.certs.tsa;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.tsa.TimestampException.Check;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.testing.FreePorts;

class TimestampClientTest {

    private static final byte[] DIGEST = TsaFixture.sha256(new byte[] {9, 9, 9});

    private final TsaFixture fixture = new TsaFixture();

    @Test
    void roundTrip_returnsTokenThatVerifies() throws IOException, TimestampException {
        try (HttpApiServer server = TsaFixture.serve(new TsaHttpEndpoint(fixture.tsa))) {
            TimeStampToken token = fixture.client(TsaFixture.tsaUri(server)).timestamp(DIGEST);

            VerifiedTimestamp verified = new TimestampVerifier(fixture.pki.bc)
                    .verify(token.getEncoded(), DIGEST, fixture.tsaIssued.cert());
            assertEquals(TsaFixture.NOW, verified.genTime());
            assertFalse(token.getCertificates().getMatches(null).isEmpty(), "client asks for certReq");
        }
    }

    @Test
    void tsaWithAnotherCertificate_isRefusedAsSignerMismatch() throws IOException {
        TestPki.Issued other = fixture.pki.issue("Other TSA", CertificateKind.TSA, List.of(), null);
        TimeStampAuthority otherTsa = new TimeStampAuthority(other.cert(), List.of(), other.key(), TsaFixture.CLOCK,
                fixture.pki.random);

        TimestampException e = timestampAgainst(new TsaHttpEndpoint(otherTsa));

        assertEquals(Check.SIGNER, e.check());
    }

    @Test
    void responseWithAnotherNonce_isRefusedAsNonceMismatch() throws IOException {
        HttpEndpoint changesNonce = call -> {
            TimeStampRequest sent = parse(call.body());
            byte[] forged = rebuild(sent, sent.getNonce().add(BigInteger.ONE), null);
            return HttpReply.of(200, TsaHttpEndpoint.REPLY_TYPE, fixture.tsa.respond(forged));
        };

        TimestampException e = timestampAgainst(changesNonce);

        assertEquals(Check.NONCE, e.check());
        assertEquals(new BigInteger(e.expected().orElseThrow()).add(BigInteger.ONE),
                new BigInteger(e.actual().orElseThrow()));
    }

    @Test
    void tokenWithFlippedSignatureByte_isRefusedAsBadSignature() throws IOException {
        HttpEndpoint tampers = call -> {
            try {
                byte[] reply = Tampering.flipLastSignatureByteInResponse(fixture.tsa.respond(call.body()));
                return HttpReply.of(200, TsaHttpEndpoint.REPLY_TYPE, reply);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };

        TimestampException e = timestampAgainst(tampers);

        assertEquals(Check.SIGNATURE, e.check());
    }

    @Test
    void rejection_carriesStatusStringAndFailInfo() throws IOException {
        HttpEndpoint asksOtherPolicy = call -> HttpReply.of(200, TsaHttpEndpoint.REPLY_TYPE,
                fixture.tsa.respond(rebuild(parse(call.body()), null, new ASN1ObjectIdentifier("1.2.3.4"))));

        TimestampException e = timestampAgainst(asksOtherPolicy);

        assertEquals(Check.PKI_STATUS, e.check());
        assertEquals(PKIFailureInfo.unacceptedPolicy, e.failInfo().orElseThrow());
        assertTrue(e.statusString().orElseThrow().contains("1.2.3.4"), e.statusString().orElseThrow());
        assertTrue(e.getMessage().contains("unacceptedPolicy"), e.getMessage());
        assertTrue(e.getMessage().contains(e.statusString().orElseThrow()), e.getMessage());
    }

    @Test
    void answerThatIsNotATimestampReply_isRefusedAsHttpResponse() throws IOException {
        TimestampException e = timestampAgainst(call -> HttpReply.text(200, "hello"));

        assertEquals(Check.HTTP_RESPONSE, e.check());
        assertEquals(TsaHttpEndpoint.REPLY_TYPE, e.expected().orElseThrow());
    }

    @Test
    void httpErrorStatus_isRefusedAsHttpResponse() throws IOException {
        TimestampException e = timestampAgainst(call -> HttpReply.text(503, "down for maintenance"));

        assertEquals(Check.HTTP_RESPONSE, e.check());
        assertEquals("503", e.actual().orElseThrow());
    }

    @Test
    void tsaClockFarFromOurs_isRefusedAsGenTime() throws IOException {
        Clock ours = Clock.fixed(TsaFixture.NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        try (HttpApiServer server = TsaFixture.serve(new TsaHttpEndpoint(fixture.tsa))) {
            TimestampClient client = new TimestampClient(TsaFixture.tsaUri(server), fixture.tsaIssued.cert(), ours,
                    fixture.pki.bc, fixture.pki.random, Duration.ofSeconds(10));

            TimestampException e = assertThrows(TimestampException.class, () -> client.timestamp(DIGEST));

            assertEquals(Check.GEN_TIME, e.check());
        }
    }

    @Test
    void tsaDown_isTransportFailureNamingTheTsa() throws IOException {
        int port = FreePorts.one();
        URI down = URI.create("http://127.0.0.1:" + port + "/tsa");

        TimestampException e = assertThrows(TimestampException.class, () -> fixture.client(down).timestamp(DIGEST));

        assertEquals(Check.TRANSPORT, e.check());
        assertTrue(e.getMessage().contains(down.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }

    @Test
    void digestOfWrongLength_isIllegalArgument() {
        TimestampClient client = fixture.client(URI.create("http://127.0.0.1:1/tsa"));

        assertThrows(IllegalArgumentException.class, () -> client.timestamp(new byte[20]));
    }

    private TimestampException timestampAgainst(HttpEndpoint endpoint) throws IOException {
        try (HttpApiServer server = TsaFixture.serve(endpoint)) {
            TimestampClient client = fixture.client(TsaFixture.tsaUri(server));
            return assertThrows(TimestampException.class, () -> client.timestamp(DIGEST));
        }
    }

    private static TimeStampRequest parse(byte[] body) {
        try {
            return new TimeStampRequest(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same request with another nonce (null keeps it) and, if given, a requested policy. */
    private static byte[] rebuild(TimeStampRequest sent, BigInteger nonce, ASN1ObjectIdentifier policy) {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(sent.getCertReq());
        if (policy != null) {
            generator.setReqPolicy(policy);
        }
        try {
            return generator.generate(sent.getMessageImprintAlgOID(), sent.getMessageImprintDigest(),
                    nonce == null ? sent.getNonce() : nonce).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
