package org.xroadng.registry.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.xroadng.protocol.globalconf.GlobalConfigurationCodec;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.MediaTypes;
import org.xroadng.registry.Registry;
import org.xroadng.registry.RegistryException;
import org.xroadng.registry.globalconf.ConfigurationPublisher.Published;

/**
 * What security servers reach without an API key:
 * <ul>
 *   <li>{@code GET /globalconf}: the latest signed global configuration ({@code application/jose}),
 *       with its version as ETag; {@code If-None-Match} with that ETag answers 304;
 *   <li>{@code POST /management/requests}: a signed management request (the compact JWS as the
 *       body), answered 202 with the stored request, or 400/409 with the reason it was refused.
 * </ul>
 */
public final class PublicEndpoints {

    private final Registry registry;

    public PublicEndpoints(Registry registry) {
        this.registry = registry;
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        server.route("GET", "/globalconf", call -> {
            Optional<Published> latest = registry.publisher().latest();
            if (latest.isEmpty()) {
                throw new HttpProblem(503, "NotReady", "no global configuration has been generated yet");
            }
            Published published = latest.get();
            if (call.header("If-None-Match").map(published.etag()::equals).orElse(false)) {
                return new HttpReply(304, null, new byte[0], java.util.Map.of("ETag", published.etag()));
            }
            return HttpReply.of(200, GlobalConfigurationCodec.MEDIA_TYPE,
                    published.signed().getBytes(StandardCharsets.US_ASCII)).withHeader("ETag", published.etag());
        });
        server.route("POST", "/management/requests", call -> {
            String body = new String(call.body(), StandardCharsets.US_ASCII);
            if (body.isBlank()) {
                throw HttpProblem.badRequest("request body is empty; expected a signed management request"
                        + " (compact JWS, Content-Type application/jose)");
            }
            MediaTypes.require(call, "application/jose", "a signed management request in compact JWS, RFC 7515"
                    + " section 9.2.1");
            try {
                return HttpReply.json(202, registry.requests().file(body));
            } catch (RegistryException e) {
                throw OperatorApi.problem(e);
            }
        });
        // Unauthenticated, for load balancers: 503 when this node's database does not answer.
        server.route("GET", "/health", call -> {
            boolean database = registry.changes().database().reachable();
            return HttpReply.json(database ? 200 : 503, java.util.Map.of("status", database ? "ok" : "DOWN",
                    "instance", registry.instance(), "database", database ? "UP" : "DOWN",
                    "globalConfVersion", registry.publisher().latest().map(Published::version).orElse(0L)));
        });
        return server;
    }
}
