package org.xroadng.registry;

import org.xroadng.protocol.jws.SigningException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.DatabaseSettings;

/** A registry on a free loopback port, with its admin key, and a small JSON client for its API. */
final class RegistryFixture implements AutoCloseable {

    final Path dir;
    final RegistryHome home;
    final RegistryServer server;
    final String adminKey;
    final URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    /** An HTTP answer with its body parsed as JSON (null when empty). */
    record Answer(int status, JsonNode json, HttpResponse<String> raw) {
        String message() {
            return json == null ? "" : json.path("message").asText();
        }

        String type() {
            return json == null ? "" : json.path("type").asText();
        }
    }

    RegistryFixture(Path dir, Clock clock) throws IOException, RegistryException, SigningException {
        this(dir, clock, DatabaseSettings.embedded());
    }

    RegistryFixture(Path dir, Clock clock, DatabaseSettings database)
            throws IOException, RegistryException, SigningException {
        this.dir = dir;
        RegistrySettings settings = new RegistrySettings("DEMO", URI.create("http://127.0.0.1:0"),
                new InetSocketAddress("127.0.0.1", 0), 3600, database);
        RegistryHome.Initialized initialized = RegistryHome.init(dir, settings, Pin.of(PIN),
                new BouncyCastleProvider(), new SecureRandom(), clock);
        this.home = initialized.home();
        this.adminKey = initialized.adminKey().key();
        this.server = RegistryServer.start(home.registry(), settings);
        this.base = server.baseUri();
    }

    private RegistryFixture(Path dir, RegistryHome home, String adminKey) throws IOException, SigningException {
        this.dir = dir;
        this.home = home;
        this.adminKey = adminKey;
        this.server = RegistryServer.start(home.registry(), home.settings());
        this.base = server.baseUri();
    }

    /** The same registry (directory, state, keys) opened again, as after a restart, with another clock. */
    static RegistryFixture reopen(RegistryFixture closed, Clock clock) throws IOException, RegistryException, SigningException {
        RegistryHome home = RegistryHome.open(closed.dir, Pin.of(PIN), new BouncyCastleProvider(), new SecureRandom(), clock);
        return new RegistryFixture(closed.dir, home, closed.adminKey);
    }

    /**
     * A second node of {@code first}'s registry, as an operator makes one: a copy of its directory
     * (signing key, certificate, {@code registry.yaml} naming the same PostgreSQL database) in
     * {@code dir}, opened there and serving on a port of its own.
     */
    static RegistryFixture secondNode(RegistryFixture first, Path dir, Clock clock)
            throws IOException, RegistryException, SigningException {
        Files.createDirectories(dir);
        try (java.util.stream.Stream<Path> files = Files.list(first.dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        RegistryHome home = RegistryHome.open(dir, Pin.of(PIN), new BouncyCastleProvider(), new SecureRandom(), clock);
        return new RegistryFixture(dir, home, first.adminKey);
    }

    static final String PIN = "registry-pin";

    Answer call(String method, String path, String key, Object body) {
        return call(method, path, key, body, "application/json");
    }

    Answer call(String method, String path, String key, Object body, String contentType) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body instanceof String text ? text
                            : ProtocolJson.mapper().writeValueAsString(body)))
                    .header("Content-Type", contentType);
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() || !response.headers().firstValue("Content-Type").orElse("")
                    .startsWith("application/json") ? null : ProtocolJson.mapper().readTree(response.body());
            return new Answer(response.statusCode(), json, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer admin(String method, String path, Object body) {
        return call(method, path, adminKey, body);
    }

    /** Creates a key of a role and returns it. */
    String key(String role) {
        Answer created = admin("POST", "/api/v1/api-keys", java.util.Map.of("role", role, "label", role + " for tests"));
        if (created.status() != 201) {
            throw new AssertionError("cannot create key: " + created.raw().body());
        }
        return created.json().path("key").asText();
    }

    @Override
    public void close() {
        server.close();
        home.close();
    }
}
