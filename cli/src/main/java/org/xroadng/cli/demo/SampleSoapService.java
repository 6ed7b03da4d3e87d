package org.xroadng.cli.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.http.XmlText;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.protocol.xml.XmlException;
import org.xroadng.securityserver.soap.SoapWriter;

/**
 * The population registry's SOAP service {@code personSoap} as an X-Road information system
 * answers it (X-Road message protocol 4.0, document/literal wrapped, described by
 * {@code person.wsdl}): reads {@code personSoap/personalCode}, answers
 * {@code personSoapResponse/person} with the sample person and the request's header echoed field for field (PR-MESS section 2.2),
 * naming the person in {@code X-Road-Data-Subject}; an unknown code or a request it cannot read is
 * a SOAP fault. It reads XML as the servers do ({@link SafeXml}): no DTD, no entities.
 */
final class SampleSoapService {

    static final String NAMESPACE = "http://demo.x-road.example/population";
    private static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";

    private SampleSoapService() {
    }

    static HttpReply answer(HttpCall call) {
        Document request;
        try {
            request = SafeXml.parse(call.body(), SafeXml.DEFAULT);
        } catch (XmlException e) {
            return fault("Client", "the request is not XML the registry reads: " + e.getMessage());
        }
        Element body = child(request.getDocumentElement(), SOAP_NS, "Body");
        Element query = body == null ? null : child(body, NAMESPACE, "personSoap");
        Element code = query == null ? null : child(query, NAMESPACE, "personalCode");
        if (code == null) {
            return fault("Client", "expected Body/personSoap/personalCode in namespace " + NAMESPACE);
        }
        SampleProviderIs.Person person = SampleProviderIs.PEOPLE.get(code.getTextContent().strip());
        if (person == null) {
            return fault("Server", "no person with personal code " + code.getTextContent().strip()
                    + " in the population registry");
        }
        // The answer is the request's envelope, header kept as it came (the echo), body replaced.
        for (Node n : nodes(body)) {
            body.removeChild(n);
        }
        Element answer = request.createElementNS(NAMESPACE, "ps:personSoapResponse");
        Element found = request.createElementNS(NAMESPACE, "ps:person");
        add(found, "personalCode", person.personalCode());
        add(found, "givenName", person.givenName());
        add(found, "familyName", person.familyName());
        add(found, "dateOfBirth", person.dateOfBirth());
        add(found, "address", person.address());
        answer.appendChild(found);
        body.appendChild(answer);
        return HttpReply.of(200, "text/xml; charset=utf-8", SoapWriter.serialize(request))
                .withHeader(XRoadHeaders.DATA_SUBJECT, person.personalCode());
    }

    private static void add(Element parent, String name, String text) {
        Element element = parent.getOwnerDocument().createElementNS(NAMESPACE, "ps:" + name);
        element.setTextContent(text);
        parent.appendChild(element);
    }

    private static Element child(Element parent, String namespace, String localName) {
        for (Node n : nodes(parent)) {
            if (n instanceof Element e && namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Node> nodes(Element parent) {
        List<Node> nodes = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            nodes.add(n);
        }
        return nodes;
    }

    private static HttpReply fault(String code, String message) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope"
                + " xmlns:SOAP-ENV=\"" + SOAP_NS + "\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:" + code
                + "</faultcode><faultstring>");
        XmlText.append(xml, message).append("</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n");
        return HttpReply.of(500, "text/xml; charset=utf-8", xml.toString().getBytes(StandardCharsets.UTF_8));
    }
}
