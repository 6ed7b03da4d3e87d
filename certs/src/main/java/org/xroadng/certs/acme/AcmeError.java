package org.xroadng.certs.acme;

/**
 * The ACME error types this CA answers with (RFC 8555 section 6.7), each with its HTTP status.
 * On the wire a type is {@code urn:ietf:params:acme:error:} followed by its name, in an RFC 7807
 * problem document ({@code application/problem+json}).
 */
public enum AcmeError {
    BAD_NONCE("badNonce", 400),
    MALFORMED("malformed", 400),
    UNAUTHORIZED("unauthorized", 403),
    ACCOUNT_DOES_NOT_EXIST("accountDoesNotExist", 400),
    EXTERNAL_ACCOUNT_REQUIRED("externalAccountRequired", 400),
    BAD_SIGNATURE_ALGORITHM("badSignatureAlgorithm", 400),
    BAD_PUBLIC_KEY("badPublicKey", 400),
    BAD_CSR("badCSR", 400),
    REJECTED_IDENTIFIER("rejectedIdentifier", 400),
    UNSUPPORTED_IDENTIFIER("unsupportedIdentifier", 400),
    ORDER_NOT_READY("orderNotReady", 403),
    INCORRECT_RESPONSE("incorrectResponse", 403),
    CONNECTION("connection", 400),
    NOT_FOUND("malformed", 404),
    SERVER_INTERNAL("serverInternal", 500);

    public static final String PREFIX = "urn:ietf:params:acme:error:";

    private final String name;
    private final int status;

    AcmeError(String name, int status) {
        this.name = name;
        this.status = status;
    }

    /** The full type URN, such as {@code urn:ietf:params:acme:error:badNonce}. */
    public String type() {
        return PREFIX + name;
    }

    public int status() {
        return status;
    }
}
