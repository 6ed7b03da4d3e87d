package org.xroadng.securityserver.description;

/** WSDL 1.1 documents for the tests: a population registry's SOAP services, by their operations. */
public final class TestWsdl {

    private TestWsdl() {
    }

    /** A document/literal SOAP 1.1 WSDL whose binding has {@code operations}, answering at {@code address}. */
    public static String of(String address, String... operations) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\"\n"
                + "    xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" xmlns:xrd=\"http://x-road.eu/xsd/xroad.xsd\"\n"
                + "    xmlns:tns=\"http://demo.x-road.example/population\""
                + " targetNamespace=\"http://demo.x-road.example/population\">\n"
                + "  <wsdl:portType name=\"population\"/>\n"
                + "  <wsdl:binding name=\"populationSoap11\" type=\"tns:population\">\n"
                + "    <soap:binding style=\"document\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>\n");
        for (String operation : operations) {
            xml.append("    <wsdl:operation name=\"").append(operation).append("\">\n")
                    .append("      <soap:operation soapAction=\"\"/><xrd:version>v1</xrd:version>\n")
                    .append("    </wsdl:operation>\n");
        }
        return xml.append("  </wsdl:binding>\n  <wsdl:service name=\"population\">\n"
                + "    <wsdl:port name=\"populationSoap11\" binding=\"tns:populationSoap11\">\n"
                + "      <soap:address location=\"").append(address).append("\"/>\n"
                + "    </wsdl:port>\n  </wsdl:service>\n</wsdl:definitions>\n").toString();
    }
}
