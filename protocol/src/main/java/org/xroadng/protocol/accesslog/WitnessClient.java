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
import java.util.function.Supplier;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;

/**
 * The {@link Witness} at a registry, over HTTP: {@code POST /witness/checkpoints} and
 * {@code GET /witness/checkpoints/{serverId}[?size=N]} (the server id's parts joined by {@code /},
 * as identifiers are written). Answers are read strictly ({@link CheckpointCodec}); a 4xx on a
 * submission is a refusal carrying the registry's error message. Bodies are limited to 1 MiB;
 * redirects are not followed. Thread-safe.
 *
 * <p>Made {@link #forAnchor for an anchor}, the client asks for signed answers ({@value #SIGNED_MEDIA_TYPE})
 * and accepts what the witness holds only if the answer is a JWS by the configuration signing
 * certificate the anchor pins (byte for byte), for the server asked and, with a size, of that size:
 * a party between the portal and the registry cannot make an unwitnessed root look witnessed.
 */
public final class WitnessClient implements Witness {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The media type of a witness answer signed by the registry: a compact JWS. */
    public static final String SIGNED_MEDIA_TYPE = "application/jose";
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final Supplier<Anchor> anchor;
    private final JwsVerifier verifier;

    /**
     * A client that reads the witness's answers as plain JSON, trusting the channel: for tests and
     * tools. Use {@link #forAnchor} to have answers verified.
     *
     * @param registry the registry's base URL, such as {@code http://127.0.0.1:18803/}
     */
    public WitnessClient(URI registry, HttpClient http, Duration timeout) {
        this(registry, http, timeout, null, null);
    }

    private WitnessClient(URI registry, HttpClient http, Duration timeout, Supplier<Anchor> anchor,
                          JwsVerifier verifier) {
        Objects.requireNonNull(registry, "registry");
        this.base = registry.resolve(AccessLogProtocol.WITNESS_PATH);
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.anchor = anchor;
        this.verifier = verifier;
    }

    /**
     * The witness of the registry an anchor names (same scheme, host and port as its download URL),
     * its answers verified against the anchor's configuration signing certificate with {@code provider}.
     */
    public static WitnessClient forAnchor(Anchor anchor, Provider provider) {
        return forAnchor(anchor, provider, HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build(), DEFAULT_TIMEOUT);
    }

    public static WitnessClient forAnchor(Anchor anchor, Provider provider, HttpClient http, Duration timeout) {
        return forAnchor(() -> anchor, provider, http, timeout);
    }

    /**
     * As above, for an anchor that may change: answers are verified against the certificates the
     * anchor names when they arrive, so a configuration client's rotated anchor
     * ({@code ConfigurationClient::anchor}) is followed through a configuration signing key rotation.
     */
    public static WitnessClient forAnchor(Supplier<Anchor> anchor, Provider provider) {
        return forAnchor(anchor, provider, HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build(), DEFAULT_TIMEOUT);
    }

    private static WitnessClient forAnchor(Supplier<Anchor> anchor, Provider provider, HttpClient http,
                                           Duration timeout) {
        return new WitnessClient(anchor.get().downloadUrl().resolve("/"), http, timeout, anchor,
                new JwsVerifier(provider));
    }

    @Override
    public Optional<WitnessedCheckpoint> latest(SecurityServerId server) throws WitnessException {
        return get(URI.create(base + "/" + path(server)), server, -1);
    }

    @Override
    public Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) throws WitnessException {
        return get(URI.create(base + "/" + path(server) + "?size=" + size), server, size);
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

    private Optional<WitnessedCheckpoint> get(URI uri, SecurityServerId server, long size) throws WitnessException {
        Answer answer = send(HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", verifier == null ? "application/json" : SIGNED_MEDIA_TYPE).GET().build());
        if (answer.status == 404) {
            return Optional.empty();
        }
        if (answer.status != 200) {
            throw new WitnessException("the witness at " + uri + " answered HTTP " + answer.status + ": "
                    + reason(answer.body), null);
        }
        if (verifier == null) {
            return Optional.of(witnessed(answer));
        }
        WitnessedCheckpoint witnessed = verified(uri, answer.body);
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointCodec.unverifiedCheckpoint(witnessed.checkpoint());
        } catch (AccessLogFormatException e) {
            throw new WitnessException("the witness at " + uri + " answered a checkpoint that cannot be read: "
                    + e.getMessage(), e);
        }
        if (!checkpoint.origin().equals(server) || checkpoint.size() != witnessed.size()
                || !checkpoint.rootHash().equals(witnessed.rootHash()) || (size >= 0 && witnessed.size() != size)) {
            throw new WitnessException("the witness at " + uri + " answered a checkpoint of " + checkpoint.origin()
                    + " of size " + witnessed.size() + "; expected one of " + server + (size >= 0 ? " of size " + size
                    : ""), null);
        }
        return Optional.of(witnessed);
    }

    /** The answer as a JWS by a configuration signing certificate the anchor names; its payload read strictly. */
    private WitnessedCheckpoint verified(URI uri, byte[] body) throws WitnessException {
        String compact = new String(body, StandardCharsets.US_ASCII).strip();
        VerifiedJws jws;
        try {
            jws = verifier.verify(compact);
        } catch (JwsVerificationException e) {
            throw new WitnessException("the witness at " + uri + " answered without a valid registry signature: "
                    + e.getMessage(), e);
        }
        byte[] signer;
        try {
            signer = jws.signer().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new WitnessException("the witness's signer certificate cannot be encoded", e);
        }
        boolean pinned = false;
        for (String certificate : anchor.get().signingCertificates()) {
            try {
                pinned |= MessageDigest.isEqual(Base64.getDecoder().decode(certificate.strip()), signer);
            } catch (IllegalArgumentException e) {
                // Not base64: it pins nothing; a validated anchor (AnchorFile.read) never has one.
            }
        }
        if (!pinned) {
            throw new WitnessException("the witness at " + uri + " answered signed by "
                    + jws.signer().getSubjectX500Principal() + ", not by the configuration signing certificate the"
                    + " anchor pins", null);
        }
        try {
            return CheckpointCodec.witnessed(jws.payload());
        } catch (AccessLogFormatException e) {
            throw new WitnessException("the witness at " + uri + " signed an answer in an unexpected form: "
                    + e.getMessage(), e);
        }
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
