package org.xroadng.securityserver.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as a proxy received it, copied out of Netty's buffers so it can be processed off
 * the event loop: method, raw target, headers in arrival order, body, the TLS peer certificate
 * when the connection had one, and the exchange's {@link Reservation} of the server's body budget,
 * which answers received for this request grow (the proxy's handler closes it once the answer is written).
 */
public record IncomingRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body,
                              boolean keepAlive, X509Certificate peerCertificate, Reservation reservation) {

    public IncomingRequest {
        headers = List.copyOf(headers);
        java.util.Objects.requireNonNull(reservation, "reservation");
    }

    public static IncomingRequest of(FullHttpRequest request, X509Certificate peerCertificate) {
        return of(request, peerCertificate, Reservation.NONE);
    }

    public static IncomingRequest of(FullHttpRequest request, X509Certificate peerCertificate, Reservation reservation) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        request.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
        return new IncomingRequest(request.method().name(), request.uri(), headers,
                ByteBufUtil.getBytes(request.content()), HttpUtil.isKeepAlive(request), peerCertificate, reservation);
    }

    /** The single value of a header (case-insensitive), if present. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return Optional.of(header.getValue());
            }
        }
        return Optional.empty();
    }

    /** How many times a header occurs. */
    public int count(String name) {
        int count = 0;
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                count++;
            }
        }
        return count;
    }
}
