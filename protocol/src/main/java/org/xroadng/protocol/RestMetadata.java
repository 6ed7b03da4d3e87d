package org.xroadng.protocol;

import java.util.Set;

/**
 * Names fixed by X-Road's Service Metadata Protocol for REST (PR-MREST) and Service Metadata
 * Protocol (PR-META: listClients, and the SOAP profile's listMethods, allowedMethods, getWsdl):
 * the metadata services a security server answers itself.
 */
public final class RestMetadata {

    /**
     * {@code GET /r1/listClients} (and X-Road's older {@code GET /listClients}): the members and
     * subsystems of the instance, answered by the client's own security server from its global
     * configuration.
     */
    public static final String LIST_CLIENTS = "listClients";
    /** Service code: the REST services of a provider subsystem and their endpoints. */
    public static final String LIST_METHODS = "listMethods";
    /** Service code: those the calling client may use, by the access rights. */
    public static final String ALLOWED_METHODS = "allowedMethods";
    /** Service code: a service's OpenAPI description, named by {@value #SERVICE_CODE_PARAM}. */
    public static final String GET_OPENAPI = "getOpenAPI";
    /** Service code of the SOAP profile (PR-META section 4): a SOAP service's WSDL, as an attachment. */
    public static final String GET_WSDL = "getWsdl";
    /** The query parameter of {@link #GET_OPENAPI} naming the described service. */
    public static final String SERVICE_CODE_PARAM = "serviceCode";
    /** The query parameter of {@link #LIST_CLIENTS} naming another instance. */
    public static final String INSTANCE_PARAM = "xRoadInstance";

    /** The service codes a provider subsystem's server answers itself; no service may take them. */
    public static final Set<String> PROVIDER_SERVICES = Set.of(LIST_METHODS, ALLOWED_METHODS, GET_OPENAPI);

    /** The service codes a provider subsystem's server answers itself in the SOAP profile (PR-META). */
    public static final Set<String> SOAP_PROVIDER_SERVICES = Set.of(LIST_METHODS, ALLOWED_METHODS, GET_WSDL);

    /** Codes no provider's service may take: the provider's metadata services (REST and SOAP), and listClients. */
    public static final Set<String> RESERVED_SERVICE_CODES = Set.of(LIST_METHODS, ALLOWED_METHODS, GET_OPENAPI,
            GET_WSDL, LIST_CLIENTS);

    private RestMetadata() {
    }
}
