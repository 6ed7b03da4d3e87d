package org.xroadng.registry.management;

import org.xroadng.certs.MutableClock;
import org.xroadng.protocol.jws.SigningException;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.cert.CertificateEncodingException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.registry.management.ManagementPki.base64;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xroadng.certs.Keys;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.management.AddressChangeRequest;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.registry.management.ManagementRequestException.Reason;

class ManagementRequestVerifierTest {

    private static final Instant NOW = Instant.parse("2030-05-06T09:00:00Z");
    private static final Duration FRESHNESS = Duration.ofMinutes(30);
    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final MemberId OTHER = MemberId.parse("DEMO/COM/2002");
    private static final SecurityServerId SERVER = OWNER.server("ss1");
    private static final SubsystemId OTHERS_CLIENT = OTHER.subsystem("crm");
    private static final String ADDRESS = "ss1.example.org:5500";

    private final MutableClock clock = new MutableClock(NOW);
    private final ManagementPki ca = new ManagementPki(clock, "Test Root CA");
    private final TestPki.Issued ownerSign = ca.member(OWNER);
    private final TestPki.Issued otherSign = ca.member(OTHER);
    private final TestPki.Issued auth = ca.server(SERVER);
    private final ManagementRequestVerifier verifier = new ManagementRequestVerifier(ca.pki.bc, clock);

    private AuthCertRegRequest authCertReg(TestPki.Issued authCertificate) {
        return new AuthCertRegRequest(SERVER, ADDRESS, base64(authCertificate.cert()), clock.instant());
    }

    private String filed(AuthCertRegRequest request, TestPki.Issued authSigner, TestPki.Issued owner)
 throws SigningException {
        return ManagementRequests.authCertReg(request, ca.signer(authSigner), ca.ocsp(authSigner.cert()),
                ca.signer(owner), ca.ocsp(owner.cert()));
    }

    private ClientRegRequest clientReg() {
        return new ClientRegRequest(SERVER, OTHERS_CLIENT, clock.instant());
    }

    private String filed(ClientRegRequest request, TestPki.Issued member) throws SigningException {
        return ManagementRequests.clientReg(request, ca.signer(member), ca.ocsp(member.cert()));
    }

    /** A JWS over arbitrary payload bytes, as a (possibly misbehaving) security server could make. */
    private String signedRaw(TestPki.Issued signer, byte[] payload) throws SigningException {
        return ca.signer(signer).sign(payload, ocspParam(ca.ocsp(signer.cert())));
    }

    private static Map<String, Object> ocspParam(byte[] der) {
        return Map.of(ManagementRequests.OCSP_PARAM, Base64.getEncoder().encodeToString(der));
    }

    private static byte[] json(Object request) throws JsonProcessingException {
        return ProtocolJson.mapper().writeValueAsBytes(request);
    }

    private VerifiedManagementRequest verify(String body) throws ManagementRequestException {
        return verifier.verify(body, List.of(ca.ca()), FRESHNESS);
    }

    private ManagementRequestException refused(String body, Reason expected) {
        ManagementRequestException e = assertThrows(ManagementRequestException.class, () -> verify(body));
        assertEquals(expected, e.reason(), e.getMessage());
        return e;
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), () -> "expected to contain <" + expected + ">: " + actual);
    }

    // ---- accepted ----

    @Test
    void goodAuthCertReg_yieldsTheServerItsCertificatesAndTheAuthHash() throws CertificateEncodingException, ManagementRequestException, NoSuchAlgorithmException, SigningException {
        AuthCertRegRequest request = authCertReg(auth);

        VerifiedManagementRequest verified = verify(filed(request, auth, ownerSign));

        VerifiedAuthCertReg reg = (VerifiedAuthCertReg) verified;
        assertEquals(request, reg.request());
        assertEquals(SERVER, reg.server());
        assertEquals(OWNER, reg.signer());
        assertEquals(auth.cert(), reg.authCertificate());
        assertEquals(ownerSign.cert(), reg.ownerSigningCertificate());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(auth.cert().getEncoded())),
                reg.authCertificateSha256Hex());
    }

    @Test
    void goodClientReg_yieldsTheClientAndItsSigningCertificate() throws ManagementRequestException, SigningException {
        ClientRegRequest request = clientReg();

        VerifiedManagementRequest verified = verify(filed(request, otherSign));

        VerifiedClientReg reg = (VerifiedClientReg) verified;
        assertEquals(request, reg.request());
        assertEquals(OTHER, reg.signer());
        assertEquals(SERVER, reg.server());
        assertEquals(otherSign.cert(), reg.signingCertificate());
    }

    // ---- ownerChange, and the owner after one ----

    @Test
    void ownerChange_signedByTheNewOwner_isAccepted_byTheCurrentOwnerRefused()
            throws ManagementRequestException, SigningException {
        OwnerChangeRequest request = new OwnerChangeRequest(SERVER, OTHER, clock.instant());

        VerifiedOwnerChange verified = (VerifiedOwnerChange) verify(ManagementRequests.ownerChange(request,
                ca.signer(otherSign), ca.ocsp(otherSign.cert())));

        assertEquals(request, verified.request());
        assertEquals(OTHER, verified.signer());
        assertEquals(otherSign.cert(), verified.signingCertificate());
        ManagementRequestException e = refused(ManagementRequests.ownerChange(request, ca.signer(ownerSign),
                ca.ocsp(ownerSign.cert())), Reason.SIGNER_MISMATCH);
        assertContains("expected the signing certificate of " + OTHER + ", the new owner it names", e.getMessage());
    }

    @Test
    void ownerRequest_afterAnOwnerChange_mustBeSignedByTheRecordedOwner()
            throws ManagementRequestException, SigningException {
        ServerOwners changed = ServerOwners.changed(Map.of(SERVER, OTHER));
        AddressChangeRequest request = new AddressChangeRequest(SERVER, ADDRESS, clock.instant());

        VerifiedOwnerRequest verified = (VerifiedOwnerRequest) verifier.verify(ManagementRequests.ownerRequest(request,
                ca.signer(otherSign), ca.ocsp(otherSign.cert())), List.of(ca.ca()), FRESHNESS, changed);

        assertEquals(OTHER, verified.signer());
        ManagementRequestException e = assertThrows(ManagementRequestException.class, () -> verifier.verify(
                ManagementRequests.ownerRequest(request, ca.signer(ownerSign), ca.ocsp(ownerSign.cert())),
                List.of(ca.ca()), FRESHNESS, changed));
        assertEquals(Reason.SIGNER_MISMATCH, e.reason());
        assertContains("expected the signing certificate of " + OTHER + ", the owner of server " + SERVER,
                e.getMessage());
        VerifiedAuthCertReg reg = (VerifiedAuthCertReg) verifier.verify(filed(authCertReg(auth), auth, otherSign),
                List.of(ca.ca()), FRESHNESS, changed);
        assertEquals(OTHER, reg.signer());
    }

    @Test
    void signerChainIncludingTheApprovedCa_isAccepted() throws ManagementRequestException, SigningException {
        JwsSigner withCa = new JwsSigner(otherSign.key(), List.of(otherSign.cert(), ca.ca()));
        String body = ManagementRequests.clientReg(clientReg(), withCa, ca.ocsp(otherSign.cert()));

        assertEquals(OTHER, verify(body).signer());
    }

    @Test
    void requestedAtAtTheEdgeOfTheWindow_isAccepted() throws ManagementRequestException, SigningException {
        ClientRegRequest request = new ClientRegRequest(SERVER, OTHERS_CLIENT,
                NOW.minus(ManagementRequestVerifier.REQUEST_TIME_WINDOW));

        assertEquals(request, ((VerifiedClientReg) verify(filed(request, otherSign))).request());
    }

    // ---- proof of possession and identities ----

    @Test
    void proofOfPossessionSignedWithAnotherKey_isRefusedAsProofOfPossession() throws SigningException {
        KeyPair impostor = Keys.generateP256(ca.pki.bc, ca.pki.random);
        // Claims the auth certificate's public key but signs with another private key.
        JwsSigner forged = new JwsSigner(new JcaSigningKey("impostor", impostor.getPrivate(),
                auth.cert().getPublicKey(), ca.pki.bc), List.of(auth.cert()));
        String body = ManagementRequests.authCertReg(authCertReg(auth), forged, ca.ocsp(auth.cert()),
                ca.signer(ownerSign), ca.ocsp(ownerSign.cert()));

        ManagementRequestException e = refused(body, Reason.PROOF_OF_POSSESSION);

        assertContains("proof of possession: signature does not verify with the key of", e.getMessage());
    }

    @Test
    void innerPayloadNamingAnotherAuthCertificate_isRefusedAsProofOfPossession() throws SigningException {
        TestPki.Issued otherAuth = ca.server(SERVER);

        ManagementRequestException e = refused(filed(authCertReg(otherAuth), auth, ownerSign),
                Reason.PROOF_OF_POSSESSION);

        assertContains("actual a signature by " + auth.cert().getSubjectX500Principal(), e.getMessage());
    }

    @Test
    void authCertRegAsBareJsonSignedOnlyByTheOwner_isRefusedAsProofOfPossession() throws JsonProcessingException, SigningException {
        String body = signedRaw(ownerSign, json(authCertReg(auth)));

        refused(body, Reason.PROOF_OF_POSSESSION);
    }

    @Test
    void ownerSignatureFromAnotherMember_isRefusedAsSignerMismatch() throws SigningException {
        ManagementRequestException e = refused(filed(authCertReg(auth), auth, otherSign), Reason.SIGNER_MISMATCH);

        assertEquals("authCertReg signer: expected the signing certificate of DEMO/GOV/1001, the owner of"
                + " DEMO/GOV/1001/ss1; actual a certificate of DEMO/COM/2002", e.getMessage());
    }

    @Test
    void clientRegSignedByAnotherMembersKey_isRefusedAsSignerMismatch() throws SigningException {
        ManagementRequestException e = refused(filed(clientReg(), ownerSign), Reason.SIGNER_MISMATCH);

        assertEquals("clientReg signer: expected the signing certificate of DEMO/COM/2002, the member of client"
                + " DEMO/COM/2002/crm; actual a certificate of DEMO/GOV/1001", e.getMessage());
    }

    @Test
    void authCertificateNamingAnotherServer_isRefusedAsIdentityMismatch() throws SigningException {
        TestPki.Issued ss2 = ca.server(OWNER.server("ss2"));

        ManagementRequestException e = refused(filed(authCertReg(ss2), ss2, ownerSign), Reason.IDENTITY_MISMATCH);

        assertEquals("auth certificate: expected one for security server DEMO/GOV/1001/ss1; actual one for"
                + " DEMO/GOV/1001/ss2", e.getMessage());
    }

    @Test
    void memberSigningCertificateOfferedAsAuthCertificate_isRefusedAsInvalid() throws SigningException {
        ManagementRequestException e = refused(filed(authCertReg(ownerSign), ownerSign, ownerSign),
                Reason.CERTIFICATE_INVALID);

        assertContains("auth certificate: ", e.getMessage());
    }

    // ---- certificates and OCSP ----

    @Test
    void revokedOwnerCertificate_isRefusedAsRevoked() throws SigningException {
        ca.revoke(ownerSign.cert(), NOW.minus(Duration.ofDays(1)));

        ManagementRequestException e = refused(filed(authCertReg(auth), auth, ownerSign),
                Reason.CERTIFICATE_REVOKED);

        assertContains("owner signing certificate: ", e.getMessage());
        assertContains("was revoked at " + NOW.minus(Duration.ofDays(1)), e.getMessage());
    }

    @Test
    void revokedAuthCertificate_isRefusedAsRevoked() throws SigningException {
        ca.revoke(auth.cert(), NOW.minus(Duration.ofHours(1)));

        ManagementRequestException e = refused(filed(authCertReg(auth), auth, ownerSign),
                Reason.CERTIFICATE_REVOKED);

        assertContains("auth certificate: ", e.getMessage());
    }

    @Test
    void ocspResponsesOlderThanTheFreshness_areRefusedAsStale() throws SigningException {
        byte[] staleOcsp = ca.ocsp(otherSign.cert());
        clock.advance(FRESHNESS.plusMinutes(1));
        String body = ManagementRequests.clientReg(clientReg(), ca.signer(otherSign), staleOcsp);

        ManagementRequestException e = refused(body, Reason.OCSP_STALE_OR_MISSING);

        assertContains("freshness: expected thisUpdate no older than " + FRESHNESS, e.getMessage());
    }

    @Test
    void staleAuthCertificateOcspResponse_isRefusedAsStale() throws SigningException {
        byte[] staleAuthOcsp = ca.ocsp(auth.cert());
        clock.advance(FRESHNESS.plusMinutes(1));
        String body = ManagementRequests.authCertReg(authCertReg(auth), ca.signer(auth), staleAuthOcsp,
                ca.signer(ownerSign), ca.ocsp(ownerSign.cert()));

        ManagementRequestException e = refused(body, Reason.OCSP_STALE_OR_MISSING);

        assertContains("auth certificate: ", e.getMessage());
    }

    @Test
    void missingOcspHeader_isRefusedAsMissing() throws JsonProcessingException, SigningException {
        String body = ca.signer(otherSign).sign(json(clientReg()));

        ManagementRequestException e = refused(body, Reason.OCSP_STALE_OR_MISSING);

        assertEquals("member signing certificate: expected its OCSP response in protected header parameter"
                + " 'ocsp'; actual none", e.getMessage());
    }

    @Test
    void missingOcspHeaderOnTheProofOfPossession_isRefusedAsMissing() throws JsonProcessingException, SigningException {
        String inner = ca.signer(auth).sign(json(authCertReg(auth)));
        String body = signedRaw(ownerSign, inner.getBytes(StandardCharsets.US_ASCII));

        ManagementRequestException e = refused(body, Reason.OCSP_STALE_OR_MISSING);

        assertContains("auth certificate: expected its OCSP response", e.getMessage());
    }

    @Test
    void ocspResponseAboutAnotherCertificate_isRefusedAsMissing() throws SigningException {
        String body = ManagementRequests.clientReg(clientReg(), ca.signer(otherSign), ca.ocsp(ownerSign.cert()));

        ManagementRequestException e = refused(body, Reason.OCSP_STALE_OR_MISSING);

        assertContains("certificate id: expected serial " + otherSign.cert().getSerialNumber().toString(16),
                e.getMessage());
    }

    @Test
    void ocspHeaderThatIsNotBase64_isRefusedAsMalformed() throws JsonProcessingException, SigningException {
        String body = ca.signer(otherSign).sign(json(clientReg()), Map.of(ManagementRequests.OCSP_PARAM, "%%%"));

        refused(body, Reason.MALFORMED);
    }

    @Test
    void certificateFromAnUnapprovedCa_isRefusedAsInvalid() throws SigningException {
        ManagementPki foreign = new ManagementPki(clock, "Foreign Root CA");
        TestPki.Issued foreignMember = foreign.member(OTHER);
        String body = ManagementRequests.clientReg(clientReg(), foreign.signer(foreignMember),
                foreign.ocsp(foreignMember.cert()));

        ManagementRequestException e = refused(body, Reason.CERTIFICATE_INVALID);

        assertContains("does not chain to an approved CA", e.getMessage());
    }

    @Test
    void signingCertificateWithoutAnXroadName_isRefusedAsInvalid() throws SigningException {
        TestPki.Issued anonymous = ca.pki.issue("anonymous", CertificateKind.MEMBER_SIGN,
                List.of(new GeneralName(GeneralName.dNSName, "anonymous.example.org")), null);

        refused(filed(clientReg(), anonymous), Reason.CERTIFICATE_INVALID);
    }

    // ---- signatures and wire form ----

    @Test
    void tamperedOuterPayload_isRefusedAsBadSignature() throws JsonProcessingException, SigningException {
        String[] parts = filed(clientReg(), otherSign).split("\\.");
        byte[] changed = json(new ClientRegRequest(SERVER, OTHER.subsystem("billing"), NOW));
        String body = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(changed) + "."
                + parts[2];

        ManagementRequestException e = refused(body, Reason.BAD_SIGNATURE);

        assertContains("signature does not verify", e.getMessage());
    }

    @Test
    void algorithmOtherThanEs256_isRefusedAsBadSignature() throws SigningException {
        String[] parts = filed(clientReg(), otherSign).split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)
                .replace("\"ES256\"", "\"HS256\"");
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + "." + parts[2];

        ManagementRequestException e = refused(body, Reason.BAD_SIGNATURE);

        assertContains("signature algorithm is HS256; expected ES256", e.getMessage());
    }

    @Test
    void unsignedAlgNone_isRefusedAsMalformed() throws SigningException {
        String[] parts = filed(clientReg(), otherSign).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));

        refused(none + "." + parts[1] + ".", Reason.MALFORMED);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "a.b", "a.b.c.d", "{\"type\":\"clientReg\"}", "eyJ.\u00e9.x"})
    void garbageBody_isRefusedAsMalformed(String body) {
        refused(body, Reason.MALFORMED);
    }

    @Test
    void bodyLongerThanTheLimit_isRefusedAsMalformed() {
        String body = "e".repeat(ManagementRequestVerifier.MAX_REQUEST_CHARS) + ".e.e";

        ManagementRequestException e = refused(body, Reason.MALFORMED);

        assertContains("expected at most " + ManagementRequestVerifier.MAX_REQUEST_CHARS, e.getMessage());
    }

    @Test
    void payloadThatIsNeitherJsonNorJws_isRefusedAsMalformed() throws SigningException {
        refused(signedRaw(otherSign, "eyJhbGciOi but not a JWS".getBytes(StandardCharsets.UTF_8)), Reason.MALFORMED);
    }

    @Test
    void unknownRequestType_isRefusedAsUnknownType() throws SigningException {
        byte[] payload = "{\"type\":\"serverDelete\",\"server\":\"DEMO/GOV/1001/ss1\"}".getBytes(StandardCharsets.UTF_8);

        ManagementRequestException e = refused(signedRaw(otherSign, payload), Reason.UNKNOWN_TYPE);

        assertContains("actual 'serverDelete'", e.getMessage());
    }

    @Test
    void clientRegWithAnUnknownField_isRefusedAsMalformed() throws SigningException {
        String payload = "{\"type\":\"clientReg\",\"server\":\"DEMO/GOV/1001/ss1\",\"client\":\"DEMO/COM/2002/crm\","
                + "\"requestedAt\":\"" + NOW + "\",\"approved\":\"yes\"}";

        ManagementRequestException e = refused(signedRaw(otherSign, payload.getBytes(StandardCharsets.UTF_8)),
                Reason.MALFORMED);

        assertEquals("clientReg payload: expected only the fields [type, server, client, requestedAt]; actual also"
                + " [approved]", e.getMessage());
    }

    @Test
    void clientRegWithANumericRequestedAt_isRefusedAsMalformed() throws SigningException {
        String payload = "{\"type\":\"clientReg\",\"server\":\"DEMO/GOV/1001/ss1\",\"client\":\"DEMO/COM/2002/crm\","
                + "\"requestedAt\":" + NOW.getEpochSecond() + "}";

        ManagementRequestException e = refused(signedRaw(otherSign, payload.getBytes(StandardCharsets.UTF_8)),
                Reason.MALFORMED);

        assertEquals("clientReg payload: expected field 'requestedAt' as a string; actual number", e.getMessage());
    }

    @Test
    void clientRegWithADuplicateField_isRefusedAsMalformed() throws SigningException {
        String payload = "{\"type\":\"clientReg\",\"server\":\"DEMO/GOV/1001/ss1\",\"client\":\"DEMO/COM/2002/crm\","
                + "\"client\":\"DEMO/GOV/1001/other\",\"requestedAt\":\"" + NOW + "\"}";

        ManagementRequestException e = refused(signedRaw(otherSign, payload.getBytes(StandardCharsets.UTF_8)),
                Reason.MALFORMED);

        assertContains("the key 'client' appears more than once", e.getMessage());
    }

    @Test
    void clientRegWithABadIdentifier_isRefusedAsMalformed() throws SigningException {
        String payload = "{\"type\":\"clientReg\",\"server\":\"DEMO/GOV/1001/ss1\",\"client\":\"DEMO/COM\","
                + "\"requestedAt\":\"" + NOW + "\"}";

        ManagementRequestException e = refused(signedRaw(otherSign, payload.getBytes(StandardCharsets.UTF_8)),
                Reason.MALFORMED);

        assertContains("field 'client' is invalid", e.getMessage());
    }

    // ---- replay window ----

    @Test
    void requestedAtFarInThePast_isRefusedAsOutOfWindow() throws SigningException {
        ClientRegRequest old = new ClientRegRequest(SERVER, OTHERS_CLIENT, NOW.minus(Duration.ofHours(1)));

        ManagementRequestException e = refused(filed(old, otherSign), Reason.REQUEST_TIME_OUT_OF_WINDOW);

        assertEquals("requestedAt: expected within PT10M of the registry's time 2030-05-06T09:00:00Z; actual"
                + " 2030-05-06T08:00:00Z (PT1H before)", e.getMessage());
    }

    @Test
    void authCertRegRequestedFarInTheFuture_isRefusedAsOutOfWindow() throws SigningException {
        AuthCertRegRequest future = new AuthCertRegRequest(SERVER, ADDRESS, base64(auth.cert()),
                NOW.plus(Duration.ofMinutes(11)));

        refused(filed(future, auth, ownerSign), Reason.REQUEST_TIME_OUT_OF_WINDOW);
    }

    @Test
    void validRequestReplayedAfterTheWindow_isRefusedAsOutOfWindow() throws ManagementRequestException, SigningException {
        String body = filed(clientReg(), otherSign);
        verify(body);
        clock.advance(ManagementRequestVerifier.REQUEST_TIME_WINDOW.plusSeconds(1));

        refused(body, Reason.REQUEST_TIME_OUT_OF_WINDOW);
    }
}
