package org.xroadng.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;
import org.xroadng.protocol.store.DatabaseSettings;

/**
 * The registry's start-up configuration, {@code registry.yaml} in its directory. Instance-wide
 * settings that operators change at run time live in the database instead ({@link Settings}).
 *
 * @param baseUrl         where security servers reach the registry; the anchor points to baseUrl/globalconf
 * @param refreshSeconds  how often a fresh configuration is published even without changes
 * @param database        where the registry keeps its tables: an H2 file in its directory, or PostgreSQL
 */
public record RegistrySettings(String instance, URI baseUrl, InetSocketAddress listen, int refreshSeconds,
                               DatabaseSettings database) {

    public static final String FILE = "registry.yaml";
    private static final Set<String> KEYS = Set.of("instance", "baseUrl", "listen", "refreshSeconds",
            DatabaseSettings.URL_KEY, DatabaseSettings.USER_KEY, DatabaseSettings.PASSWORD_FILE_KEY);

    /** Settings that keep the tables in the embedded H2 file. */
    public RegistrySettings(String instance, URI baseUrl, InetSocketAddress listen, int refreshSeconds) {
        this(instance, baseUrl, listen, refreshSeconds, DatabaseSettings.embedded());
    }

    public RegistrySettings {
        if (refreshSeconds < 1 || refreshSeconds > 3600) {
            throw new IllegalArgumentException("refreshSeconds must be 1..3600, not " + refreshSeconds);
        }
    }

    public URI globalConfUrl() {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/globalconf");
    }

    public static RegistrySettings load(Path dir) throws ConfigException {
        ConfigFile file = ConfigFile.read(dir.resolve(FILE), KEYS);
        String instance = file.requireString("instance");
        URI baseUrl = file.httpUrl("baseUrl");
        InetSocketAddress listen = file.listenAddress("listen", "127.0.0.1:" + (baseUrl.getPort() > 0 ? baseUrl.getPort() : 80));
        int refresh = file.intValue("refreshSeconds", 60, 1, 3600);
        return new RegistrySettings(instance, baseUrl, listen, refresh, DatabaseSettings.read(file));
    }

    void save(Path dir) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("instance", instance);
        values.put("baseUrl", baseUrl.toString());
        values.put("listen", listen.getHostString() + ":" + listen.getPort());
        values.put("refreshSeconds", refreshSeconds);
        values.putAll(database.yaml(dir));
        ConfigFile.write(dir.resolve(FILE), values);
    }
}
