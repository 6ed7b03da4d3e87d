package org.xroadng.protocol;

/** Header names of the X-Road Message Protocol for REST v1 and our extensions (DESIGN.md section 6). */
public final class XRoadHeaders {

    public static final String CLIENT = "X-Road-Client";
    public static final String SERVICE = "X-Road-Service";
    public static final String ID = "X-Road-Id";
    public static final String USER_ID = "X-Road-UserId";
    public static final String ISSUE = "X-Road-Issue";
    public static final String SECURITY_SERVER = "X-Road-Security-Server";
    public static final String REQUEST_ID = "X-Road-Request-Id";
    public static final String REQUEST_HASH = "X-Road-Request-Hash";
    public static final String ERROR = "X-Road-Error";
    public static final String SIGNATURE = "X-Road-Signature";
    /** Our extension: the purpose code of the query. */
    public static final String PURPOSE = "X-Road-Purpose";
    /** Our extension: data subjects named by the consumer IS, comma-separated. */
    public static final String SUBJECT = "X-Road-Subject";
    /** Our extension: data subjects named by the provider IS; recorded and stripped by its server. */
    public static final String DATA_SUBJECT = "X-Road-Data-Subject";
    /**
     * Our extension: a restricted access (DESIGN.md section 7), {@code <legal basis>;disclose=<date>}
     * from the consumer IS (or the provider IS, in its answer); the provider's server answers it
     * with {@code ;authority=<kind>} added. An end-to-end header, so it is signed both ways.
     */
    public static final String RESTRICTION = "X-Road-Restriction";

    /**
     * Between our servers only: marks a request whose body is an X-Road message protocol 4.0 (SOAP)
     * message, value {@code 4.0}. Set by the consumer's server for requests it read as SOAP, refused
     * from an information system, covered by the signature like any end-to-end header.
     */
    public static final String SOAP = "X-Road-Soap";

    private XRoadHeaders() {
    }
}
