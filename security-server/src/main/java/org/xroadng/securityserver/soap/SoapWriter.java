package org.xroadng.securityserver.soap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.w3c.dom.Document;
import org.w3c.dom.ls.DOMImplementationLS;
import org.w3c.dom.ls.LSOutput;
import org.w3c.dom.ls.LSSerializer;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * Writes the SOAP messages the servers make themselves (metadata answers, echoed answers): UTF-8,
 * with an XML declaration, the SOAP 1.1, X-Road and identifier namespaces bound to
 * {@code SOAP-ENV}, {@code xrd} and {@code id}.
 */
public final class SoapWriter {

    /** The Content-Type of a SOAP 1.1 message without attachments. */
    public static final List<Map.Entry<String, String>> XML = List.of(
            Map.entry("Content-Type", "text/xml; charset=utf-8"));

    private SoapWriter() {
    }

    /** An envelope with an empty header and {@code bodyXml} (using the prefixes above) as its body. */
    public static byte[] envelope(String bodyXml) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"" + SoapMessage.SOAP_NS
                + "\" xmlns:xrd=\"" + SoapMessage.XROAD_NS + "\" xmlns:id=\"" + SoapMessage.ID_NS + "\">"
                + "<SOAP-ENV:Header/><SOAP-ENV:Body>" + bodyXml + "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A SOAP message with one attachment (SOAP Messages with Attachments): {@code multipart/related},
     * the envelope first as {@code text/xml} (8bit, as PR-MESS section 2.4 asks), then the attachment.
     */
    public static HttpExchangeClient.Answer withAttachment(byte[] envelope, String attachmentType, byte[] attachment) {
        String boundary = "xroad-" + UUID.randomUUID();
        byte[] body = Multipart.write(boundary, List.of(
                new Multipart.Part(List.of(Map.entry("Content-Type", "text/xml; charset=utf-8"),
                        Map.entry("Content-Transfer-Encoding", "8bit"), Map.entry("Content-ID", "<soap-part>")),
                        envelope),
                new Multipart.Part(List.of(Map.entry("Content-Type", attachmentType),
                        Map.entry("Content-Transfer-Encoding", "binary"), Map.entry("Content-ID", "<attachment-1>")),
                        attachment)));
        return new HttpExchangeClient.Answer(200, List.of(Map.entry("Content-Type", "multipart/related; type=\"text/xml\";"
                + " start=\"<soap-part>\"; boundary=\"" + boundary + "\"")), body, null);
    }

    /** {@code document} as UTF-8 bytes with an XML declaration, namespace declarations fixed up. */
    public static byte[] serialize(Document document) {
        DOMImplementationLS ls = (DOMImplementationLS) document.getImplementation().getFeature("LS", "3.0");
        LSSerializer serializer = ls.createLSSerializer();
        LSOutput output = ls.createLSOutput();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        output.setByteStream(bytes);
        output.setEncoding("UTF-8");
        serializer.write(document, output);
        return bytes.toByteArray();
    }
}
