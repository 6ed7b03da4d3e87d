package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xroadng.protocol.XRoadHeaders;

/**
 * The demo's restricted access (DESIGN.md section 7, docs/citizens.md): the tax board reads the
 * citizen's record in a tax investigation, asking with {@code X-Road-Restriction} that it be
 * disclosed only {@link #DELAY} later; its access right allows that (kind of authority
 * {@value DemoCast#TAX_AUTHORITY}, up to {@value DemoCast#RESTRICTION_MAX_DAYS} days). Until then
 * the citizen's portal shows the restricted entry without its details; from then on, the whole
 * access, checked against the commitment logged now.
 */
final class RestrictedSample {

    /** How long after the demo starts the restricted access is disclosed: a few minutes, to watch it happen. */
    static final Duration DELAY = Duration.ofMinutes(3);

    /** What came back: status, {@code X-Road-Error} (empty when none) and the restriction the servers logged. */
    record Outcome(Instant disclose, Map<String, String> headers, int status, String error, String restriction) {
    }

    private RestrictedSample() {
    }

    static String path() {
        return "/r1/" + DemoCast.PERSON.format() + "/" + DemoCast.CITIZEN;
    }

    static Outcome run(HttpClient http, URI clientProxy, Instant now) throws DemoException {
        Instant disclose = now.plus(DELAY).truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(XRoadHeaders.CLIENT, DemoCast.TAX.format());
        headers.put(XRoadHeaders.PURPOSE, DemoCast.TAX_PURPOSE);
        headers.put(XRoadHeaders.SUBJECT, DemoCast.CITIZEN);
        headers.put(XRoadHeaders.RESTRICTION, DemoCast.TAX_LEGAL_BASIS + ";disclose=" + disclose);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(clientProxy + path()))
                .timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(disclose, headers, response.statusCode(),
                    response.headers().firstValue(XRoadHeaders.ERROR).orElse(""),
                    response.headers().firstValue(XRoadHeaders.RESTRICTION).orElse(""));
        } catch (IOException e) {
            throw new DemoException("GET " + clientProxy + path() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException("interrupted while running the restricted access", e);
        }
    }
}
