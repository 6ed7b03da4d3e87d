package org.xroadng.securityserver.metadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xroadng.protocol.RestMetadata;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.http.XmlText;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.protocol.xml.XmlException;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.WsdlDescription;
import org.xroadng.securityserver.soap.SoapMessage;
import org.xroadng.securityserver.soap.SoapWriter;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * The SOAP metadata services of a provider subsystem (X-Road Service Metadata Protocol, PR-META
 * sections 3 and 4), answered by the provider's security server in place of its information
 * system, after the same checks and signature verification as any exchange, signed and logged
 * like one, its X-Road header echoed by the exchange ({@code SoapAnswers}). They need no access right.
 *
 * <ul>
 *   <li>{@code listMethods}: {@code listMethodsResponse} with one {@code service} identifier per
 *       SOAP service of the subsystem (a service made of a WSDL description), sorted by code;</li>
 *   <li>{@code allowedMethods}: the same for the enabled ones on which the caller has an access
 *       right (its own, a local or a global group's);</li>
 *   <li>{@code getWsdl} with {@code serviceCode} (and optional {@code serviceVersion}, ignored):
 *       {@code getWsdlResponse} naming the service, and the WSDL it was made of as a
 *       {@code text/xml} attachment (multipart/related), every {@code soap:address} location
 *       replaced by {@value #HIDDEN_ENDPOINT} so the provider IS's address stays hidden.</li>
 * </ul>
 * The request's body element must be named as the service code. Refusals: another body
 * {@code Client.InvalidSoap}; no {@code serviceCode}, or one that is no SOAP service here,
 * {@code Server.ServerProxy.UnknownService}.
 */
public final class SoapMetadata {

    /** PR-META section 4: what getWsdl puts in place of every endpoint location. */
    public static final String HIDDEN_ENDPOINT = "http://example.org/xroad-endpoint";
    private static final String SOAP11_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/";

    private SoapMetadata() {
    }

    /** Answers {@code code} (one of {@link RestMetadata#SOAP_PROVIDER_SERVICES}) of {@code provider} for {@code client}. */
    public static HttpExchangeClient.Answer answer(String code, SoapMessage request, SubsystemId provider,
                                                   ClientId client, LocalConfiguration local,
                                                   GlobalConfiguration global) throws ExchangeException {
        Element body = request.bodyElement().orElse(null);
        if (body == null || !code.equals(body.getLocalName())) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_SOAP, "the body of a " + code + " request must be"
                    + " the element " + code + "; actual " + (body == null ? "nothing" : body.getLocalName()));
        }
        return switch (code) {
            case RestMetadata.LIST_METHODS -> list(code, services(provider, local, false, client, global));
            case RestMetadata.ALLOWED_METHODS -> list(code, services(provider, local, true, client, global));
            case RestMetadata.GET_WSDL -> wsdl(body, provider, local);
            default -> throw new IllegalArgumentException("not a SOAP metadata service: " + code);
        };
    }

    private static List<ServiceId> services(SubsystemId provider, LocalConfiguration local, boolean allowedOnly,
                                            ClientId client, GlobalConfiguration global) {
        List<ServiceId> services = new ArrayList<>();
        for (WsdlDescription wsdl : local.wsdls()) {
            if (!wsdl.provider().equals(provider)) {
                continue;
            }
            for (ServiceId id : wsdl.services()) {
                Optional<LocalService> service = local.service(id);
                if (allowedOnly && (service.isEmpty() || !service.get().enabled()
                        || local.rightsOf(id, client, global).isEmpty())) {
                    continue;
                }
                services.add(id);
            }
        }
        services.sort(Comparator.comparing(ServiceId::serviceCode));
        return services;
    }

    private static HttpExchangeClient.Answer list(String code, List<ServiceId> services) {
        StringBuilder xml = new StringBuilder("<xrd:").append(code).append("Response>");
        for (ServiceId service : services) {
            xml.append("<xrd:service id:objectType=\"SERVICE\">");
            element(xml, "id:xRoadInstance", service.subsystem().member().instance());
            element(xml, "id:memberClass", service.subsystem().member().memberClass());
            element(xml, "id:memberCode", service.subsystem().member().memberCode());
            element(xml, "id:subsystemCode", service.subsystem().subsystemCode());
            element(xml, "id:serviceCode", service.serviceCode());
            xml.append("</xrd:service>");
        }
        xml.append("</xrd:").append(code).append("Response>");
        return new HttpExchangeClient.Answer(200, SoapWriter.XML, SoapWriter.envelope(xml.toString()), null);
    }

    private static HttpExchangeClient.Answer wsdl(Element body, SubsystemId provider, LocalConfiguration local)
            throws ExchangeException {
        NodeList codes = body.getElementsByTagNameNS("*", "serviceCode");
        if (codes.getLength() != 1 || codes.item(0).getTextContent().isBlank()) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_SOAP, "getWsdl names the service by one"
                    + " serviceCode element; found " + codes.getLength());
        }
        String code = codes.item(0).getTextContent().strip();
        Optional<String> problem = ServiceId.codeProblem(code);
        if (problem.isPresent()) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_SERVICE_IDENTIFIER, "getWsdl: " + problem.get());
        }
        ServiceId service = new ServiceId(provider, code);
        WsdlDescription wsdl = local.wsdlOf(service).orElseThrow(() -> new ExchangeException(
                ErrorType.SERVER_PROXY_UNKNOWN_SERVICE, "service " + service.format()
                + " is no SOAP service of this security server: it has no WSDL"));
        StringBuilder xml = new StringBuilder("<xrd:getWsdlResponse>");
        element(xml, "xrd:serviceCode", code);
        xml.append("</xrd:getWsdlResponse>");
        return SoapWriter.withAttachment(SoapWriter.envelope(xml.toString()), "text/xml; charset=utf-8",
                hideEndpoints(wsdl.content()));
    }

    /** The WSDL with every {@code soap:address/@location} replaced by {@link #HIDDEN_ENDPOINT}. */
    static byte[] hideEndpoints(byte[] wsdl) throws ExchangeException {
        Document document;
        try {
            document = SafeXml.parse(wsdl, SafeXml.DEFAULT);
        } catch (XmlException e) {
            // stored only after parsing; a document that no longer reads is this server's fault
            throw new ExchangeException(ErrorType.SERVER_PROXY_INTERNAL_ERROR, "the stored WSDL cannot be read: "
                    + e.getMessage());
        }
        NodeList addresses = document.getElementsByTagNameNS(SOAP11_BINDING_NS, "address");
        for (int i = 0; i < addresses.getLength(); i++) {
            ((Element) addresses.item(i)).setAttribute("location", HIDDEN_ENDPOINT);
        }
        NodeList soap12 = document.getElementsByTagNameNS("http://schemas.xmlsoap.org/wsdl/soap12/", "address");
        for (int i = 0; i < soap12.getLength(); i++) {
            ((Element) soap12.item(i)).setAttribute("location", HIDDEN_ENDPOINT);
        }
        return SoapWriter.serialize(document);
    }

    private static void element(StringBuilder xml, String name, String text) {
        xml.append('<').append(name).append('>');
        XmlText.append(xml, text);
        xml.append("</").append(name).append('>');
    }
}
