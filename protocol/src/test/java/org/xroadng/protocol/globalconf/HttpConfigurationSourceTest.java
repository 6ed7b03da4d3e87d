package org.xroadng.protocol.globalconf;

import org.xroadng.protocol.jws.SigningException;
import java.security.GeneralSecurityException;
import org.bouncycastle.operator.OperatorCreationException;
import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.BC;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.INSTANCE;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.T0;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.configuration;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.globalconf.ConfigurationFixture.MutableClock;
import org.xroadng.protocol.globalconf.ConfigurationFixture.Signer;
import org.xroadng.protocol.globalconf.ConfigurationSource.Download;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;

class HttpConfigurationSourceTest {

    private static final String ETAG = "\"v5\"";

    private final Signer registry;
    private final GlobalConfiguration v5 = configuration(5, T0);
    private final String signedV5;
    private final List<String> ifNoneMatchSeen = new CopyOnWriteArrayList<>();
    private HttpApiServer server;

    HttpConfigurationSourceTest() throws GeneralSecurityException, IOException, OperatorCreationException, SigningException {
        registry = Signer.create("registry");
        signedV5 = registry.sign(v5);
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpApiServer.builder("registry")
                .route("GET", "/globalconf", call -> {
                    String ifNoneMatch = call.header("If-None-Match").orElse(null);
                    ifNoneMatchSeen.add(String.valueOf(ifNoneMatch));
                    if (ETAG.equals(ifNoneMatch)) {
                        return HttpReply.of(304, null, new byte[0]).withHeader("ETag", ETAG);
                    }
                    return HttpReply.of(200, GlobalConfigurationCodec.MEDIA_TYPE,
                            signedV5.getBytes(StandardCharsets.US_ASCII)).withHeader("ETag", ETAG);
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI globalconf() {
        return URI.create(server.baseUri() + "/globalconf");
    }

    private Anchor anchor(URI url) throws GeneralSecurityException {
        return new Anchor(INSTANCE, url, registry.base64Certificate());
    }

    @Test
    void conditionalDownload_returnsBodyThenNotModified() throws ConfigurationException, GeneralSecurityException {
        HttpConfigurationSource source = new HttpConfigurationSource(anchor(globalconf()));

        Download first = source.fetch(null);
        Download second = source.fetch(first.etag());

        assertEquals(Download.of(signedV5, ETAG), first);
        assertEquals(Download.Status.NOT_MODIFIED, second.status());
        assertNull(second.body());
        assertEquals(List.of("null", ETAG), ifNoneMatchSeen);
    }

    @Test
    void clientOverHttp_verifiesThenKeepsCopyOnNotModified() throws ConfigurationException, GeneralSecurityException {
        Anchor anchor = anchor(globalconf());
        ConfigurationClient client = new ConfigurationClient(anchor, new HttpConfigurationSource(anchor),
                new MutableClock(T0.plusSeconds(1)), BC, null);

        assertEquals(v5, client.refresh());
        assertEquals(v5, client.refresh());
        assertEquals(List.of("null", ETAG), ifNoneMatchSeen);
    }

    @Test
    void unexpectedStatus_isDownloadFailedWithTheStatus() throws GeneralSecurityException {
        HttpConfigurationSource source = new HttpConfigurationSource(anchor(URI.create(server.baseUri() + "/nothing")));

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> source.fetch(null));
        assertEquals(Reason.DOWNLOAD_FAILED, e.reason());
        assertEquals("404", e.actual().orElseThrow());
        assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
    }

    @Test
    void connectionRefused_isDownloadFailedNamingTheUrl() throws GeneralSecurityException {
        URI url = globalconf();
        server.close();
        HttpConfigurationSource source = new HttpConfigurationSource(anchor(url));

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> source.fetch(null));
        assertEquals(Reason.DOWNLOAD_FAILED, e.reason());
        assertTrue(e.getMessage().contains(url.toString()), e.getMessage());
    }

    @Test
    void bodyOverLimit_isDownloadFailed() {
        HttpConfigurationSource source = new HttpConfigurationSource(globalconf(), HttpClient.newHttpClient(),
                Duration.ofSeconds(10), 100);

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> source.fetch(null));
        assertEquals(Reason.DOWNLOAD_FAILED, e.reason());
        assertTrue(e.getMessage().contains("the limit is 100 bytes"), e.getMessage());
    }
}
