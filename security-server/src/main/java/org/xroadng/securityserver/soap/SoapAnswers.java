package org.xroadng.securityserver.soap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.message.ProtocolHeaders;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * The SOAP profile at the provider's server: reads the SOAP request it verified, and makes the
 * provider IS's answer the one X-Road's message protocol 4.0 promises the client (PR-MESS section
 * 2.2): the request's X-Road header fields echoed in the same order with the same values, and a
 * fresh {@code requestHash} (SHA-512, base64) of the request's SOAP part, before it is signed.
 *
 * <p>The IS should echo the fields itself; when it does, they must equal the request's
 * ({@code Server.ServerProxy.ServiceFailed.InconsistentHeaders} otherwise); fields it left out are
 * filled in, and a {@code requestHash} it gave is replaced. An answer that is not SOAP is refused
 * ({@code Server.ServerProxy.ServiceFailed.InvalidSoap}); a SOAP Fault is passed on unchanged.
 * Attachments of the answer are kept byte for byte; only the SOAP part is written again (UTF-8).
 */
public final class SoapAnswers {

    private SoapAnswers() {
    }

    /** The HTTP headers a SOAP message keeps between an IS and a server: Content-Type and SOAPAction. */
    public static List<Map.Entry<String, String>> forwarded(List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase("Content-Type") || header.getKey().equalsIgnoreCase("SOAPAction")) {
                kept.add(Map.entry(header.getKey(), header.getValue()));
            }
        }
        return kept;
    }

    /**
     * The SOAP request a peer server sent, read again and held to the protocol headers it signed:
     * the X-Road header must name the same client, service, id, user, issue, purpose and subjects.
     */
    public static SoapMessage request(IncomingRequest request, ProtocolHeaders signed, ServiceId service)
            throws ExchangeException {
        try {
            SoapMessage message = SoapMessage.read(request.header("Content-Type").orElse(null), request.body(),
                    SoapClientProxy.LIMITS);
            XRoadSoapHeader header = XRoadSoapHeader.of(message);
            String differs = !header.client().equals(signed.client()) ? "client"
                    : !header.service().equals(service) ? "service"
                    : !header.id().equals(signed.id()) ? "id"
                    : !Objects.equals(header.userId(), signed.userId()) ? "userId"
                    : !Objects.equals(header.issue(), signed.issue()) ? "issue"
                    : !Objects.equals(header.purpose(), signed.purpose()) ? "purpose"
                    : !header.subjects().equals(signed.subjects()) ? "subject" : null;
            if (differs != null) {
                throw new ExchangeException(ErrorType.SERVER_PROXY_DIGEST_MISMATCH, "the SOAP header's " + differs
                        + " differs from the protocol headers the consumer signed");
            }
            return message;
        } catch (SoapException e) {
            throw new ExchangeException(SoapFaults.requestErrorType(e.kind()), e.getMessage());
        }
    }

    /** The IS's {@code answer} to {@code request} with the X-Road header echoed and {@code requestHash} set. */
    public static HttpExchangeClient.Answer echo(SoapMessage request, HttpExchangeClient.Answer answer)
            throws ExchangeException {
        SoapMessage response;
        try {
            response = SoapMessage.read(answer.header("Content-Type").orElse(null), answer.body(),
                    SoapClientProxy.LIMITS);
        } catch (SoapException e) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_INVALID_SOAP_RESPONSE, "the provider's information"
                    + " system answered HTTP " + answer.status() + " that is not a SOAP message: " + e.getMessage());
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(forwarded(answer.headers()));
        answer.header(XRoadHeaders.DATA_SUBJECT).ifPresent(s -> headers.add(Map.entry(XRoadHeaders.DATA_SUBJECT, s)));
        if (response.isFault()) {
            return new HttpExchangeClient.Answer(answer.status(), headers, answer.body(), answer.peer());
        }
        Document document = response.document();
        Element header = response.header().orElseGet(() -> addHeader(response));
        requireConsistent(request.xroadFields(), response.xroadFields());
        for (Element field : SoapMessage.children(header)) {
            if (SoapMessage.isXroadField(field)) {
                header.removeChild(field);
            }
        }
        Node before = header.getFirstChild();
        for (Element field : request.xroadFields()) {
            header.insertBefore(document.importNode(field, true), before);
        }
        Element hash = document.createElementNS(SoapMessage.XROAD_NS, prefix(request) + "requestHash");
        hash.setAttribute("algorithmId", SoapMessage.SHA512);
        hash.setTextContent(request.hash());
        header.insertBefore(hash, before);
        byte[] soapPart = SoapWriter.serialize(document);
        if (response.hasAttachments()) {
            return new HttpExchangeClient.Answer(answer.status(), headers, response.multipart().withRoot(soapPart),
                    answer.peer());
        }
        headers.removeIf(h -> h.getKey().equalsIgnoreCase("Content-Type"));
        headers.add(0, Map.entry("Content-Type", "text/xml; charset=utf-8"));
        return new HttpExchangeClient.Answer(answer.status(), headers, soapPart, answer.peer());
    }

    /** Every field the answer echoes must be the request's field at the same place among its kind. */
    private static void requireConsistent(List<Element> requested, List<Element> echoed) throws ExchangeException {
        for (Element field : echoed) {
            Element match = requested.stream()
                    .filter(r -> Objects.equals(r.getNamespaceURI(), field.getNamespaceURI())
                            && r.getLocalName().equals(field.getLocalName()) && same(r, field))
                    .findFirst().orElse(null);
            if (match == null) {
                throw new ExchangeException(ErrorType.SERVER_PROXY_INCONSISTENT_HEADERS, "the provider's information"
                        + " system answered with header field " + field.getLocalName() + " that differs from the"
                        + " request's or was not in it");
            }
        }
    }

    /** Equal as X-Road header fields: same names, attributes in the identifiers namespace, and trimmed texts. */
    private static boolean same(Element a, Element b) {
        if (!Objects.equals(a.getNamespaceURI(), b.getNamespaceURI()) || !a.getLocalName().equals(b.getLocalName())
                || !a.getAttributeNS(SoapMessage.ID_NS, "objectType").equals(b.getAttributeNS(SoapMessage.ID_NS,
                "objectType"))) {
            return false;
        }
        List<Element> ac = SoapMessage.children(a);
        List<Element> bc = SoapMessage.children(b);
        if (ac.isEmpty() && bc.isEmpty()) {
            return a.getTextContent().strip().equals(b.getTextContent().strip());
        }
        if (ac.size() != bc.size()) {
            return false;
        }
        for (int i = 0; i < ac.size(); i++) {
            if (!same(ac.get(i), bc.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Element addHeader(SoapMessage response) {
        Element envelope = response.document().getDocumentElement();
        String prefix = envelope.getPrefix() == null ? "" : envelope.getPrefix() + ":";
        Element header = response.document().createElementNS(SoapMessage.SOAP_NS, prefix + "Header");
        envelope.insertBefore(header, envelope.getFirstChild());
        return header;
    }

    /** The prefix the request gave X-Road's namespace ("xrd:" when it gave none), for requestHash. */
    private static String prefix(SoapMessage request) {
        for (Element field : request.xroadFields()) {
            if (SoapMessage.XROAD_NS.equals(field.getNamespaceURI())) {
                return field.getPrefix() == null ? "" : field.getPrefix() + ":";
            }
        }
        return "xrd:";
    }
}
