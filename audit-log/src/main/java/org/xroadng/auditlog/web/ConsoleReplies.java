package org.xroadng.auditlog.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;

/**
 * The replies every operator console sends, and the style sheet and script they share. Guarantees: a
 * page carries {@code Content-Security-Policy} allowing only the console's own style and script (no
 * inline script can run, even if a value escaped the templates), {@code X-Frame-Options: DENY}
 * against click-jacking, {@code nosniff} and no referrer.
 */
public final class ConsoleReplies {

    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private ConsoleReplies() {
    }

    /** Routes {@code GET /console.css} and {@code GET /console.js}, the consoles' shared assets. */
    public static HttpApiServer.Builder addAssets(HttpApiServer.Builder server) {
        server.route("GET", "/console.css", call -> asset("console.css", "text/css; charset=utf-8"));
        server.route("GET", "/console.js", call -> asset("console.js", "text/javascript; charset=utf-8"));
        return server;
    }

    /** An HTML page with the security headers above. */
    public static HttpReply page(int status, String html) {
        return HttpReply.of(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8))
                .withHeader("Content-Security-Policy", CSP).withHeader("X-Frame-Options", "DENY")
                .withHeader("X-Content-Type-Options", "nosniff").withHeader("Referrer-Policy", "no-referrer")
                .withHeader("Cache-Control", "no-store");
    }

    /** 303 See Other: after a POST the browser GETs {@code location} (POST-redirect-GET). */
    public static HttpReply redirect(String location) {
        return HttpReply.of(303, null, new byte[0]).withHeader("Location", location);
    }

    private static HttpReply asset(String name, String type) throws HttpProblem {
        String resource = ConsoleReplies.class.getPackageName().replace('.', '/') + "/" + name;
        try (InputStream in = ConsoleReplies.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw HttpProblem.notFound("no resource " + name);
            }
            return HttpReply.of(200, type, in.readAllBytes()).withHeader("X-Content-Type-Options", "nosniff");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
