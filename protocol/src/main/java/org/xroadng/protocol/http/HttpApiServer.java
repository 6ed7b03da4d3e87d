package org.xroadng.protocol.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorBody;

/**
 * A small routed HTTP/1.1 server for the control plane (trust services, registry, admin APIs),
 * on the JDK's {@code com.sun.net.httpserver}. Endpoints run on a bounded worker pool and may
 * block. The data plane (the security server proxies) uses Netty instead.
 *
 * <p>Guarantees to callers: an unknown path is a 404, a known path with another method a 405, a
 * body over the limit a 413, a malformed query a 400, each with a JSON error body; an endpoint's
 * unexpected failure is a 500 that names an incident id, logged with its stack trace, never sent.
 */
public final class HttpApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);

    private final HttpServer server;
    private final ExecutorService workers;
    private final List<Route> routes;
    private final int maxBodyBytes;

    private HttpApiServer(Builder builder) throws IOException {
        this.routes = List.copyOf(builder.routes);
        this.maxBodyBytes = builder.maxBodyBytes;
        if (builder.sslContext != null) {
            HttpsServer https = HttpsServer.create(builder.address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(builder.sslContext));
            this.server = https;
        } else {
            this.server = HttpServer.create(builder.address, 128);
        }
        this.workers = Executors.newFixedThreadPool(builder.threads, namedThreads(builder.name));
        server.setExecutor(workers);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The address actually bound (useful with port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port} (or https) of this server. */
    public URI baseUri() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create(scheme + "://" + host + ":" + a.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpReply reply;
            try {
                reply = route(exchange);
            } catch (HttpProblem problem) {
                reply = HttpReply.json(problem.status(), new ErrorBody(problem.type(), problem.getMessage(), null));
            } catch (RuntimeException e) {
                String incident = UUID.randomUUID().toString();
                LOG.error("incident {}: {} {} failed", incident, exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), e);
                reply = HttpReply.json(500, new ErrorBody("InternalError",
                        "the server failed to handle the request; quote the incident id to its operator", incident));
            }
            send(exchange, reply);
        }
    }

    private HttpReply route(HttpExchange exchange) throws IOException, HttpProblem {
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> allowed = new ArrayList<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params;
            try {
                params = route.match(rawPath);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("request path is malformed: " + e.getMessage());
            }
            if (params.isEmpty()) {
                continue;
            }
            if (!route.method().equals(method) && !(method.equals("HEAD") && route.method().equals("GET"))) {
                allowed.add(route.method());
                continue;
            }
            String path;
            try {
                path = PercentDecoding.decode(rawPath);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("request path is malformed: " + e.getMessage());
            }
            byte[] body = readBody(exchange);
            HttpCall call = new HttpCall(method, path, params.get(),
                    parseQuery(uri.getRawQuery()), lowerCased(exchange), body);
            return route.endpoint().handle(call);
        }
        if (!allowed.isEmpty()) {
            return HttpReply.json(405, new ErrorBody("MethodNotAllowed", method + " is not allowed on "
                    + rawPath + "; allowed: " + String.join(", ", allowed), null))
                    .withHeader("Allow", String.join(", ", allowed));
        }
        throw HttpProblem.notFound("no resource at " + rawPath);
    }

    private byte[] readBody(HttpExchange exchange) throws IOException, HttpProblem {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBodyBytes) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw HttpProblem.badRequest("Content-Length '" + declared + "' is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private HttpProblem tooLarge() {
        return new HttpProblem(413, "RequestTooLarge", "request body is larger than the limit of "
                + maxBodyBytes + " bytes");
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) throws HttpProblem {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                query.computeIfAbsent(PercentDecoding.decode(name.replace('+', ' ')), k -> new ArrayList<>())
                        .add(PercentDecoding.decode(value.replace('+', ' ')));
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("query string is malformed: " + e.getMessage());
            }
        }
        return query;
    }

    private static Map<String, List<String>> lowerCased(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        return headers;
    }

    private static void send(HttpExchange exchange, HttpReply reply) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        boolean noBody = reply.body().length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private static ThreadFactory namedThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Configures and starts an {@link HttpApiServer}. */
    public static final class Builder {
        private final String name;
        private final List<Route> routes = new ArrayList<>();
        private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        private int threads = 8;
        private int maxBodyBytes = 1024 * 1024;
        private SSLContext sslContext;

        private Builder(String name) {
            this.name = name;
        }

        public Builder bind(InetSocketAddress address) {
            this.address = address;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder tls(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder route(String method, String template, HttpEndpoint endpoint) {
            routes.add(Route.of(method, template, endpoint));
            return this;
        }

        public HttpApiServer start() throws IOException {
            return new HttpApiServer(this);
        }
    }
}
