package org.xroadng.certs.ocsp;

import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.PercentDecoding;

/**
 * The HTTP binding of an {@link OcspResponder} (RFC 6960 Appendix A.1).
 *
 * <p>Guarantees: {@code POST {path}} with {@code Content-Type: application/ocsp-request} and a DER
 * request body, and {@code GET {path}/{url-encoding of base64 of the DER request}}, are both
 * answered 200 with {@code Content-Type: application/ocsp-response} and the responder's DER
 * {@code OCSPResponse}; a GET path that does not percent-decode or base64-decode is answered with
 * an OCSP {@code malformedRequest}, not an HTTP error. Only a POST with another content type is
 * refused at the HTTP level (415).
 */
public final class OcspHttpEndpoints {

    public static final String REQUEST_TYPE = "application/ocsp-request";
    public static final String RESPONSE_TYPE = "application/ocsp-response";

    private final OcspResponder responder;

    public OcspHttpEndpoints(OcspResponder responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    /** Routes {@code POST path} and {@code GET path/{request...}} to this responder. */
    public HttpApiServer.Builder addTo(HttpApiServer.Builder server, String path) {
        return server.route("POST", path, post()).route("GET", path + "/{request...}", get("request"));
    }

    /** The POST binding: the body is the DER {@code OCSPRequest}. */
    public HttpEndpoint post() {
        return call -> {
            String type = call.header("Content-Type").orElse("");
            if (!mediaType(type).equals(REQUEST_TYPE)) {
                throw new HttpProblem(415, "UnsupportedMediaType", "Content-Type is '" + type
                        + "'; expected " + REQUEST_TYPE + " (RFC 6960 Appendix A.1)");
            }
            return reply(responder.respond(call.body()));
        };
    }

    /**
     * The GET binding: the path parameter {@code pathParam} (captured raw by a {@code {name...}}
     * route) is the URL-encoded base64 of the DER {@code OCSPRequest}.
     */
    public HttpEndpoint get(String pathParam) {
        return (HttpCall call) -> {
            byte[] der;
            try {
                der = Base64.getDecoder().decode(PercentDecoding.decode(call.pathParam(pathParam)));
            } catch (IllegalArgumentException e) {
                return reply(OcspResponses.statusOnly(OCSPResponseStatus.MALFORMED_REQUEST));
            }
            return reply(responder.respond(der));
        };
    }

    private static HttpReply reply(byte[] response) {
        return HttpReply.of(200, RESPONSE_TYPE, response);
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }
}
