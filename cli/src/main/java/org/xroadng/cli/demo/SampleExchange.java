package org.xroadng.cli.demo;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.id.SubsystemId;

/**
 * One query an information system sends to its security server's client proxy (X-Road Message
 * Protocol for REST v1): {@code GET /r1/DEMO/GOV/1001/population/person/{personalCode}} as
 * {@code client}, with a purpose and the person as data subject, and the status the demo expects.
 */
public record SampleExchange(String title, SubsystemId client, String personalCode, String purpose, int expectedStatus) {

    /** The demo's queries: the tax board's allowed one, an unknown person, and the bank's refused one. */
    public static final List<SampleExchange> ALL = List.of(
            new SampleExchange("the tax board reads the citizen's record for a tax assessment", DemoCast.TAX,
                    DemoCast.CITIZEN, DemoCast.TAX_PURPOSE, 200),
            new SampleExchange("the tax board asks for a person the registry does not know", DemoCast.TAX,
                    "EE00000000000", DemoCast.TAX_PURPOSE, 404),
            new SampleExchange("the bank asks for the same citizen; it has no access right", DemoCast.LOANS,
                    DemoCast.CITIZEN, "credit-check", 500));

    public String path() {
        return "/r1/" + DemoCast.PERSON.format() + "/" + personalCode;
    }

    public URI uri(URI clientProxy) {
        return URI.create(clientProxy + path());
    }

    /** The request headers, in the order they are printed. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(XRoadHeaders.CLIENT, client.format());
        headers.put(XRoadHeaders.PURPOSE, purpose);
        headers.put(XRoadHeaders.SUBJECT, personalCode);
        return headers;
    }

    /** The same query as a copy-pasteable shell command ({@code -i} shows the status and headers). */
    public String curl(URI clientProxy) {
        StringBuilder command = new StringBuilder("curl -i");
        headers().forEach((name, value) -> command.append(" -H '").append(name).append(": ").append(value).append('\''));
        return command.append(' ').append(uri(clientProxy)).toString();
    }
}
