package org.xroadng.protocol.xml;

/**
 * An XML document that {@link SafeXml} refuses: not well-formed, carrying a DTD (and so any
 * entity declaration), nested deeper or larger than allowed. The message names the line and
 * column where the parser stopped, when it knows them.
 */
public final class XmlException extends Exception {

    public XmlException(String message) {
        super(message);
    }

    public XmlException(String message, Throwable cause) {
        super(message, cause);
    }
}
