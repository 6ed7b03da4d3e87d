package org.xroadng.securityserver.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xroadng.protocol.RestMetadata;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.ServiceDescription;
import org.xroadng.securityserver.conf.ServiceEndpoint;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * The metadata services of a provider subsystem (X-Road Service Metadata Protocol for REST,
 * sections 4 and 5), answered by the provider's security server in place of its information
 * system, after the same checks and signature verification as any exchange, and signed and logged
 * like one. They need no access right.
 *
 * <ul>
 *   <li>{@code GET .../SUBSYSTEM/listMethods}: {@code {"service": [...]}}, each of the subsystem's
 *       services with {@code service_type} {@code OPENAPI} (it has a description) or {@code REST},
 *       and {@code endpoint_list}, the endpoints its description declares (none without one);</li>
 *   <li>{@code GET .../SUBSYSTEM/allowedMethods}: the same for the enabled services on which the
 *       caller has an access right (its own, a local or a global group's), with the endpoints those
 *       rights allow: each declared endpoint a right covers whole, and a right that covers none
 *       (on a service without a description, or narrower than any declared endpoint) as its own
 *       method and path pattern;</li>
 *   <li>{@code GET .../SUBSYSTEM/getOpenAPI?serviceCode=CODE}: the stored description of that
 *       service, byte for byte, as {@code application/json} or {@code text/yaml}.</li>
 * </ul>
 *
 * <p>Refusals are X-Road errors: another method or a sub-path {@code Client.BadRequest}; a missing
 * or repeated {@code serviceCode} {@code Client.BadRequest}; a service that is not here or has no
 * description {@code Server.ServerProxy.UnknownService}.
 */
public final class ProviderMetadata {

    private static final List<Map.Entry<String, String>> JSON = List.of(
            Map.entry("Content-Type", "application/json; charset=utf-8"));

    private ProviderMetadata() {
    }

    /**
     * Answers the metadata service {@code code} (one of {@link RestMetadata#PROVIDER_SERVICES}) of
     * {@code provider} for {@code client}: {@code path} is the decoded path after the service code.
     */
    public static HttpExchangeClient.Answer answer(String code, SubsystemId provider, ClientId client, String method,
                                                   String path, String rawQuery, LocalConfiguration local,
                                                   GlobalConfiguration global) throws ExchangeException {
        if (!"GET".equals(method)) {
            throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, "the metadata service " + code
                    + " answers GET only; actual " + method);
        }
        if (!"/".equals(path)) {
            throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, "the metadata service " + code
                    + " has no sub-paths; actual " + path);
        }
        return switch (code) {
            case RestMetadata.LIST_METHODS -> json(services(provider, local, false, null, null));
            case RestMetadata.ALLOWED_METHODS -> json(services(provider, local, true, client, global));
            case RestMetadata.GET_OPENAPI -> openApi(provider, rawQuery, local);
            default -> throw new IllegalArgumentException("not a provider metadata service: " + code);
        };
    }

    private static ObjectNode services(SubsystemId provider, LocalConfiguration local, boolean allowedOnly,
                                       ClientId client, GlobalConfiguration global) {
        ObjectNode body = ProtocolJson.mapper().createObjectNode();
        ArrayNode list = body.putArray("service");
        List<LocalService> services = new ArrayList<>(local.services().values());
        services.sort(Comparator.comparing(s -> s.id().serviceCode()));
        for (LocalService service : services) {
            if (!service.id().subsystem().equals(provider) || local.wsdlOf(service.id()).isPresent()) {
                continue; // another subsystem's, or a SOAP service (listed by the SOAP metadata services)
            }
            Optional<ServiceDescription> description = local.description(service.id());
            List<ServiceEndpoint> declared = description.map(ServiceDescription::endpoints).orElse(List.of());
            List<ServiceEndpoint> endpoints = declared;
            if (allowedOnly) {
                List<AccessRight> rights = local.rightsOf(service.id(), client, global);
                if (!service.enabled() || rights.isEmpty()) {
                    continue;
                }
                endpoints = allowed(declared, rights);
            }
            list.add(entry(service.id(), description.isPresent() ? "OPENAPI" : "REST", endpoints));
        }
        return body;
    }

    /** The declared endpoints the rights cover whole, and each right that covers none as its own pattern. */
    static List<ServiceEndpoint> allowed(List<ServiceEndpoint> declared, List<AccessRight> rights) {
        Set<ServiceEndpoint> out = new LinkedHashSet<>();
        for (AccessRight right : rights) {
            boolean coversOne = false;
            for (ServiceEndpoint endpoint : declared) {
                if (right.covers(endpoint)) {
                    out.add(endpoint);
                    coversOne = true;
                }
            }
            if (!coversOne) {
                out.add(new ServiceEndpoint(right.method(), right.path().pattern()));
            }
        }
        return out.stream().sorted().toList();
    }

    private static ObjectNode entry(ServiceId id, String type, List<ServiceEndpoint> endpoints) {
        ObjectNode entry = ProtocolJson.mapper().createObjectNode();
        entry.put("object_type", "SERVICE");
        entry.put("xroad_instance", id.subsystem().member().instance());
        entry.put("member_class", id.subsystem().member().memberClass());
        entry.put("member_code", id.subsystem().member().memberCode());
        entry.put("subsystem_code", id.subsystem().subsystemCode());
        entry.put("service_code", id.serviceCode());
        entry.put("service_type", type);
        ArrayNode list = entry.putArray("endpoint_list");
        for (ServiceEndpoint endpoint : endpoints) {
            list.addObject().put("method", endpoint.method()).put("path", endpoint.path());
        }
        return entry;
    }

    private static HttpExchangeClient.Answer openApi(SubsystemId provider, String rawQuery, LocalConfiguration local)
            throws ExchangeException {
        String code = serviceCode(rawQuery);
        ServiceId id;
        try {
            id = provider.service(code);
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, RestMetadata.SERVICE_CODE_PARAM + " '" + code
                    + "' is not a service code: " + e.getMessage());
        }
        if (local.service(id).isEmpty()) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_SERVICE, "service " + id.format()
                    + " is not provided by this security server");
        }
        ServiceDescription description = local.description(id).orElseThrow(() -> new ExchangeException(
                ErrorType.SERVER_PROXY_UNKNOWN_SERVICE, "service " + id.format() + " has no OpenAPI description"));
        return new HttpExchangeClient.Answer(200, List.of(Map.entry("Content-Type", description.contentType())),
                description.content(), null);
    }

    /** The one {@code serviceCode} parameter of the query; other parameters are ignored. */
    private static String serviceCode(String rawQuery) throws ExchangeException {
        String found = null;
        String prefix = RestMetadata.SERVICE_CODE_PARAM + "=";
        for (String pair : rawQuery.isEmpty() ? new String[0] : rawQuery.split("&")) {
            if (pair.startsWith(prefix)) {
                if (found != null) {
                    throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, "getOpenAPI takes one "
                            + RestMetadata.SERVICE_CODE_PARAM + "; the query names it more than once");
                }
                found = PercentDecoding.decode(pair.substring(prefix.length()));
            }
        }
        if (found == null || found.isEmpty()) {
            throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, "getOpenAPI needs the query ?"
                    + RestMetadata.SERVICE_CODE_PARAM + "=CODE naming the service whose description to return");
        }
        return found;
    }

    private static HttpExchangeClient.Answer json(ObjectNode body) throws ExchangeException {
        try {
            return new HttpExchangeClient.Answer(200, JSON, ProtocolJson.mapper().writeValueAsBytes(body), null);
        } catch (JsonProcessingException e) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_INTERNAL_ERROR, "cannot write the metadata answer: "
                    + e.getMessage());
        }
    }
}
