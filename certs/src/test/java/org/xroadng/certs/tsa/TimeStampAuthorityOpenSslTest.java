package org.xroadng.certs.tsa;

import java.io.IOException;
import org.bouncycastle.tsp.TSPException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.OpenSsl;
import org.xroadng.certs.TestPki;
import org.xroadng.protocol.http.HttpApiServer;

/** OpenSSL 3 ({@code openssl ts}) judges what our TSA answers over HTTP. */
class TimeStampAuthorityOpenSslTest {

    private static final String AT_TIME = Long.toString(TsaFixture.NOW.getEpochSecond());

    @TempDir
    Path dir;

    private final TsaFixture fixture = new TsaFixture();
    private HttpApiServer server;

    @BeforeEach
    void start() throws IOException {
        server = TsaFixture.serve(new TsaHttpEndpoint(fixture.tsa));
        Files.writeString(dir.resolve("file.txt"), "a document that existed at ten o'clock\n");
        TestPki.writePem(dir, "ca.pem", fixture.pki.ca.cert());
        TestPki.writePem(dir, "tsa.pem", fixture.tsaIssued.cert());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sha256QueryWithCertReq_verifiesAgainstCaFile() throws IOException, InterruptedException {
        query("-sha256", "-cert");
        postQuery();

        OpenSsl.Result verify = OpenSsl.run(dir, "ts", "-verify", "-data", "file.txt", "-in", "resp.tsr",
                "-CAfile", "ca.pem", "-attime", AT_TIME);

        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("Verification: OK"), verify.output());
    }

    @Test
    void sha256QueryWithoutCertReq_verifiesWithTsaCertificateGivenSeparately() throws IOException, InterruptedException, TSPException {
        query("-sha256");
        byte[] reply = postQuery();
        assertTrue(new TimeStampResponse(reply).getTimeStampToken().getCertificates().getMatches(null).isEmpty(),
                "certReq was false, so the token must carry no certificates");

        OpenSsl.Result verify = OpenSsl.run(dir, "ts", "-verify", "-data", "file.txt", "-in", "resp.tsr",
                "-CAfile", "ca.pem", "-untrusted", "tsa.pem", "-attime", AT_TIME);

        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("Verification: OK"), verify.output());
    }

    @Test
    void grantedReply_showsGrantedStatusAndEchoesTheQueryNonce() throws IOException, InterruptedException {
        query("-sha256", "-cert");
        postQuery();

        OpenSsl.Result request = OpenSsl.run(dir, "ts", "-query", "-in", "req.tsq", "-text");
        OpenSsl.Result reply = OpenSsl.run(dir, "ts", "-reply", "-in", "resp.tsr", "-text");

        assertEquals(0, reply.exitCode(), reply.output());
        assertTrue(reply.output().contains("Status: Granted."), reply.output());
        assertTrue(reply.output().contains("Policy OID: " + TimeStampAuthority.DEFAULT_POLICY.getId()),
                reply.output());
        String sentNonce = nonce(request.output());
        assertTrue(sentNonce.startsWith("0x"), request.output());
        assertEquals(sentNonce, nonce(reply.output()));
    }

    @Test
    void sha1Query_isAnsweredWithBadAlgRejection() throws IOException, InterruptedException {
        query("-sha1", "-cert");
        postQuery();

        OpenSsl.Result reply = OpenSsl.run(dir, "ts", "-reply", "-in", "resp.tsr", "-text");

        assertEquals(0, reply.exitCode(), reply.output());
        assertTrue(reply.output().contains("Status: Rejected."), reply.output());
        assertTrue(reply.output().contains("unrecognized or unsupported algorithm identifier"), reply.output());
        assertTrue(reply.output().contains("only SHA-256"), reply.output());
    }

    @Test
    void garbageBody_isAnsweredWithBadDataFormatRejection() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = TsaFixture.post(TsaFixture.tsaUri(server), TsaHttpEndpoint.QUERY_TYPE,
                "this is not DER".getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, response.statusCode());
        assertEquals(TsaHttpEndpoint.REPLY_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
        Files.write(dir.resolve("resp.tsr"), response.body());

        OpenSsl.Result reply = OpenSsl.run(dir, "ts", "-reply", "-in", "resp.tsr", "-text");

        assertEquals(0, reply.exitCode(), reply.output());
        assertTrue(reply.output().contains("Status: Rejected."), reply.output());
        assertTrue(reply.output().contains("the data submitted has the wrong format"), reply.output());
    }

    /** {@code openssl ts -query -data file.txt <options> -out req.tsq}; openssl adds a random nonce. */
    private void query(String... options) {
        List<String> args = new ArrayList<>(List.of("ts", "-query", "-data", "file.txt"));
        args.addAll(List.of(options));
        args.addAll(List.of("-out", "req.tsq"));
        OpenSsl.Result result = OpenSsl.run(dir, args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
    }

    private byte[] postQuery() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = TsaFixture.post(TsaFixture.tsaUri(server), TsaHttpEndpoint.QUERY_TYPE,
                Files.readAllBytes(dir.resolve("req.tsq")));
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(TsaHttpEndpoint.REPLY_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
        Files.write(dir.resolve("resp.tsr"), response.body());
        return response.body();
    }

    private static String nonce(String text) {
        Matcher m = Pattern.compile("Nonce: (\\S+)").matcher(text);
        assertTrue(m.find(), "no nonce in:\n" + text);
        return m.group(1);
    }
}
