package org.xroadng.securityserver.soap;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.clientproxy.ClientProxyService;
import org.xroadng.securityserver.http.IncomingRequest;

/**
 * The SOAP profile at the client proxy (X-Road message protocol 4.0): an information system POSTs
 * a SOAP 1.1 message ({@code text/xml}, or {@code multipart/related} with attachments) to any path
 * but {@code /r1/...}; this edge reads it ({@link SoapMessage}, {@link XRoadSoapHeader}) and hands
 * the same exchange as every REST request to {@link ClientProxyService}: signed, access-checked by
 * the provider, logged on both sides. Between the servers the SOAP message is the body, byte for
 * byte, of a {@code POST /r1/{service}} marked {@code X-Road-Soap: 4.0}, with the header's fields as
 * the protocol headers and only {@code Content-Type} and {@code SOAPAction} of the IS's HTTP headers
 * (PR-MESS section 2.2).
 *
 * <p>The answer is the provider's SOAP message as its server signed it: X-Road header fields
 * echoed and {@code requestHash} added by the provider's server ({@link SoapAnswers}), which this
 * side checks against the request before releasing it; HTTP headers other than
 * {@code Content-Type} are not passed on. Every failure is a SOAP fault ({@link SoapFaults}); a
 * request refused here was neither signed nor logged.
 */
public final class SoapClientProxy {

    /** Our SOAP requests: 16 MiB of SOAP part, 64 levels. (Attachments count against the body limit only.) */
    public static final SafeXml.Limits LIMITS = SafeXml.DEFAULT;

    private final ClientProxyService service;

    public SoapClientProxy(ClientProxyService service) {
        this.service = service;
    }

    /** Whether {@code request} is for the SOAP profile: a POST to a path outside {@code /r1/}. */
    public static boolean matches(IncomingRequest request) {
        return "POST".equals(request.method()) && !request.target().startsWith("/r1/");
    }

    /** Answers one SOAP request; never completes exceptionally. */
    public CompletableFuture<FullHttpResponse> handle(IncomingRequest request) {
        SoapMessage message;
        XRoadSoapHeader header;
        try {
            message = SoapMessage.read(request.header("Content-Type").orElse(null), request.body(), LIMITS);
            header = XRoadSoapHeader.of(message);
        } catch (SoapException e) {
            return CompletableFuture.completedFuture(SoapFaults.fromError(service.refuse(
                    new ExchangeException(SoapFaults.requestErrorType(e.kind()), e.getMessage()))));
        }
        return service.handle(exchange(request, header))
                .thenApply(answer -> answer(answer, message, header));
    }

    /** The REST-shaped exchange request that carries the SOAP message between the servers. */
    static IncomingRequest exchange(IncomingRequest request, XRoadSoapHeader header) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry(XRoadHeaders.CLIENT, header.client().format()));
        headers.add(Map.entry(XRoadHeaders.ID, header.id()));
        if (header.userId() != null) {
            headers.add(Map.entry(XRoadHeaders.USER_ID, header.userId()));
        }
        if (header.issue() != null) {
            headers.add(Map.entry(XRoadHeaders.ISSUE, header.issue()));
        }
        if (header.purpose() != null) {
            headers.add(Map.entry(XRoadHeaders.PURPOSE, header.purpose()));
        }
        if (!header.subjects().isEmpty()) {
            headers.add(Map.entry(XRoadHeaders.SUBJECT, String.join(",", header.subjects())));
        }
        headers.add(Map.entry(XRoadHeaders.SOAP, XRoadSoapHeader.PROTOCOL_VERSION));
        headers.add(Map.entry("Accept", "application/json")); // errors in the form SoapFaults reads
        headers.addAll(SoapAnswers.forwarded(request.headers()));
        return new IncomingRequest("POST", "/r1/" + header.service().format(), headers, request.body(),
                request.keepAlive(), request.peerCertificate(), request.reservation());
    }

    private static FullHttpResponse answer(FullHttpResponse answer, SoapMessage request, XRoadSoapHeader header) {
        if (answer.headers().contains(XRoadHeaders.ERROR)) {
            return SoapFaults.fromError(answer);
        }
        try {
            SoapMessage response = SoapMessage.read(answer.headers().get("Content-Type"),
                    ByteBufUtil.getBytes(answer.content()), LIMITS);
            if (!response.isFault() && !response.xroadField("requestHash").map(request.hash()::equals).orElse(false)) {
                throw new ExchangeException(ErrorType.CLIENT_PROXY_REQUEST_HASH_MISMATCH, "the provider's answer"
                        + " carries a requestHash that is not the hash of this request");
            }
        } catch (SoapException e) {
            answer.release();
            return SoapFaults.of(new ExchangeException(ErrorType.CLIENT_PROXY_INVALID_SIGNATURE, "the provider's"
                    + " signed answer is not a SOAP message: " + e.getMessage()), header.id());
        } catch (ExchangeException e) {
            answer.release();
            return SoapFaults.of(e, header.id());
        }
        List<String> names = new ArrayList<>(answer.headers().names());
        for (String name : names) {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-road-")) {
                answer.headers().remove(name);
            }
        }
        return answer;
    }
}
