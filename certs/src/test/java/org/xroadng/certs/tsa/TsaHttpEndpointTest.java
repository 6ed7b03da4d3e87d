package org.xroadng.certs.tsa;

import java.io.IOException;
import org.bouncycastle.tsp.TSPException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.http.HttpApiServer;

class TsaHttpEndpointTest {

    private final TsaFixture fixture = new TsaFixture();
    private HttpApiServer server;
    private byte[] request;

    @BeforeEach
    void start() throws IOException {
        server = TsaFixture.serve(new TsaHttpEndpoint(fixture.tsa));
        request = new TimeStampRequestGenerator().generate(TSPAlgorithms.SHA256, TsaFixture.sha256(new byte[1]))
                .getEncoded();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void missingContentType_isAnsweredWithGrantedReply() throws IOException, InterruptedException, TSPException {
        HttpResponse<byte[]> response = TsaFixture.post(TsaFixture.tsaUri(server), null, request);

        assertEquals(200, response.statusCode());
        assertEquals(TsaHttpEndpoint.REPLY_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(PKIStatus.GRANTED, new TimeStampResponse(response.body()).getStatus());
    }

    @Test
    void queryContentTypeWithParameter_isAccepted() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = TsaFixture.post(TsaFixture.tsaUri(server),
                "Application/TimeStamp-Query; charset=binary", request);

        assertEquals(200, response.statusCode());
    }

    @Test
    void explicitWrongContentType_isRefusedWith415Json() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = TsaFixture.post(TsaFixture.tsaUri(server), "application/json", request);

        assertEquals(415, response.statusCode());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("UnsupportedMediaType"), body);
        assertTrue(body.contains(TsaHttpEndpoint.QUERY_TYPE), body);
    }
}
