package org.xroadng.protocol.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The {@link Witness} at a registry, over HTTP: {@code POST /witness/checkpoints} and
 * {@code GET /witness/checkpoints/{serverId}[?size=N]} (the server id's parts joined by {@code /},
 * as identifiers are written). Answers are read strictly ({@link CheckpointCodec}); a 4xx on a
 * submission is a refusal carrying the registry's error message. Bodies are limited to 1 MiB;
 * redirects are not followed. Thread-safe.
 */
public final class WitnessClient implements Witness {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param registry the registry's base URL, such as {@code http://127.0.0.1:18803/}
     */
    public WitnessClient(URI registry, HttpClient http, Duration timeout) {
        Objects.requireNonNull(registry, "registry");
        this.base = registry.resolve(AccessLogProtocol.WITNESS_PATH);
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The witness of the registry an anchor names (same scheme, host and port as its download URL). */
    public static WitnessClient forAnchor(Anchor anchor) {
        return new WitnessClient(anchor.downloadUrl().resolve("/"),
                HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build(), DEFAULT_TIMEOUT);
    }

    @Override
    public Optional<WitnessedCheckpoint> latest(SecurityServerId server) throws WitnessException {
        return get(URI.create(base + "/" + path(server)));
    }

    @Override
    public Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) throws WitnessException {
        return get(URI.create(base + "/" + path(server) + "?size=" + size));
    }

    @Override
    public WitnessedCheckpoint submit(CheckpointSubmission submission) throws WitnessException {
        HttpRequest request = HttpRequest.newBuilder(base).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(CheckpointCodec.submission(submission))).build();
        Answer answer = send(request);
        if (answer.status == 200 || answer.status == 201) {
            return witnessed(answer);
        }
        if (answer.status >= 400 && answer.status < 500) {
            throw WitnessException.refused("the witness at " + base + " refused the checkpoint (HTTP "
                    + answer.status + "): " + reason(answer.body), answer.status);
        }
        throw new WitnessException("the witness at " + base + " answered HTTP " + answer.status + ": "
                + reason(answer.body), null);
    }

    private Optional<WitnessedCheckpoint> get(URI uri) throws WitnessException {
        Answer answer = send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build());
        if (answer.status == 404) {
            return Optional.empty();
        }
        if (answer.status != 200) {
            throw new WitnessException("the witness at " + uri + " answered HTTP " + answer.status + ": "
                    + reason(answer.body), null);
        }
        return Optional.of(witnessed(answer));
    }

    private WitnessedCheckpoint witnessed(Answer answer) throws WitnessException {
        try {
            return CheckpointCodec.witnessed(answer.body);
        } catch (AccessLogFormatException e) {
            throw new WitnessException("the witness at " + base + " answered in an unexpected form: "
                    + e.getMessage(), e);
        }
    }

    private record Answer(int status, byte[] body) {
    }

    private Answer send(HttpRequest request) throws WitnessException {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    throw new WitnessException("the witness at " + request.uri() + " answered more than "
                            + MAX_BODY_BYTES + " bytes", null);
                }
                return new Answer(response.statusCode(), bytes);
            }
        } catch (IOException e) {
            throw new WitnessException("the witness at " + request.uri() + " cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WitnessException("interrupted while calling the witness at " + request.uri(), e);
        }
    }

    /** The registry's error message ({@code {"message": ...}}), else the body's start. */
    private static String reason(byte[] body) {
        try {
            JsonNode json = ProtocolJson.mapper().readTree(body);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: fall through to the raw text
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String path(SecurityServerId server) {
        StringBuilder out = new StringBuilder();
        for (String part : server.format().split("/")) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }
}
