package org.xroadng.securityserver.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xroadng.protocol.RestMetadata;
import org.xroadng.protocol.error.ErrorFormat;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.http.XmlText;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.http.IncomingRequest;

/**
 * The {@code listClients} metadata service (X-Road Service Metadata Protocol, section 2; for REST
 * at {@code GET /r1/listClients}, and at X-Road's older {@code GET /listClients}), answered by the
 * client proxy itself from the verified global configuration: every member of the instance and
 * every subsystem, with the member's name. No exchange, no signature, no log, no
 * {@code X-Road-Client} needed: the global configuration is public to the instance.
 *
 * <p>JSON ({@code {"member": [{"id": {...}, "name"}]}}) when {@code Accept} names
 * {@code application/json} and prefers it to XML; otherwise XML ({@code text/xml}, the
 * {@code clientList} element of namespace {@code http://x-road.eu/xsd/xroad.xsd} with identifiers
 * in {@code http://x-road.eu/xsd/identifiers}), as X-Road does. {@code ?xRoadInstance=CODE} naming
 * another instance answers an empty list: this server knows no federated instance.
 */
public final class ListClients {

    private static final String XROAD_NS = "http://x-road.eu/xsd/xroad.xsd";
    private static final String ID_NS = "http://x-road.eu/xsd/identifiers";

    private final GlobalConfHolder globalConf;

    public ListClients(GlobalConfHolder globalConf) {
        this.globalConf = globalConf;
    }

    /** Whether {@code target} (a request's target) asks for listClients. */
    public static boolean matches(String target) {
        int at = target.startsWith("/r1/") ? 4 : target.startsWith("/") ? 1 : -1;
        return at > 0 && target.startsWith(RestMetadata.LIST_CLIENTS, at)
                && (target.length() == at + RestMetadata.LIST_CLIENTS.length()
                || target.charAt(at + RestMetadata.LIST_CLIENTS.length()) == '?');
    }

    /** The answer to a request that {@link #matches}; an error answer, never an exception. */
    public FullHttpResponse answer(IncomingRequest request) {
        String accept = request.header("Accept").orElse(null);
        try {
            if (!"GET".equals(request.method())) {
                throw new ExchangeException(ErrorType.CLIENT_BAD_REQUEST, "listClients answers GET only; actual "
                        + request.method());
            }
            String instance = instance(request.target());
            GlobalConfiguration conf = globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF).configuration();
            List<Entry> entries = instance == null || instance.equals(conf.instance()) ? entries(conf) : List.of();
            boolean json = accept != null && accept.toLowerCase(Locale.ROOT).contains("application/json")
                    && ErrorFormat.of(accept) == ErrorFormat.JSON;
            return json ? Responses.of(200, List.of(Map.entry("Content-Type", "application/json; charset=utf-8")),
                    json(entries)) : Responses.of(200, List.of(Map.entry("Content-Type", "text/xml; charset=utf-8")),
                    xml(entries));
        } catch (ExchangeException e) {
            return Responses.error(e, null, accept);
        }
    }

    /** One client: a member or a subsystem, and its member's name. */
    record Entry(ClientId id, String name) {
    }

    static List<Entry> entries(GlobalConfiguration conf) {
        List<Entry> entries = new ArrayList<>();
        for (GlobalConfiguration.Member member : conf.members()) {
            entries.add(new Entry(member.id(), member.name()));
            for (String subsystem : member.subsystems()) {
                entries.add(new Entry(member.id().subsystem(subsystem), member.name()));
            }
        }
        entries.sort(Comparator.comparing(e -> e.id().format()));
        return entries;
    }

    /** The {@code xRoadInstance} query parameter, or null when none. */
    private static String instance(String target) throws ExchangeException {
        int question = target.indexOf('?');
        if (question < 0) {
            return null;
        }
        String prefix = RestMetadata.INSTANCE_PARAM + "=";
        String instance = null;
        for (String pair : target.substring(question + 1).split("&")) {
            if (pair.startsWith(prefix)) {
                try {
                    instance = PercentDecoding.decode(pair.substring(prefix.length()));
                } catch (IllegalArgumentException e) {
                    throw new ExchangeException(ErrorType.CLIENT_INVALID_URI, "query string is malformed: "
                            + e.getMessage());
                }
            }
        }
        return instance;
    }

    static byte[] json(List<Entry> entries) throws ExchangeException {
        ObjectNode body = ProtocolJson.mapper().createObjectNode();
        ArrayNode members = body.putArray("member");
        for (Entry entry : entries) {
            ObjectNode member = members.addObject();
            ObjectNode id = member.putObject("id");
            MemberId owner = owner(entry.id());
            id.put("object_type", entry.id() instanceof SubsystemId ? "SUBSYSTEM" : "MEMBER");
            id.put("xroad_instance", owner.instance());
            id.put("member_class", owner.memberClass());
            id.put("member_code", owner.memberCode());
            if (entry.id() instanceof SubsystemId subsystem) {
                id.put("subsystem_code", subsystem.subsystemCode());
            }
            member.put("name", entry.name());
        }
        try {
            return ProtocolJson.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_INTERNAL_ERROR, "cannot write the client list: "
                    + e.getMessage());
        }
    }

    static byte[] xml(List<Entry> entries) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
                .append("<xroad:clientList xmlns:id=\"").append(ID_NS).append("\" xmlns:xroad=\"").append(XROAD_NS)
                .append("\">");
        for (Entry entry : entries) {
            MemberId owner = owner(entry.id());
            xml.append("<xroad:member><xroad:id id:objectType=\"")
                    .append(entry.id() instanceof SubsystemId ? "SUBSYSTEM" : "MEMBER").append("\">");
            element(xml, "id:xRoadInstance", owner.instance());
            element(xml, "id:memberClass", owner.memberClass());
            element(xml, "id:memberCode", owner.memberCode());
            if (entry.id() instanceof SubsystemId subsystem) {
                element(xml, "id:subsystemCode", subsystem.subsystemCode());
            }
            xml.append("</xroad:id>");
            element(xml, "xroad:name", entry.name());
            xml.append("</xroad:member>");
        }
        return xml.append("</xroad:clientList>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder xml, String name, String text) {
        xml.append('<').append(name).append('>');
        XmlText.append(xml, text);
        xml.append("</").append(name).append('>');
    }

    private static MemberId owner(ClientId id) {
        return id.member();
    }
}
