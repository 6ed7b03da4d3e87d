package org.xroadng.certs.ca;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;
import org.xroadng.protocol.store.DatabaseSettings;

/**
 * The CA's configuration, {@code ca.yaml} in its directory.
 *
 * @param name            the CA's name, the common name of its root certificate
 * @param baseUrl         where the trust services are reached; OCSP at {@code /ocsp}, TSA at {@code /tsa}
 * @param listen          where {@code xroad trust serve} listens
 * @param certificateDays default validity of issued certificates
 * @param database        where the CA keeps its records: an H2 file in its directory, or PostgreSQL
 */
public record CaSettings(String name, URI baseUrl, InetSocketAddress listen, int certificateDays,
                         DatabaseSettings database) {

    public static final String FILE = "ca.yaml";
    private static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> keys = new HashSet<>(Set.of("name", "baseUrl", "listen", "certificateDays"));
        keys.addAll(DatabaseSettings.KEYS);
        return Set.copyOf(keys);
    }

    /** Settings that keep the records in the embedded H2 file. */
    public CaSettings(String name, URI baseUrl, InetSocketAddress listen, int certificateDays) {
        this(name, baseUrl, listen, certificateDays, DatabaseSettings.embedded());
    }

    public CaSettings {
        if (name == null || name.isBlank() || name.length() > 64 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("CA name must be 1..64 printable characters");
        }
        if (certificateDays < 1 || certificateDays > 3650) {
            throw new IllegalArgumentException("certificate validity must be 1..3650 days, not " + certificateDays);
        }
        if (database == null) {
            throw new IllegalArgumentException("database settings are missing");
        }
    }

    public URI ocspUrl() {
        return URI.create(trimmedBase() + "/ocsp");
    }

    public URI tsaUrl() {
        return URI.create(trimmedBase() + "/tsa");
    }

    public URI caCertificateUrl() {
        return URI.create(trimmedBase() + "/ca.pem");
    }

    private String trimmedBase() {
        String base = baseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    static CaSettings load(Path dir) throws ConfigException {
        ConfigFile file = ConfigFile.read(dir.resolve(FILE), KEYS);
        String name = file.requireString("name");
        URI baseUrl = file.httpUrl("baseUrl");
        InetSocketAddress listen = file.listenAddress("listen", "127.0.0.1:" + defaultPort(baseUrl));
        int days = file.intValue("certificateDays", 365, 1, 3650);
        DatabaseSettings database = DatabaseSettings.read(file);
        try {
            return new CaSettings(name, baseUrl, listen, days, database);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.file() + ": " + e.getMessage());
        }
    }

    void save(Path dir) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", name);
        values.put("baseUrl", baseUrl.toString());
        values.put("listen", listen.getHostString() + ":" + listen.getPort());
        values.put("certificateDays", certificateDays);
        values.putAll(database.yaml(dir));
        ConfigFile.write(dir.resolve(FILE), values);
    }

    static int defaultPort(URI baseUrl) {
        if (baseUrl.getPort() > 0) {
            return baseUrl.getPort();
        }
        return "https".equals(baseUrl.getScheme()) ? 443 : 80;
    }
}
