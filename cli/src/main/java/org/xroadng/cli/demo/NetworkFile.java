package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * {@code DIR/network.json}, the demo network described for scripts and tests in the form of
 * DESIGN.md section 8: full URLs, absolute file paths, the API keys, the independent witnesses
 * (with their C2SP verifier keys), the population registry's server's data protection inspector
 * (its admin API and an API key with only the role {@code inspector}), the citizen portal and its
 * development identity provider, and the sample citizen.
 */
public final class NetworkFile {

    public static final String FILE = "network.json";

    private NetworkFile() {
    }

    public static Path write(DemoNetwork network) throws DemoException {
        ObjectNode json = ProtocolJson.mapper().createObjectNode();
        json.put("instance", DemoCast.INSTANCE);
        json.put("anchor", network.anchorFile().toString());
        ObjectNode trust = json.putObject("trust");
        trust.put("url", network.trustUrl().toString());
        trust.put("ocsp", network.ocspUrl().toString());
        trust.put("tsa", network.tsaUrl().toString());
        trust.put("caCertificate", network.caCertificateFile().toString());
        ObjectNode registry = json.putObject("registry");
        registry.put("url", network.registryUrl().toString());
        registry.put("apiKey", network.registryApiKey());
        ObjectNode registryConsole = registry.putObject("console");
        registryConsole.put("url", network.registryConsoleUrl().toString());
        registryConsole.put("user", DemoNetwork.REGISTRY_CONSOLE_USER);
        registryConsole.put("password", network.registryConsolePassword());
        ArrayNode servers = json.putArray("servers");
        for (DemoServer server : network.servers()) {
            ObjectNode entry = servers.addObject();
            entry.put("id", server.id().format());
            entry.put("clientProxy", server.clientProxyUrl().toString());
            entry.put("serverProxy", server.serverProxyUrl().toString());
            entry.put("admin", server.adminUrl().toString());
            entry.put("apiKey", server.apiKey());
            ObjectNode console = entry.putObject("console");
            console.put("url", server.consoleUrl().toString());
            console.put("user", DemoServer.CONSOLE_USER);
            console.put("password", server.consolePassword());
            ArrayNode clients = entry.putArray("clients");
            DemoNetwork.format(server.clients()).forEach(clients::add);
        }
        ArrayNode witnesses = json.putArray("witnesses");
        for (DemoWitness witness : network.witnesses()) {
            ObjectNode entry = witnesses.addObject();
            entry.put("name", witness.verifierKey().name());
            entry.put("url", witness.url().toString());
            entry.put("verifierKey", witness.verifierKey().format());
            ObjectNode title = entry.putObject("title");
            title.put("en", witness.cast().english());
            title.put("vi", witness.cast().vietnamese());
        }
        ObjectNode inspector = json.putObject("inspector");
        inspector.put("server", network.provider().id().format());
        inspector.put("admin", network.provider().adminUrl().toString());
        inspector.put("apiKey", network.inspectorApiKey());
        json.put("providerIs", network.providerIsUrl().toString());
        ObjectNode portal = json.putObject("portal");
        portal.put("url", network.portal().url().toString());
        portal.put("identityProvider", network.portal().identityProviderUrl().toString());
        json.putObject("citizen").put("personalCode", DemoCast.CITIZEN);
        Path file = network.dir().resolve(FILE);
        try {
            DemoState.writeAtomically(file, ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new DemoException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
