package org.xroadng.protocol.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Reads XML from parties that are not trusted (information systems' SOAP messages, providers'
 * answers, WSDL documents) so that no document can reach outside itself or exhaust the reader.
 *
 * <p>Guarantees, checked by a streaming pass before any tree is built:
 * <ul>
 *   <li>no DTD at all: a {@code <!DOCTYPE} is refused where it stands, so there are no entity
 *       declarations, no external entities (XXE) and no entity expansion (billion laughs);</li>
 *   <li>nothing is fetched: external DTDs, schemas, XInclude are off in both readers;</li>
 *   <li>at most {@code maxBytes} bytes and elements nested at most {@code maxDepth} deep.</li>
 * </ul>
 * Only then is the document parsed into a namespace-aware DOM by a factory hardened the same way
 * (DOCTYPE disallowed, secure processing). Every refusal is an {@link XmlException} naming line and
 * column.
 */
public final class SafeXml {

    /** The limits of one document. */
    public record Limits(int maxBytes, int maxDepth) {
        public Limits {
            if (maxBytes < 1 || maxDepth < 1) {
                throw new IllegalArgumentException("XML limits must be positive: " + maxBytes + " bytes, depth "
                        + maxDepth);
            }
        }
    }

    /** 16 MiB and 64 levels: generous for messages and descriptions, small enough for the heap. */
    public static final Limits DEFAULT = new Limits(16 * 1024 * 1024, 64);

    private SafeXml() {
    }

    /** A StAX factory that supports no DTD and resolves no external entity. */
    public static XMLInputFactory inputFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("external resources are not read: " + systemId);
        });
        return factory;
    }

    /**
     * A stream reader over {@code xml} after the streaming checks ({@link #check}) have passed,
     * for callers that want element locations (line numbers) as they go.
     */
    public static XMLStreamReader reader(byte[] xml, Limits limits) throws XmlException {
        check(xml, limits);
        try {
            return inputFactory().createXMLStreamReader(new ByteArrayInputStream(xml));
        } catch (XMLStreamException e) {
            throw new XmlException(where(e.getLocation()) + e.getMessage(), e);
        }
    }

    /** The streaming checks alone: well-formed, no DTD, within {@code limits}. */
    public static void check(byte[] xml, Limits limits) throws XmlException {
        if (xml.length == 0) {
            throw new XmlException("the document is empty");
        }
        if (xml.length > limits.maxBytes()) {
            throw new XmlException("the document is " + xml.length + " bytes; at most " + limits.maxBytes()
                    + " are read");
        }
        XMLStreamReader reader = null;
        try {
            reader = inputFactory().createXMLStreamReader(new ByteArrayInputStream(xml));
            int depth = 0;
            while (reader.hasNext()) {
                int event = reader.next();
                switch (event) {
                    case XMLStreamConstants.DTD -> throw new XmlException(where(reader.getLocation())
                            + "a document type declaration (DOCTYPE) is not allowed: no DTDs, no entities");
                    case XMLStreamConstants.ENTITY_REFERENCE -> throw new XmlException(where(reader.getLocation())
                            + "entity reference &" + reader.getLocalName() + "; is not allowed");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (++depth > limits.maxDepth()) {
                            throw new XmlException(where(reader.getLocation()) + "elements are nested more than "
                                    + limits.maxDepth() + " deep");
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> depth--;
                    default -> {
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new XmlException("not well-formed XML: " + where(e.getLocation()) + message(e), e);
        } finally {
            close(reader);
        }
    }

    /** {@code xml} as a namespace-aware DOM, after the streaming checks. */
    public static Document parse(byte[] xml, Limits limits) throws XmlException {
        check(xml, limits);
        try {
            DocumentBuilder builder = documentFactory().newDocumentBuilder();
            builder.setEntityResolver((publicId, systemId) -> {
                throw new IOException("external entities are not read: " + systemId);
            });
            builder.setErrorHandler(SILENT);
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            throw new XmlException("not well-formed XML: line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                    + ": " + e.getMessage(), e);
        } catch (org.xml.sax.SAXException | IOException e) {
            throw new XmlException("not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured: " + e.getMessage(), e);
        }
    }

    /** A namespace-aware DOM factory with DTDs, external entities, XInclude and external access off. */
    public static DocumentBuilderFactory documentFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a hardening feature: " + e.getMessage(), e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            throw e;
        }
    };

    /** "line L, column C: " of a location, or nothing when unknown. */
    public static String where(Location location) {
        return location == null || location.getLineNumber() < 0 ? ""
                : "line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ": ";
    }

    private static String message(XMLStreamException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        int at = text.indexOf("Message: ");
        return at >= 0 ? text.substring(at + "Message: ".length()) : text;
    }

    private static void close(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // nothing held open: the input is a byte array
            }
        }
    }
}
