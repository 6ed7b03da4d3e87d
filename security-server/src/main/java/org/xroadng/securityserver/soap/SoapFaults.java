package org.xroadng.securityserver.soap;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.http.XmlText;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;

/**
 * Errors as the SOAP profile answers them (PR-MESS section 2.5, annex D.1): a SOAP 1.1 Fault with
 * the X-Road error type as {@code faultcode} (for example {@code Client.InvalidSoap},
 * {@code Server.ServerProxy.AccessDenied}), the message as {@code faultstring} and the fault id
 * the server logged as {@code detail/faultDetail}; HTTP 500 (SOAP 1.1 section 6.2),
 * {@code text/xml; charset=utf-8}, {@code X-Road-Error} kept. Never a stack trace: the message is
 * the one the REST profile gives for the same failure.
 */
public final class SoapFaults {

    private static final List<Map.Entry<String, String>> XML = List.of(
            Map.entry("Content-Type", "text/xml; charset=utf-8"));

    private SoapFaults() {
    }

    /** The wire type for a request the information system sent that is not acceptable SOAP. */
    public static ErrorType requestErrorType(SoapException.Kind kind) {
        return switch (kind) {
            case CONTENT_TYPE -> ErrorType.CLIENT_INVALID_CONTENT_TYPE;
            case XML -> ErrorType.CLIENT_INVALID_XML;
            case SOAP -> ErrorType.CLIENT_INVALID_SOAP;
            case MISSING_FIELD -> ErrorType.CLIENT_MISSING_HEADER_FIELD;
            case DUPLICATE_FIELD -> ErrorType.CLIENT_DUPLICATE_HEADER_FIELD;
            case PROTOCOL_VERSION -> ErrorType.CLIENT_INVALID_PROTOCOL_VERSION;
            case CLIENT -> ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER;
            case SERVICE -> ErrorType.CLIENT_INVALID_SERVICE_IDENTIFIER;
            case HEADER -> ErrorType.CLIENT_INVALID_HEADER;
        };
    }

    /** The fault for {@code e}, logged with a fresh fault id as every error answer is. */
    public static FullHttpResponse of(ExchangeException e, String queryId) {
        return fromError(Responses.error(e, queryId, "application/json"));
    }

    /**
     * The fault for an error answer in the REST profile's JSON form ({@code X-Road-Error} set):
     * the same type, message and fault id. The JSON answer is released.
     */
    public static FullHttpResponse fromError(FullHttpResponse error) {
        String type = error.headers().get(XRoadHeaders.ERROR);
        String message;
        String detail;
        try {
            JsonNode body = ProtocolJson.mapper().readTree(ByteBufUtil.getBytes(error.content()));
            message = body.path("message").asText("");
            detail = body.path("detail").isNull() ? "" : body.path("detail").asText("");
            if (body.hasNonNull("type")) {
                type = body.get("type").asText();
            }
        } catch (IOException e) {
            // the error body is ours or a peer server's; a peer that sent no JSON still gets its type across
            message = "the security server answered " + type + " without a readable message";
            detail = "";
        } finally {
            error.release();
        }
        FullHttpResponse fault = Responses.of(500, XML, envelope(type, message, detail));
        fault.headers().set(XRoadHeaders.ERROR, type);
        return fault;
    }

    static byte[] envelope(String code, String message, String detail) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"").append(SoapMessage.SOAP_NS).append("\">")
                .append("<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>");
        XmlText.append(xml, code).append("</faultcode><faultstring>");
        XmlText.append(xml, message).append("</faultstring><faultactor></faultactor><detail><faultDetail xmlns=\"\">");
        XmlText.append(xml, detail).append("</faultDetail></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }
}
