package org.xroadng.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorBody;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;

/**
 * The population registry's information system, as small as it can be: {@code GET
 * /person/{personalCode}} answers a sample person as JSON and names that person in
 * {@code X-Road-Data-Subject} (DESIGN.md section 6), or a 404 JSON error for an unknown code; {@code GET
 * /openapi.yaml} answers the OpenAPI 3 description of the service {@code person}, which the demo
 * adds to it by URL; {@code POST /soap} answers the SOAP service {@code personSoap}
 * ({@link SampleSoapService}) and {@code GET /person.wsdl} its WSDL, which the demo adds to the
 * subsystem by URL. The people are invented; the demo citizen is {@value DemoCast#CITIZEN}.
 */
final class SampleProviderIs implements AutoCloseable {

    /** One sample person; the record is the JSON answered. */
    record Person(String personalCode, String givenName, String familyName, String dateOfBirth, String address) {
    }

    static final Map<String, Person> PEOPLE = people();

    private final HttpApiServer server;

    private SampleProviderIs(HttpApiServer server) {
        this.server = server;
    }

    /** The address {@code person.wsdl} gives, which the IS replaces by its own SOAP endpoint when serving it. */
    static final String WSDL_ADDRESS = "http://provider-is.invalid/soap";

    static SampleProviderIs start(InetSocketAddress listen) throws IOException {
        byte[] description = resource("person-openapi.yaml");
        String wsdl = new String(resource("person.wsdl"), StandardCharsets.UTF_8);
        AtomicReference<URI> self = new AtomicReference<>();
        HttpApiServer server = HttpApiServer.builder("provider-is").bind(listen).threads(4)
                .route("GET", "/openapi.yaml", call -> HttpReply.of(200, "text/yaml", description))
                .route("GET", "/person.wsdl", call -> HttpReply.of(200, "text/xml; charset=utf-8",
                        wsdl.replace(WSDL_ADDRESS, self.get() + "/soap").getBytes(StandardCharsets.UTF_8)))
                .route("POST", "/soap", SampleSoapService::answer)
                .route("GET",
                "/person/{code}", call -> {
                    String code = call.pathParam("code");
                    Person person = PEOPLE.get(code);
                    if (person == null) {
                        return HttpReply.json(404, new ErrorBody("NotFound",
                                "no person with personal code " + code + " in the population registry", null));
                    }
                    return HttpReply.json(200, person).withHeader(XRoadHeaders.DATA_SUBJECT, person.personalCode());
                }).start();
        self.set(server.baseUri());
        return new SampleProviderIs(server);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SampleProviderIs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the demo's " + name + " is missing from the classpath");
            }
            return in.readAllBytes();
        }
    }

    /** The base URL; the service {@code person} points at {@code baseUri()/person}. */
    URI baseUri() {
        return server.baseUri();
    }

    @Override
    public void close() {
        server.close();
    }

    private static Map<String, Person> people() {
        Map<String, Person> people = new LinkedHashMap<>();
        for (Person p : new Person[] {
                new Person(DemoCast.CITIZEN, "Mari", "Maasikas", "1980-01-01", "Tartu mnt 1, Tallinn"),
                new Person("EE49002020002", "Jaan", "Tamm", "1990-02-02", "Riia 2, Tartu"),
                new Person("EE36003030003", "Liis", "Kask", "1960-03-03", "Rüütli 3, Pärnu")}) {
            people.put(p.personalCode(), p);
        }
        return Map.copyOf(people);
    }
}
