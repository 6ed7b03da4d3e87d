package org.xroadng.securityserver.soap;

/**
 * A message that is not an acceptable X-Road message protocol 4.0 (SOAP 1.1) message, by what is
 * wrong ({@link Kind}). The proxies' edges choose the wire error type: the same fault in an
 * information system's request and in a provider's answer means different things.
 */
public final class SoapException extends Exception {

    /** What is wrong with the message. */
    public enum Kind {
        /** Neither {@code text/xml} nor {@code multipart/related} with a SOAP root part. */
        CONTENT_TYPE,
        /** Not well-formed or not safe XML: a DTD, an entity, too deep, too large. */
        XML,
        /** Well-formed, but not a SOAP 1.1 envelope with one body. */
        SOAP,
        /** A mandatory X-Road header field is missing. */
        MISSING_FIELD,
        /** An X-Road header field is given twice. */
        DUPLICATE_FIELD,
        /** {@code protocolVersion} is not 4.0. */
        PROTOCOL_VERSION,
        /** The {@code client} header field is not a member or subsystem identifier. */
        CLIENT,
        /** The {@code service} header field is not a service identifier. */
        SERVICE,
        /** Another header field has a value that is not allowed. */
        HEADER
    }

    private final Kind kind;

    public SoapException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SoapException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
