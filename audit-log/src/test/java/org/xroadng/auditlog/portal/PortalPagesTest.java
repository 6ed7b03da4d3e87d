package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;

/** The server-rendered pages over HTTP: the language chosen and remembered, plain sentences, escaping, bad input. */
class PortalPagesTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private PortalScenario scenario;
    private PortalNetwork network;

    @BeforeEach
    void start() throws IOException {
        scenario = PortalScenario.withRefusedBankAttempt();
        network = new PortalNetwork(scenario, new MutableClock(PortalScenario.T0.plus(Duration.ofDays(1))),
                Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        network.close();
    }

    @Test
    void pageWithoutAcceptLanguage_isVietnamese() throws IOException, InterruptedException {
        HttpResponse<String> page = get("/", null, null);

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html lang=\"vi\""), page.body());
        assertTrue(page.body().contains("<h1>Ai đã sử dụng dữ liệu của tôi</h1>"), page.body());
        assertEquals("vi", page.headers().firstValue("Content-Language").orElseThrow());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
        assertTrue(page.headers().firstValue("Set-Cookie").isEmpty(), "only the switch sets the cookie");
    }

    @Test
    void pageForAnEnglishBrowser_isEnglish() throws IOException, InterruptedException {
        HttpResponse<String> page = get("/", "Accept-Language", "en-US,en;q=0.8");

        assertTrue(page.body().contains("<html lang=\"en\""), page.body());
        assertTrue(page.body().contains("<h1>Who used my data</h1>"), page.body());
        assertTrue(page.body().contains("data-records-unavailable=\"Your records cannot be shown right now."),
                "the script's texts come from the bundle: " + page.body());
    }

    @Test
    void languageSwitch_setsACookieThatLaterPagesFollow() throws IOException, InterruptedException {
        HttpResponse<String> switched = get("/?lang=en", "Accept-Language", "vi-VN");

        assertTrue(switched.body().contains("<h1>Who used my data</h1>"));
        String cookie = switched.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("portal-lang=en;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax")
                && !cookie.contains("Secure"), cookie);

        HttpResponse<String> next = get("/", "Cookie", "portal-lang=en");
        assertTrue(next.body().contains("<html lang=\"en\""), next.body());
        assertTrue(next.body().contains("aria-current=\"true\">English</a>"), next.body());
    }

    @Test
    void switchToAnUnknownLanguage_is400() throws IOException, InterruptedException {
        HttpResponse<String> page = get("/?lang=fr", null, null);

        assertEquals(400, page.statusCode());
        assertTrue(page.body().contains("expected one of vi, en"), page.body());
    }

    @Test
    void events_inVietnameseMarkTheRefusedAttemptInPlainWordsWithDatesInTheViewersZone()
            throws IOException, InterruptedException {
        HttpResponse<String> events = events("?lang=vi&tz=Asia/Ho_Chi_Minh");

        assertEquals(200, events.statusCode(), events.body());
        String body = events.body();
        assertTrue(body.contains("<tr class=\"outcome-refused\">"), body);
        assertTrue(body.contains("Demo Bank đã tìm cách đọc hồ sơ của bạn tại Population Registry và bị từ chối:"
                + " không có quyền."), body);
        assertTrue(body.contains("Tax Board đã đọc hồ sơ của bạn tại Population Registry."), body);
        assertTrue(body.contains("01/03/2026</span> <span class=\"time\">16:30"), "09:30Z in Ho Chi Minh: " + body);
        assertTrue(body.contains("giờ theo múi giờ Asia/Ho_Chi_Minh"), body);
        assertFalse(body.contains("AccessDenied"), "no wire codes: " + body);
        assertFalse(body.contains("2026-03-01T"), "no machine timestamps: " + body);
    }

    @Test
    void namesWithMarkup_areEscaped() throws IOException, InterruptedException {
        scenario.names.put("DEMO/COM/2001", "<script>alert('bank')</script>");
        scenario.names.put("DEMO/GOV/1001", "Registry\" onmouseover=\"alert(1)");

        String body = events("?lang=en&tz=UTC").body();

        assertTrue(body.contains("&lt;script&gt;alert(&#39;bank&#39;)&lt;/script&gt; tried to read your record"), body);
        assertFalse(body.contains("<script>"), body);
        assertFalse(body.contains("\" onmouseover=\""), body);
    }

    @Test
    void eventsWithABadZoneOrWithoutToken_areRefusedInTheChosenLanguage() throws IOException, InterruptedException {
        HttpResponse<String> badZone = events("?lang=en&tz=Mars/Olympus");
        assertEquals(400, badZone.statusCode());
        assertTrue(badZone.body().contains("query parameter 'tz' is 'Mars/Olympus'"), badZone.body());

        HttpResponse<String> unsigned = get("/page/events?lang=vi&tz=UTC", null, null);
        assertEquals(401, unsigned.statusCode());
        assertEquals("Vui lòng đăng nhập lại: phiên đăng nhập đã hết hạn hoặc không được chấp nhận.", unsigned.body());
    }

    private HttpResponse<String> events(String query) throws IOException, InterruptedException {
        return get("/page/events" + query, "Authorization", "Bearer " + network.token(PortalScenario.CITIZEN));
    }

    private HttpResponse<String> get(String path, String header, String value) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(network.portal.baseUri() + path)).GET();
        if (header != null) {
            request.header(header, value);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
