package org.xroadng.auditlog.web;

import java.util.Optional;
import org.xroadng.protocol.http.HttpCall;

/** Reads one cookie from a request's {@code Cookie} header (RFC 6265 section 4.2.1). */
public final class Cookies {

    private Cookies() {
    }

    public static Optional<String> value(HttpCall call, String name) {
        for (String header : call.headers().getOrDefault("cookie", java.util.List.of())) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return Optional.of(pair.substring(eq + 1).trim());
                }
            }
        }
        return Optional.empty();
    }
}
