package org.xroadng.securityserver.description;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.xroadng.protocol.RestMetadata;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.protocol.xml.XmlException;

/**
 * Reads a WSDL 1.1 description of SOAP services (X-Road message protocol 4.0, section 3.2) with
 * the hardened streaming reader of {@link SafeXml} (no DTD, no entities, nothing fetched) and a
 * fixed traversal of the elements that matter:
 * <ul>
 *   <li>the root, which must be {@code wsdl:definitions};</li>
 *   <li>each {@code wsdl:binding} that holds a {@code soap:binding} (SOAP 1.1): the {@code name} of
 *       each of its {@code wsdl:operation}s is a service code (PR-MESS table 2), one service per
 *       name, whatever the version ({@code xrd:version}) says;</li>
 *   <li>the first {@code soap:address/@location} under {@code wsdl:service/wsdl:port}: where the
 *       provider IS answers, which the services made of the description point at.</li>
 * </ul>
 * Refused, with every problem named by its line: not XML, not WSDL 1.1, a {@code wsdl:import} (the
 * document must stand alone: nothing is fetched on its behalf), no SOAP 1.1 binding, an operation
 * without a name or whose name cannot be a service code or is reserved, no http(s) address.
 */
public final class WsdlParser {

    static final String WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
    static final String SOAP11_BINDING_NS = "http://schemas.xmlsoap.org/wsdl/soap/";
    /** The largest description taken: as for OpenAPI (what the fetcher reads), 64 levels deep. */
    private static final SafeXml.Limits LIMITS = new SafeXml.Limits(OpenApiParser.MAX_BYTES, 64);

    /** A description read: its operations (service codes, in document order, once each) and its SOAP endpoint. */
    public record Parsed(List<String> operations, URI endpoint) {
        public Parsed {
            operations = List.copyOf(operations);
        }
    }

    /** One wsdl:binding as read: whether it is SOAP 1.1, and its operations with the line of each. */
    private static final class Binding {
        boolean soap11;
        final List<String> operations = new ArrayList<>();
        final List<Integer> lines = new ArrayList<>();
    }

    public Parsed parse(byte[] content) throws DescriptionException {
        XMLStreamReader reader;
        try {
            reader = SafeXml.reader(content, LIMITS);
        } catch (XmlException e) {
            throw invalid("the description is not safe, well-formed XML", List.of(e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        Binding binding = null;
        String endpoint = null;
        int endpointLine = 0;
        Deque<QName> path = new ArrayDeque<>();
        try {
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.END_ELEMENT) {
                    QName closed = path.pop();
                    if (path.size() == 1 && closed.equals(new QName(WSDL_NS, "binding"))) {
                        binding = null;
                    }
                    continue;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                QName name = reader.getName();
                int line = reader.getLocation().getLineNumber();
                QName parent = path.peek();
                path.push(name);
                if (path.size() == 1) {
                    if (!name.equals(new QName(WSDL_NS, "definitions"))) {
                        throw invalid("the description is not WSDL 1.1", List.of("line " + line + ": the root element"
                                + " is " + name + "; expected definitions in " + WSDL_NS));
                    }
                    continue;
                }
                if (path.size() == 2 && name.equals(new QName(WSDL_NS, "import"))) {
                    problems.add("line " + line + ": wsdl:import is not followed; give one self-contained document");
                } else if (path.size() == 2 && name.equals(new QName(WSDL_NS, "binding"))) {
                    binding = new Binding();
                    bindings.add(binding);
                } else if (binding != null && path.size() == 3 && name.equals(new QName(SOAP11_BINDING_NS, "binding"))) {
                    binding.soap11 = true;
                } else if (binding != null && path.size() == 3 && name.equals(new QName(WSDL_NS, "operation"))) {
                    String operation = reader.getAttributeValue(null, "name");
                    if (operation == null || operation.isBlank()) {
                        problems.add("line " + line + ": wsdl:operation in a wsdl:binding has no name");
                    } else {
                        binding.operations.add(operation.strip());
                        binding.lines.add(line);
                    }
                } else if (path.size() == 4 && name.equals(new QName(SOAP11_BINDING_NS, "address"))
                        && new QName(WSDL_NS, "port").equals(parent) && endpoint == null) {
                    endpoint = reader.getAttributeValue(null, "location");
                    endpointLine = line;
                }
            }
        } catch (XMLStreamException e) {
            throw invalid("the description is not well-formed XML", List.of(SafeXml.where(e.getLocation())
                    + e.getMessage()));
        }
        Set<String> operations = new LinkedHashSet<>();
        boolean soap = false;
        for (Binding b : bindings) {
            if (!b.soap11) {
                continue;
            }
            soap = true;
            for (int i = 0; i < b.operations.size(); i++) {
                String operation = b.operations.get(i);
                Optional<String> wrong = ServiceId.codeProblem(operation);
                if (wrong.isPresent()) {
                    problems.add("line " + b.lines.get(i) + ": operation '" + printable(operation) + "' cannot be a"
                            + " service code: " + wrong.get());
                } else if (RestMetadata.RESERVED_SERVICE_CODES.contains(operation)) {
                    problems.add("line " + b.lines.get(i) + ": operation '" + operation + "' is reserved for the"
                            + " security server's metadata services");
                } else {
                    operations.add(operation);
                }
            }
        }
        if (!soap) {
            problems.add("no wsdl:binding holds a soap:binding (SOAP 1.1, " + SOAP11_BINDING_NS + ")");
        } else if (operations.isEmpty() && problems.isEmpty()) {
            problems.add("the SOAP bindings declare no wsdl:operation");
        }
        URI address = null;
        if (endpoint == null) {
            problems.add("no wsdl:service/wsdl:port/soap:address names where the provider's information system"
                    + " answers");
        } else {
            address = address(endpoint);
            if (address == null) {
                problems.add("line " + endpointLine + ": soap:address location '" + printable(endpoint) + "' is not an"
                        + " absolute http(s) URL with a host");
            }
        }
        if (!problems.isEmpty()) {
            throw invalid("the description is not a usable WSDL of SOAP services", problems);
        }
        return new Parsed(List.copyOf(operations), address);
    }

    private static URI address(String text) {
        try {
            URI uri = new URI(text.strip());
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null && uri.getRawUserInfo() == null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String printable(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static DescriptionException invalid(String message, List<String> problems) {
        List<String> shown = problems.size() > 20 ? new ArrayList<>(problems.subList(0, 20)) : problems;
        if (problems.size() > 20) {
            shown.add("and " + (problems.size() - 20) + " more");
        }
        return new DescriptionException(DescriptionException.Kind.INVALID, message, shown);
    }
}
