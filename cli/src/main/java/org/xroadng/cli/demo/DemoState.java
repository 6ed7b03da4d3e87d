package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * What the demo must remember between runs beyond the components' own directories:
 * {@code DIR/demo-state.json} with the base port the network was created with (it is baked into
 * certificates, the anchor and registrations) and the API keys each component showed once at
 * init. Written again as soon as something new is learnt, so a run that stopped half-way can be
 * resumed. Development data: the keys are stored in clear, as in {@code network.json}.
 */
final class DemoState {

    static final String FILE = "demo-state.json";

    private final Path file;
    private final int basePort;
    private String registryApiKey;
    private String registryConsolePassword;
    private final Map<String, String> serverApiKeys = new LinkedHashMap<>();
    private final Map<String, String> consolePasswords = new LinkedHashMap<>();
    private final Map<String, String> inspectorApiKeys = new LinkedHashMap<>();

    private DemoState(Path file, int basePort) {
        this.file = file;
        this.basePort = basePort;
    }

    /**
     * The state in {@code dir}, or a new one for {@code ports}. A directory made with another base
     * port is refused: its certificates and registrations name those ports.
     */
    static DemoState load(Path dir, DemoPorts ports) throws DemoException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return new DemoState(file, ports.base());
        }
        JsonNode json;
        try {
            json = ProtocolJson.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DemoException("cannot read " + file + ": " + e.getMessage()
                    + "; remove the data directory to start afresh", e);
        }
        int base = json.path("basePort").asInt(-1);
        if (base != ports.base()) {
            throw new DemoException("the demo data in " + dir + " was created with --base-port " + base
                    + " (its certificates and registrations name those ports); run with --base-port " + base
                    + " or use another --data-dir");
        }
        DemoState state = new DemoState(file, base);
        state.registryApiKey = json.path("registryApiKey").textValue();
        state.registryConsolePassword = json.path("registryConsolePassword").textValue();
        json.path("serverApiKeys").fields().forEachRemaining(e -> state.serverApiKeys.put(e.getKey(), e.getValue().asText()));
        json.path("consolePasswords").fields().forEachRemaining(e -> state.consolePasswords.put(e.getKey(),
                e.getValue().asText()));
        json.path("inspectorApiKeys").fields().forEachRemaining(e -> state.inspectorApiKeys.put(e.getKey(),
                e.getValue().asText()));
        return state;
    }

    Optional<String> registryApiKey() {
        return Optional.ofNullable(registryApiKey);
    }

    void registryApiKey(String key) throws DemoException {
        registryApiKey = key;
        save();
    }

    /** The password of the registry console's first user, made when the registry was. */
    Optional<String> registryConsolePassword() {
        return Optional.ofNullable(registryConsolePassword);
    }

    void registryConsolePassword(String password) throws DemoException {
        registryConsolePassword = password;
        save();
    }

    Optional<String> serverApiKey(SecurityServerId server) {
        return Optional.ofNullable(serverApiKeys.get(server.format()));
    }

    void serverApiKey(SecurityServerId server, String key) throws DemoException {
        serverApiKeys.put(server.format(), key);
        save();
    }

    /** The password of the first console user of a server, made when the server was. */
    Optional<String> consolePassword(SecurityServerId server) {
        return Optional.ofNullable(consolePasswords.get(server.format()));
    }

    void consolePassword(SecurityServerId server, String password) throws DemoException {
        consolePasswords.put(server.format(), password);
        save();
    }

    /** The API key of a server's data protection inspector (role inspector), made by the enrolment. */
    Optional<String> inspectorApiKey(SecurityServerId server) {
        return Optional.ofNullable(inspectorApiKeys.get(server.format()));
    }

    void inspectorApiKey(SecurityServerId server, String key) throws DemoException {
        inspectorApiKeys.put(server.format(), key);
        save();
    }

    private void save() throws DemoException {
        ObjectNode json = ProtocolJson.mapper().createObjectNode();
        json.put("basePort", basePort);
        json.put("registryApiKey", registryApiKey);
        json.put("registryConsolePassword", registryConsolePassword);
        ObjectNode servers = json.putObject("serverApiKeys");
        serverApiKeys.forEach(servers::put);
        ObjectNode passwords = json.putObject("consolePasswords");
        consolePasswords.forEach(passwords::put);
        ObjectNode inspectors = json.putObject("inspectorApiKeys");
        inspectorApiKeys.forEach(inspectors::put);
        try {
            writeAtomically(file, ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new DemoException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a temporary file next to the target and renames it over the target. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
