package org.xroadng.protocol.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.xroadng.protocol.http.XmlText;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * How a security server writes an error body for an information system (X-Road Message Protocol
 * for REST, section 4.6): in the media type the IS's {@code Accept} header prefers, JSON by
 * default, always with {@code charset=utf-8} in the {@code Content-Type} (section 4.3).
 *
 * <p>JSON: {@code {"type", "message", "detail"}}. XML: {@code <error><type/><message/><detail/></error>}
 * with the same three values, escaped; characters XML 1.0 cannot carry are replaced by {@code ?}.
 */
public enum ErrorFormat {

    JSON("application/json; charset=utf-8"),
    XML("application/xml; charset=utf-8"),
    /** XML for a client that accepts {@code text/xml} but not {@code application/xml}. */
    TEXT_XML("text/xml; charset=utf-8");

    /** Longest {@code Accept} value looked at; a longer one is judged by its beginning. */
    private static final int MAX_ACCEPT = 1024;

    private final String contentType;

    ErrorFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The {@code Content-Type} of a body in this format. */
    public String contentType() {
        return contentType;
    }

    /**
     * The format an {@code Accept} header value asks for (RFC 9110 section 12.5.1): XML when
     * {@code application/xml} or {@code text/xml} has a higher quality than {@code application/json};
     * JSON when JSON is preferred, when they tie, when neither is acceptable, and when there is no
     * header ({@code accept} null) or it cannot be read.
     */
    public static ErrorFormat of(String accept) {
        if (accept == null || accept.isBlank()) {
            return JSON;
        }
        String value = accept.length() > MAX_ACCEPT ? accept.substring(0, MAX_ACCEPT) : accept;
        double json = 0;
        double applicationXml = 0;
        double textXml = 0;
        for (String range : value.split(",")) {
            String[] parts = range.split(";", -1);
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double q = quality(parts);
            json = Math.max(json, matches(type, "application", "json") ? q : 0);
            applicationXml = Math.max(applicationXml, matches(type, "application", "xml") ? q : 0);
            textXml = Math.max(textXml, matches(type, "text", "xml") ? q : 0);
        }
        if (Math.max(applicationXml, textXml) <= json) {
            return JSON;
        }
        return applicationXml >= textXml ? XML : TEXT_XML;
    }

    private static boolean matches(String range, String type, String subtype) {
        return range.equals("*/*") || range.equals(type + "/*") || range.equals(type + "/" + subtype);
    }

    /** The {@code q} parameter of a media range: 1 when absent, 0 when malformed or out of 0..1. */
    private static double quality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.length() > 2 && (parameter.startsWith("q=") || parameter.startsWith("Q="))) {
                try {
                    double q = Double.parseDouble(parameter.substring(2).strip());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    /** The body of {@code error} in this format, UTF-8. */
    public byte[] render(ErrorBody error) {
        if (this == JSON) {
            try {
                return ProtocolJson.mapper().writeValueAsBytes(error);
            } catch (JsonProcessingException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>");
        element(xml, "type", error.type());
        element(xml, "message", error.message());
        element(xml, "detail", error.detail());
        return xml.append("</error>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder xml, String name, String text) {
        if (text == null) {
            xml.append('<').append(name).append("/>");
            return;
        }
        xml.append('<').append(name).append('>');
        XmlText.append(xml, text);
        xml.append("</").append(name).append('>');
    }
}
