package org.xroadng.auditlog.web;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import org.xroadng.protocol.http.HttpCall;

/**
 * The viewer's time zone, for the consoles' dates and times: {@code console.js} (progressive
 * enhancement) puts the browser's IANA zone ({@code Intl.DateTimeFormat().resolvedOptions().timeZone})
 * in the cookie {@value #COOKIE}, and pages are rendered in it from then on; without the cookie (no
 * script, or the first page), or with a value that is not a known region zone, in UTC. Every time
 * names its zone ({@code UTC} or {@code UTC+07:00}), so a page read without the script never
 * misleads; {@code console.js} also rewrites each {@code <time datetime>} of a page that was not
 * rendered in the browser's zone (the page says which in {@code <html data-zone>}).
 */
public final class ViewerZone {

    /** The cookie console.js sets: an IANA zone id such as {@code Asia/Ho_Chi_Minh}. */
    public static final String COOKIE = "xroad-tz";

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss");

    private final ZoneId zone;

    private ViewerZone(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    public static final ViewerZone UTC = new ViewerZone(ZoneOffset.UTC);

    /** The zone the request's cookie names, or {@link #UTC} when it names none that is known. */
    public static ViewerZone of(HttpCall call) {
        return Cookies.value(call, COOKIE).map(ViewerZone::parse).orElse(UTC);
    }

    /** A zone id as a browser reports it ({@code Region/City}, {@code UTC}, {@code Etc/GMT+7}), else {@link #UTC}. */
    public static ViewerZone parse(String id) {
        if (id == null || id.length() > 64 || !id.matches("[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+){0,2}")) {
            return UTC;
        }
        try {
            ZoneId zone = ZoneId.of(id);
            return zone.normalized().equals(ZoneOffset.UTC) ? UTC : new ViewerZone(zone);
        } catch (DateTimeException e) {
            return UTC;
        }
    }

    /** The zone's id as the page tells console.js ({@code UTC} for UTC). */
    public String id() {
        return zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }

    /** {@code dd/MM/yyyy HH:mm:ss} in the viewer's zone, then the zone's offset: {@code UTC} or {@code UTC+07:00}. */
    public String format(Instant at) {
        var local = at.atZone(zone);
        int seconds = local.getOffset().getTotalSeconds();
        return DATE_TIME.format(local) + " UTC" + (seconds == 0 ? "" : local.getOffset().getId());
    }
}
