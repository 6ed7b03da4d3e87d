package org.xroadng.securityserver.conf;

import java.util.Locale;
import java.util.Objects;

/**
 * One endpoint of a service as its description declares it: a method and a path pattern after the
 * service code, where an OpenAPI path template's {@code {parameter}} became {@code *}
 * ({@link PathGlob}), e.g. {@code GET /person/*}.
 */
public record ServiceEndpoint(String method, String path) implements Comparable<ServiceEndpoint> {

    public ServiceEndpoint {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("endpoint path '" + path + "' must start with '/'");
        }
    }

    /** By path, then method: the order in which endpoints are listed. */
    @Override
    public int compareTo(ServiceEndpoint other) {
        int byPath = path.compareTo(other.path);
        return byPath != 0 ? byPath : method.compareTo(other.method);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
