package org.xroadng.protocol.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One component's YAML configuration file, read once and validated key by key (DESIGN.md section
 * 9). Every refusal names the file, the key, the value given and what is allowed; a bad value is
 * never replaced by a default.
 */
public final class ConfigFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final Path file;
    private final ObjectNode root;

    private ConfigFile(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads the file and refuses keys outside {@code allowedKeys}. */
    public static ConfigFile read(Path file, Set<String> allowedKeys) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("configuration file " + file + " cannot be read: " + e.getMessage(), e);
        }
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + " is not valid YAML: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ConfigException(file + " must be a YAML mapping of keys to values");
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedKeys.contains(name)) {
                throw new ConfigException(file + ": unknown key '" + name + "'; allowed keys: "
                        + String.join(", ", new TreeSet<>(allowedKeys)));
            }
        }
        return new ConfigFile(file, object);
    }

    /** Writes {@code values} (in order) as a YAML mapping, replacing the file. */
    public static void write(Path file, Map<String, Object> values) throws IOException {
        Files.writeString(file, YAML.writeValueAsString(new LinkedHashMap<>(values)));
    }

    public Path file() {
        return file;
    }

    public String requireString(String key) throws ConfigException {
        return optionalString(key).orElseThrow(() -> new ConfigException(file + ": key '" + key + "' is missing"));
    }

    public Optional<String> optionalString(String key) throws ConfigException {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw bad(key, value.toString(), "a text value");
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            throw bad(key, "''", "a non-empty value");
        }
        return Optional.of(text);
    }

    public int intValue(String key, int defaultValue, int min, int max) throws ConfigException {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw bad(key, value.toString(), "a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    /** {@code true} or {@code false} (a YAML boolean); the default when the key is absent. */
    public boolean booleanValue(String key, boolean defaultValue) throws ConfigException {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw bad(key, value.toString(), "true or false");
        }
        return value.asBoolean();
    }

    /** An absolute http or https URL without query or fragment. */
    public URI httpUrl(String key) throws ConfigException {
        String text = requireString(key);
        try {
            return ConfigValues.httpUrl(text);
        } catch (IllegalArgumentException e) {
            throw bad(key, "'" + text + "'", e.getMessage());
        }
    }

    /** A {@code host:port} listen address. */
    public InetSocketAddress listenAddress(String key, String defaultValue) throws ConfigException {
        String text = optionalString(key).orElse(defaultValue);
        try {
            return ConfigValues.hostPort(text);
        } catch (IllegalArgumentException e) {
            throw bad(key, "'" + text + "'", e.getMessage());
        }
    }

    private ConfigException bad(String key, String given, String expected) {
        return new ConfigException(file + ": key '" + key + "' is " + given + "; expected " + expected);
    }

    /** Parsers shared by configuration files and command-line options. */
    public static final class ConfigValues {

        private ConfigValues() {
        }

        public static URI httpUrl(String text) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("an absolute http(s) URL such as http://127.0.0.1:8899");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("an absolute http(s) URL such as http://127.0.0.1:8899,"
                        + " without query or fragment");
            }
            return uri;
        }

        public static InetSocketAddress hostPort(String text) {
            int colon = text.lastIndexOf(':');
            String host = colon > 0 ? text.substring(0, colon) : "";
            String port = colon > 0 ? text.substring(colon + 1) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int number;
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (host.isEmpty() || number < 0 || number > 65535) {
                throw new IllegalArgumentException("host:port with a port from 0 to 65535, such as 127.0.0.1:8899");
            }
            return new InetSocketAddress(host, number);
        }
    }
}
