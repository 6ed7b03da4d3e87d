package org.xroadng.securityserver.soap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.protocol.xml.XmlException;

/**
 * A SOAP 1.1 message as X-Road's message protocol 4.0 carries it (PR-MESS section 2): a
 * {@code text/xml} body, or a {@code multipart/related} one whose root part is the SOAP envelope
 * ({@code text/xml}, or {@code application/xop+xml} for MTOM) and whose other parts are
 * attachments, kept byte for byte.
 *
 * <p>Guarantees once {@link #read} returns: the envelope was parsed by {@link SafeXml} (no DTD,
 * no entities, bounded depth and size); its root is {@code Envelope} in the SOAP 1.1 namespace
 * with at most one {@code Header} and exactly one {@code Body}, the header (when present) before
 * the body; the body holds at most one element.
 */
public final class SoapMessage {

    public static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    /** X-Road's header fields (PR-MESS section 2.2). */
    public static final String XROAD_NS = "http://x-road.eu/xsd/xroad.xsd";
    /** X-Road's identifier elements (PR-MESS section 2.1). */
    public static final String ID_NS = "http://x-road.eu/xsd/identifiers";
    /** Our header fields beside X-Road's: {@code purpose} and {@code subject}. */
    public static final String EXTENSION_NS = "urn:xroad-ng:soap:extensions";
    /** {@code requestHash/@algorithmId} of SHA-512 (XML Encryption, section 5.7.3). */
    public static final String SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512";

    private final ContentType type;
    private final Multipart multipart;
    private final byte[] soapPart;
    private final Document document;
    private final Element header;
    private final Element body;

    private SoapMessage(ContentType type, Multipart multipart, byte[] soapPart, Document document, Element header,
                        Element body) {
        this.type = type;
        this.multipart = multipart;
        this.soapPart = soapPart;
        this.document = document;
        this.header = header;
        this.body = body;
    }

    /** Reads a message whose HTTP {@code Content-Type} is {@code contentType}. */
    public static SoapMessage read(String contentType, byte[] body, SafeXml.Limits limits) throws SoapException {
        ContentType type;
        try {
            type = ContentType.parse(contentType);
        } catch (IllegalArgumentException e) {
            throw new SoapException(SoapException.Kind.CONTENT_TYPE, "Content-Type is not usable: " + e.getMessage()
                    + "; expected text/xml or multipart/related");
        }
        Multipart multipart = null;
        byte[] soapPart = body;
        if (type.essence().equals("multipart/related")) {
            try {
                multipart = Multipart.parse(type, body);
            } catch (IllegalArgumentException e) {
                throw new SoapException(SoapException.Kind.CONTENT_TYPE, "the multipart/related body is malformed: "
                        + e.getMessage());
            }
            String rootType = multipart.root().header("Content-Type").orElse("text/xml");
            String essence;
            try {
                essence = ContentType.parse(rootType).essence();
            } catch (IllegalArgumentException e) {
                throw new SoapException(SoapException.Kind.CONTENT_TYPE, "the root part's Content-Type is not usable: "
                        + e.getMessage());
            }
            if (!essence.equals("text/xml") && !essence.equals("application/xop+xml")) {
                throw new SoapException(SoapException.Kind.CONTENT_TYPE, "the root part is " + essence
                        + "; expected text/xml (SOAP with attachments) or application/xop+xml (MTOM)");
            }
            soapPart = multipart.root().content();
        } else if (!type.essence().equals("text/xml")) {
            throw new SoapException(SoapException.Kind.CONTENT_TYPE, "Content-Type " + type.essence()
                    + " is not a SOAP 1.1 message; expected text/xml or multipart/related");
        }
        Document document;
        try {
            document = SafeXml.parse(soapPart, limits);
        } catch (XmlException e) {
            throw new SoapException(SoapException.Kind.XML, e.getMessage(), e);
        }
        Element envelope = document.getDocumentElement();
        if (!SOAP_NS.equals(envelope.getNamespaceURI()) || !"Envelope".equals(envelope.getLocalName())) {
            throw new SoapException(SoapException.Kind.SOAP, "the root element is " + name(envelope)
                    + "; expected Envelope in " + SOAP_NS + " (SOAP 1.1)");
        }
        Element header = null;
        Element soapBody = null;
        for (Element child : children(envelope)) {
            boolean soap = SOAP_NS.equals(child.getNamespaceURI());
            if (soap && "Header".equals(child.getLocalName()) && header == null && soapBody == null) {
                header = child;
            } else if (soap && "Body".equals(child.getLocalName()) && soapBody == null) {
                soapBody = child;
            } else {
                throw new SoapException(SoapException.Kind.SOAP, "the envelope holds " + name(child)
                        + " where only one Header followed by one Body may stand");
            }
        }
        if (soapBody == null) {
            throw new SoapException(SoapException.Kind.SOAP, "the envelope has no Body");
        }
        if (children(soapBody).size() > 1) {
            throw new SoapException(SoapException.Kind.SOAP, "the Body holds " + children(soapBody).size()
                    + " elements; document/literal wrapped allows one");
        }
        return new SoapMessage(type, multipart, soapPart, document, header, soapBody);
    }

    public boolean hasAttachments() {
        return multipart != null;
    }

    /** The number of parts besides the SOAP part. */
    public int attachmentCount() {
        return multipart == null ? 0 : multipart.parts().size() - 1;
    }

    Multipart multipart() {
        return multipart;
    }

    Document document() {
        return document;
    }

    /** The Header element, if the envelope has one. */
    Optional<Element> header() {
        return Optional.ofNullable(header);
    }

    /** The element in the Body (the wrapper, or a Fault), if any. */
    public Optional<Element> bodyElement() {
        List<Element> inBody = children(body);
        return inBody.isEmpty() ? Optional.empty() : Optional.of(inBody.get(0));
    }

    /** Whether the body is a SOAP Fault. */
    public boolean isFault() {
        return bodyElement().map(e -> SOAP_NS.equals(e.getNamespaceURI()) && "Fault".equals(e.getLocalName()))
                .orElse(false);
    }

    /**
     * The header fields of X-Road's namespace and ours, in order: what a response echoes.
     * {@code requestHash} is left out: the provider's server makes it anew.
     */
    List<Element> xroadFields() {
        List<Element> fields = new ArrayList<>();
        if (header != null) {
            for (Element child : children(header)) {
                if (isXroadField(child) && !"requestHash".equals(child.getLocalName())) {
                    fields.add(child);
                }
            }
        }
        return fields;
    }

    static boolean isXroadField(Element element) {
        return XROAD_NS.equals(element.getNamespaceURI()) || EXTENSION_NS.equals(element.getNamespaceURI());
    }

    /**
     * The message's {@code requestHash} as X-Road defines it (PR-MESS section 2.2): standard base64
     * of SHA-512 over the bytes of the SOAP message, that is the whole body without attachments,
     * the SOAP part's content with them.
     */
    public String hash() {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(soapPart));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is not available", e);
        }
    }

    /** The text of the first header field {@code localName} in X-Road's namespace, if any. */
    public Optional<String> xroadField(String localName) {
        if (header != null) {
            for (Element child : children(header)) {
                if (XROAD_NS.equals(child.getNamespaceURI()) && localName.equals(child.getLocalName())) {
                    return Optional.of(child.getTextContent().strip());
                }
            }
        }
        return Optional.empty();
    }

    static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                elements.add((Element) n);
            }
        }
        return elements;
    }

    static String name(Element element) {
        return element.getNamespaceURI() == null ? element.getLocalName()
                : "{" + element.getNamespaceURI() + "}" + element.getLocalName();
    }

    @Override
    public String toString() {
        return "SoapMessage[" + type.essence() + ", " + soapPart.length + " bytes SOAP part"
                + (multipart == null ? "" : ", " + attachmentCount() + " attachments") + "]";
    }
}
