package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.List;

/**
 * The order of the demo's enrolment, every step through a real interface (DESIGN.md section 8):
 * the registry operator's set-up ({@link RegistryEnrolment}) and list of transparency witnesses
 * ({@link WitnessEnrolment}); each server's keys and certificates,
 * after which its proxies start; authCertReg for every server; their clients and clientReg
 * ({@link ServerEnrolment}); the provider's service and access right on each of its servers
 * ({@link ServiceSetup}); then every server fetches the new global configuration at once, and each
 * client must show as registered.
 */
final class DemoEnrolment {

    private final DemoNetwork network;
    private final HttpClient http;
    private final Progress progress;

    DemoEnrolment(DemoNetwork network, HttpClient http, Progress progress) {
        this.network = network;
        this.http = http;
        this.progress = progress;
    }

    void run() throws DemoException {
        JsonApi registry = new JsonApi("registry", network.registryUrl(), network.registryApiKey(), http);
        new RegistryEnrolment(registry, progress).run(network.ca());
        registryConsoleUser(registry);
        new WitnessEnrolment(registry, http, progress).run(network.registryUrl(), network.witnesses());

        for (DemoServer server : network.servers()) {
            consoleUser(server);
        }
        DemoServer consumer = network.consumer();
        ServerEnrolment consumerSide = enrolment(consumer, registry);
        consumerSide.certificates(network.ca(), List.of(DemoCast.TAX_BOARD, DemoCast.BANK, DemoCast.PORTAL_AGENCY));
        List<ServerEnrolment> providerSides = new java.util.ArrayList<>();
        for (DemoServer provider : network.providers()) {
            ServerEnrolment providerSide = enrolment(provider, registry);
            providerSide.certificates(network.ca(), List.of(DemoCast.POPULATION_REGISTRY));
            providerSides.add(providerSide);
        }
        for (DemoServer server : network.servers()) {
            server.refreshAndRequireProxies();
        }

        consumerSide.register();
        for (ServerEnrolment providerSide : providerSides) {
            providerSide.register();
        }
        consumerSide.clients(consumer.clients());
        for (int i = 0; i < providerSides.size(); i++) {
            providerSides.get(i).clients(network.providers().get(i).clients());
        }

        for (DemoServer provider : network.providers()) {
            ServiceSetup services = new ServiceSetup(admin(provider), progress);
            services.service(DemoCast.PERSON, network.personServiceUrl());
            services.description(DemoCast.PERSON, network.personDescriptionUrl());
            // the tax board may restrict its accesses (a tax investigation), each disclosed within a year
            services.accessRight(DemoCast.PERSON, DemoCast.TAX, "GET", "/**", DemoCast.TAX_PURPOSE,
                    DemoCast.TAX_AUTHORITY, DemoCast.RESTRICTION_MAX_DAYS);
            services.wsdl(DemoCast.POPULATION, network.personWsdlUrl());
            services.accessRight(DemoCast.PERSON_SOAP, DemoCast.TAX, "*", "/**", DemoCast.TAX_PURPOSE);
        }

        inspector(network.provider());

        for (DemoServer server : network.servers()) {
            server.refreshAndRequireProxies();
        }
        for (DemoServer server : network.servers()) {
            requireRegistered(server);
        }
    }

    /** The provider server's data protection inspector: an API key holding only the role inspector. */
    private void inspector(DemoServer server) throws DemoException {
        String step = server.id().format() + ": API key of the data protection inspector (role inspector)";
        if (network.state().inspectorApiKey(server.id()).isPresent()) {
            progress.kept(step);
            return;
        }
        JsonNode created = admin(server).post("/api-keys", java.util.Map.of("label", DemoCast.INSPECTOR,
                "roles", List.of("inspector")));
        network.state().inspectorApiKey(server.id(), created.path("key").asText());
        progress.done(step);
    }

    /** The registry console's first user, an admin, made through the operator API as an operator would. */
    private void registryConsoleUser(JsonApi registry) throws DemoException {
        String step = "registry: console user " + DemoNetwork.REGISTRY_CONSOLE_USER;
        for (JsonNode user : registry.get("/console-users")) {
            if (DemoNetwork.REGISTRY_CONSOLE_USER.equals(user.path("name").asText())) {
                progress.kept(step);
                return;
            }
        }
        registry.post("/console-users", java.util.Map.of("name", DemoNetwork.REGISTRY_CONSOLE_USER, "password",
                network.registryConsolePassword(), "role", "admin"));
        progress.done(step);
    }

    /** The server's first console user, made through the admin API as an operator would. */
    private void consoleUser(DemoServer server) throws DemoException {
        String step = server.id().format() + ": console user " + DemoServer.CONSOLE_USER;
        for (JsonNode user : admin(server).get("/users")) {
            if (DemoServer.CONSOLE_USER.equals(user.path("name").asText())) {
                progress.kept(step);
                return;
            }
        }
        admin(server).post("/users", java.util.Map.of("name", DemoServer.CONSOLE_USER, "password",
                server.consolePassword(), "roles", List.of("security-officer", "registration-officer",
                        "service-administrator", "system-administrator")));
        progress.done(step);
    }

    private ServerEnrolment enrolment(DemoServer server, JsonApi registry) {
        return new ServerEnrolment(server.id(), server.dir(), admin(server), registry, progress);
    }

    private JsonApi admin(DemoServer server) {
        return new JsonApi(server.id().format() + " admin", server.adminUrl(), server.apiKey(), http);
    }

    /** After the refresh, each hosted client must be registered in the configuration the server holds. */
    private void requireRegistered(DemoServer server) throws DemoException {
        JsonNode clients = admin(server).get("/clients");
        for (JsonNode client : clients) {
            if (!client.path("registered").asBoolean()) {
                throw new DemoException("security server " + server.id().format() + " does not yet see "
                        + client.path("id").asText() + " as registered in the global configuration");
            }
        }
    }
}
