package org.xroadng.securityserver;

import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/** SOAP requests as an X-Road information system writes them (PR-MESS annex E.1), for the tests. */
final class SoapMessages {

    static final String ENVELOPE_OPEN = "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
            + " xmlns:xrd=\"http://x-road.eu/xsd/xroad.xsd\" xmlns:id=\"http://x-road.eu/xsd/identifiers\""
            + " xmlns:xng=\"urn:xroad-ng:soap:extensions\" xmlns:ps=\"http://demo.x-road.example/population\">";

    private SoapMessages() {
    }

    static String client(ClientId client) {
        StringBuilder xml = new StringBuilder("<xrd:client id:objectType=\"")
                .append(client instanceof SubsystemId ? "SUBSYSTEM" : "MEMBER").append("\">")
                .append("<id:xRoadInstance>").append(client.member().instance()).append("</id:xRoadInstance>")
                .append("<id:memberClass>").append(client.member().memberClass()).append("</id:memberClass>")
                .append("<id:memberCode>").append(client.member().memberCode()).append("</id:memberCode>");
        if (client instanceof SubsystemId s) {
            xml.append("<id:subsystemCode>").append(s.subsystemCode()).append("</id:subsystemCode>");
        }
        return xml.append("</xrd:client>").toString();
    }

    static String service(ServiceId service) {
        return "<xrd:service id:objectType=\"SERVICE\"><id:xRoadInstance>" + service.instance() + "</id:xRoadInstance>"
                + "<id:memberClass>" + service.subsystem().member().memberClass() + "</id:memberClass>"
                + "<id:memberCode>" + service.subsystem().member().memberCode() + "</id:memberCode>"
                + "<id:subsystemCode>" + service.subsystem().subsystemCode() + "</id:subsystemCode>"
                + "<id:serviceCode>" + service.serviceCode() + "</id:serviceCode>"
                + "<id:serviceVersion>v1</id:serviceVersion></xrd:service>";
    }

    /** A whole request: {@code headerFields} inside Header, {@code body} inside Body. */
    static String envelope(String headerFields, String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ENVELOPE_OPEN + "<SOAP-ENV:Header>" + headerFields
                + "</SOAP-ENV:Header><SOAP-ENV:Body>" + body + "</SOAP-ENV:Body></SOAP-ENV:Envelope>";
    }

    /** The usual header: client, service, id, userId, protocolVersion 4.0, and {@code extra} fields. */
    static String header(ClientId client, ServiceId service, String id, String extra) {
        return client(client) + service(service) + "<xrd:id>" + id + "</xrd:id><xrd:userId>EE30000000000</xrd:userId>"
                + "<xrd:protocolVersion>4.0</xrd:protocolVersion>" + extra;
    }

    static String request(ClientId client, ServiceId service, String id, String extra, String body) {
        return envelope(header(client, service, id, extra), body);
    }
}
