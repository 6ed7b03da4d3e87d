package org.xroadng.certs.ca;

import org.xroadng.protocol.jws.SigningException;
import java.security.cert.CertificateParsingException;
import java.io.IOException;
import org.xroadng.certs.profile.ProfileException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.OpenSsl;
import org.xroadng.certs.Pem;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.ocsp.CertificateStatusSource.IssuedStatus;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.store.DatabaseSettings;

class CertificateAuthorityTest {

    private static final MemberId MEMBER = MemberId.parse("DEMO/GOV/1001");
    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");

    final TestPki keys = TestPki.create(Clock.systemUTC());

    @TempDir
    Path dir;

    private CertificateAuthority ca;

    /** Where the CA keeps its records: an H2 file here, PostgreSQL in {@link CertificateAuthorityPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void createCa() throws CaException {
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Test CA", URI.create("http://127.0.0.1:8899"),
                new InetSocketAddress("127.0.0.1", 8899), 365, storage()), Pin.of("ca-pin"), keys.bc, keys.random,
                keys.clock);
    }

    @AfterEach
    void closeCa() {
        ca.close();
    }

    private byte[] csr(CertificateProfile profile, org.xroadng.protocol.id.XRoadId identity, List<GeneralName> hosts)
 throws SigningException {
        TestPki.Issued subject = keys.issue("subject", CertificateKind.MEMBER_SIGN, List.of(), null);
        return Pem.encode(CsrBuilder.build(subject.key(), profile, identity, hosts)).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void signCertificate_carriesProfileAndPassesOpenSslVerify() throws CaException, ProfileException, SigningException {
        IssuedCertificate issued = ca.issue(new IssueRequest(csr(CertificateProfile.SIGN, MEMBER, List.of()),
                CertificateProfile.SIGN, MEMBER, List.of(), null));
        X509Certificate cert = issued.certificate();

        assertEquals(MEMBER, CertificateProfile.SIGN.identityOf(cert));
        assertTrue(cert.getKeyUsage()[0] && cert.getKeyUsage()[1], "digitalSignature + nonRepudiation");
        assertFalse(issued.revoked());
        Path certFile = TestPki.writePem(dir, "sign.pem", cert);
        OpenSsl.Result verify = OpenSsl.run(dir, "verify", "-CAfile", dir.resolve("ca/ca.pem").toString(),
                certFile.toString());
        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("sign.pem: OK"), verify.output());
        OpenSsl.Result text = OpenSsl.run(dir, "x509", "-in", certFile.toString(), "-noout", "-text");
        assertTrue(text.output().contains("OCSP - URI:http://127.0.0.1:8899/ocsp"), text.output());
        assertTrue(text.output().contains("URI:urn:xroad:member:DEMO/GOV/1001"), text.output());
    }

    @Test
    void authCertificate_hasServerNameAndTlsUsages() throws CaException, CertificateParsingException, ProfileException, SigningException {
        GeneralName ip = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        IssuedCertificate issued = ca.issue(new IssueRequest(csr(CertificateProfile.AUTH, SERVER, List.of()),
                CertificateProfile.AUTH, SERVER, List.of(ip), null));
        X509Certificate cert = issued.certificate();

        assertEquals(SERVER, CertificateProfile.AUTH.identityOf(cert));
        assertTrue(cert.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        Path certFile = TestPki.writePem(dir, "auth.pem", cert);
        OpenSsl.Result verify = OpenSsl.run(dir, "verify", "-CAfile", dir.resolve("ca/ca.pem").toString(),
                "-purpose", "sslserver", certFile.toString());
        assertEquals(0, verify.exitCode(), verify.output());
    }

    @Test
    void csrMadeByOpenSsl_isIssued() throws CaException, IOException, ProfileException {
        OpenSsl.Result key = OpenSsl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
        assertEquals(0, key.exitCode(), key.output());
        OpenSsl.Result req = OpenSsl.run(dir, "req", "-new", "-key", "key.pem", "-subj", "/CN=ignored",
                "-addext", "subjectAltName=URI:urn:xroad:member:DEMO/GOV/1001", "-out", "req.pem");
        assertEquals(0, req.exitCode(), req.output());

        IssuedCertificate issued = ca.issue(new IssueRequest(Files.readAllBytes(dir.resolve("req.pem")),
                CertificateProfile.SIGN, MEMBER, List.of(), null));

        assertEquals(MEMBER, CertificateProfile.SIGN.identityOf(issued.certificate()));
        assertTrue(issued.certificate().getSubjectX500Principal().getName().contains("CN=DEMO/GOV/1001"));
    }

    @Test
    void ourCsr_passesOpenSslReqVerify() throws IOException, SigningException {
        Files.write(dir.resolve("ours.csr"), csr(CertificateProfile.AUTH, SERVER,
                List.of(new GeneralName(GeneralName.dNSName, "ss1.example.org"))));

        OpenSsl.Result verify = OpenSsl.run(dir, "req", "-in", "ours.csr", "-verify", "-noout", "-text");

        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("verify OK") || verify.output().contains("Certificate request self-signature verify OK"),
                verify.output());
        assertTrue(verify.output().contains("URI:urn:xroad:server:DEMO/GOV/1001/ss1"), verify.output());
        assertTrue(verify.output().contains("DNS:ss1.example.org"), verify.output());
    }

    @Test
    void malformedCsr_isRefusedAndNothingStored() throws CaException {
        int before = ca.list().size();
        CaException e = assertThrows(CaException.class, () -> ca.issue(new IssueRequest(
                "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----\n".getBytes(),
                CertificateProfile.SIGN, MEMBER, List.of(), null)));
        assertTrue(e.getMessage().startsWith("malformed CSR"), e.getMessage());
        assertThrows(CaException.class, () -> ca.issue(new IssueRequest("garbage".getBytes(),
                CertificateProfile.SIGN, MEMBER, List.of(), null)));
        assertEquals(before, ca.list().size());
    }

    @Test
    void csrNamingAnotherMember_isRefusedAndNothingStored() throws CaException, SigningException {
        int before = ca.list().size();
        byte[] request = csr(CertificateProfile.SIGN, MemberId.parse("DEMO/GOV/9999"), List.of());

        CaException e = assertThrows(CaException.class, () -> ca.issue(new IssueRequest(request,
                CertificateProfile.SIGN, MEMBER, List.of(), null)));

        assertTrue(e.getMessage().contains("urn:xroad:member:DEMO/GOV/9999"), e.getMessage());
        assertTrue(e.getMessage().contains("DEMO/GOV/1001"), e.getMessage());
        assertEquals(before, ca.list().size());
    }

    @Test
    void identityOfWrongKindForProfile_isRefused() throws SigningException {
        byte[] request = csr(CertificateProfile.SIGN, MEMBER, List.of());
        CaException e = assertThrows(CaException.class, () -> ca.issue(new IssueRequest(request,
                CertificateProfile.AUTH, MEMBER, List.of(), null)));
        assertTrue(e.getMessage().contains("security server"), e.getMessage());
    }

    @Test
    void authWithoutHostName_isRefused() throws SigningException {
        byte[] request = csr(CertificateProfile.AUTH, SERVER, List.of());
        CaException e = assertThrows(CaException.class, () -> ca.issue(new IssueRequest(request,
                CertificateProfile.AUTH, SERVER, List.of(), null)));
        assertTrue(e.getMessage().contains("DNS name or IP"), e.getMessage());
    }

    @Test
    void rsaKey_isRefused() {
        OpenSsl.run(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-subj", "/CN=x",
                "-out", "rsa.csr");
        CaException e = assertThrows(CaException.class, () -> ca.issue(new IssueRequest(
                Files.readAllBytes(dir.resolve("rsa.csr")), CertificateProfile.SIGN, MEMBER, List.of(), null)));
        assertTrue(e.getMessage().contains("expected an EC P-256"), e.getMessage());
    }

    @Test
    void revoke_changesStatusOnceAndRefusesUnknownSerial() throws CaException, SigningException {
        IssuedCertificate issued = ca.issue(new IssueRequest(csr(CertificateProfile.SIGN, MEMBER, List.of()),
                CertificateProfile.SIGN, MEMBER, List.of(), null));
        assertEquals(IssuedStatus.good(), ca.statusSource().statusOf(issued.serial()).orElseThrow());

        ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE);

        IssuedStatus status = ca.statusSource().statusOf(issued.serial()).orElseThrow();
        assertTrue(status.revoked());
        assertEquals(1, status.revocationReason());
        CaException twice = assertThrows(CaException.class, () -> ca.revoke(issued.serial(), RevocationReason.UNSPECIFIED));
        assertTrue(twice.getMessage().contains("already revoked"), twice.getMessage());
        CaException unknown = assertThrows(CaException.class,
                () -> ca.revoke(java.math.BigInteger.valueOf(12345), RevocationReason.UNSPECIFIED));
        assertTrue(unknown.getMessage().contains("no certificate with serial 3039"), unknown.getMessage());
    }

    @Test
    void reopenedCa_keepsItsRecordsAndRefusesWrongPin() throws CaException, SigningException {
        IssuedCertificate issued = ca.issue(new IssueRequest(csr(CertificateProfile.SIGN, MEMBER, List.of()),
                CertificateProfile.SIGN, MEMBER, List.of(), null));
        ca.close();

        CaException wrongPin = assertThrows(CaException.class, () -> CertificateAuthority.open(dir.resolve("ca"),
                Pin.of("bad-pin"), keys.bc, keys.random, keys.clock));
        assertTrue(wrongPin.getMessage().contains("wrong PIN"), wrongPin.getMessage());

        ca = CertificateAuthority.open(dir.resolve("ca"), Pin.of("ca-pin"), keys.bc, keys.random, keys.clock);
        assertTrue(ca.find(issued.serial()).isPresent());
        assertThrows(CaException.class, () -> CertificateAuthority.init(dir.resolve("ca"), ca.settings(),
                Pin.of("ca-pin"), keys.bc, keys.random, keys.clock));
    }

    @Test
    void trustServiceCertificates_passOpenSslPurposeChecks() {
        String caFile = dir.resolve("ca/ca.pem").toString();
        OpenSsl.Result tsa = OpenSsl.run(dir, "verify", "-CAfile", caFile, "-purpose", "timestampsign",
                dir.resolve("ca/tsa.pem").toString());
        assertEquals(0, tsa.exitCode(), tsa.output());
        OpenSsl.Result ocsp = OpenSsl.run(dir, "verify", "-CAfile", caFile, "-purpose", "ocsphelper",
                dir.resolve("ca/ocsp.pem").toString());
        assertEquals(0, ocsp.exitCode(), ocsp.output());
    }
}
