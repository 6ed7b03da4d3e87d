package org.xroadng.securityserver.soap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.message.ProtocolHeaders;

/**
 * The X-Road header of a SOAP request (PR-MESS section 2.2, table 1), read from its elements:
 * {@code client} (a MEMBER or SUBSYSTEM identifier), {@code service} (a SERVICE identifier of a
 * subsystem; {@code serviceVersion} is kept but plays no part in routing or access rights, as
 * PR-MESS section 3.1 says), {@code id}, {@code userId}, {@code issue}, {@code protocolVersion}
 * (must be {@value #PROTOCOL_VERSION}), and our extensions {@code purpose} and {@code subject}
 * (repeatable, one data subject code each) in namespace {@value SoapMessage#EXTENSION_NS}.
 *
 * <p>Each field may appear once ({@code subject} excepted: held to {@code X-Road-Subject}'s
 * rules, repeats dropped); client, service, id and protocolVersion are mandatory. {@code centralService} is refused: there are no central services.
 * The values are checked further where every request's are ({@code ProtocolHeaders}).
 *
 * @param userId  null when not given
 * @param issue   null when not given
 * @param purpose null when not given
 */
public record XRoadSoapHeader(ClientId client, ServiceId service, String id, String userId, String issue,
                              String purpose, List<String> subjects) {

    public static final String PROTOCOL_VERSION = "4.0";

    public XRoadSoapHeader {
        subjects = List.copyOf(subjects);
    }

    /** The header of {@code message}, held to the rules above. */
    public static XRoadSoapHeader of(SoapMessage message) throws SoapException {
        Map<String, Element> fields = new HashMap<>();
        List<String> subjects = new ArrayList<>();
        for (Element field : message.xroadFields()) {
            String name = field.getLocalName();
            boolean ours = SoapMessage.EXTENSION_NS.equals(field.getNamespaceURI());
            if (ours && "subject".equals(name)) {
                subjects.add(field.getTextContent().strip());
                continue;
            }
            if (!ours && "centralService".equals(name)) {
                throw new SoapException(SoapException.Kind.SERVICE, "centralService is not supported: name the"
                        + " service itself in the service header field");
            }
            String key = (ours ? "ext:" : "") + name;
            if (fields.putIfAbsent(key, field) != null) {
                throw new SoapException(SoapException.Kind.DUPLICATE_FIELD, "header field " + name
                        + " is given more than once");
            }
        }
        Element client = require(fields, "client");
        Element service = require(fields, "service");
        String id = text(require(fields, "id"));
        String version = text(require(fields, "protocolVersion"));
        if (!PROTOCOL_VERSION.equals(version)) {
            throw new SoapException(SoapException.Kind.PROTOCOL_VERSION, "protocolVersion is '" + version
                    + "'; this security server speaks X-Road message protocol " + PROTOCOL_VERSION);
        }
        if (id.isEmpty()) {
            throw new SoapException(SoapException.Kind.MISSING_FIELD, "header field id is empty");
        }
        List<String> checked;
        try {
            checked = ProtocolHeaders.subjects(subjects, "header field subject");
        } catch (ExchangeException e) {
            throw new SoapException(SoapException.Kind.HEADER, e.getMessage());
        }
        return new XRoadSoapHeader(client(client), service(service), id, optional(fields, "userId"),
                optional(fields, "issue"), optional(fields, "ext:purpose"), checked);
    }

    private static ClientId client(Element element) throws SoapException {
        String type = element.getAttributeNS(SoapMessage.ID_NS, "objectType");
        Map<String, String> parts = parts(element, SoapException.Kind.CLIENT);
        try {
            MemberId member = new MemberId(part(parts, "xRoadInstance"), part(parts, "memberClass"),
                    part(parts, "memberCode"));
            String subsystem = parts.get("subsystemCode");
            if ("SUBSYSTEM".equals(type) && subsystem != null) {
                return new SubsystemId(member, subsystem);
            }
            if ("MEMBER".equals(type) && subsystem == null) {
                return member;
            }
            throw new SoapException(SoapException.Kind.CLIENT, "client has objectType '" + type + "'"
                    + (subsystem == null ? " without" : " with") + " a subsystemCode; expected MEMBER without one or"
                    + " SUBSYSTEM with one");
        } catch (IllegalArgumentException e) {
            throw new SoapException(SoapException.Kind.CLIENT, "client is not a valid identifier: " + e.getMessage());
        }
    }

    private static ServiceId service(Element element) throws SoapException {
        String type = element.getAttributeNS(SoapMessage.ID_NS, "objectType");
        if (!"SERVICE".equals(type)) {
            throw new SoapException(SoapException.Kind.SERVICE, "service has objectType '" + type
                    + "'; expected SERVICE");
        }
        Map<String, String> parts = parts(element, SoapException.Kind.SERVICE);
        try {
            String subsystem = parts.get("subsystemCode");
            if (subsystem == null) {
                throw new SoapException(SoapException.Kind.SERVICE, "service names no subsystemCode; services here"
                        + " are provided by subsystems");
            }
            MemberId member = new MemberId(part(parts, "xRoadInstance"), part(parts, "memberClass"),
                    part(parts, "memberCode"));
            return new ServiceId(new SubsystemId(member, subsystem), part(parts, "serviceCode"));
        } catch (IllegalArgumentException e) {
            throw new SoapException(SoapException.Kind.SERVICE, "service is not a valid identifier: " + e.getMessage());
        }
    }

    /** The identifier's parts by local name; each in the identifiers namespace, once. */
    private static Map<String, String> parts(Element element, SoapException.Kind kind) throws SoapException {
        Map<String, String> parts = new HashMap<>();
        for (Element part : SoapMessage.children(element)) {
            if (!SoapMessage.ID_NS.equals(part.getNamespaceURI())) {
                throw new SoapException(kind, element.getLocalName() + " holds " + SoapMessage.name(part)
                        + "; its parts are in " + SoapMessage.ID_NS);
            }
            if (parts.put(part.getLocalName(), part.getTextContent().strip()) != null) {
                throw new SoapException(kind, element.getLocalName() + " gives " + part.getLocalName() + " twice");
            }
        }
        return parts;
    }

    private static String part(Map<String, String> parts, String name) {
        String value = parts.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value;
    }

    private static Element require(Map<String, Element> fields, String name) throws SoapException {
        Element field = fields.get(name);
        if (field == null) {
            throw new SoapException(SoapException.Kind.MISSING_FIELD, "the X-Road header has no " + name
                    + " field (namespace " + SoapMessage.XROAD_NS + ")");
        }
        return field;
    }

    private static String optional(Map<String, Element> fields, String key) {
        return Optional.ofNullable(fields.get(key)).map(XRoadSoapHeader::text).filter(t -> !t.isEmpty()).orElse(null);
    }

    private static String text(Element element) {
        return element.getTextContent().strip();
    }
}
