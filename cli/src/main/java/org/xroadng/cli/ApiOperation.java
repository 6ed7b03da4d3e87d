package org.xroadng.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Base of the operator commands that call a component's JSON API (registry, security server): make
 * one call, then print a short summary or table, or the API's own JSON with {@code --json}.
 */
abstract class ApiOperation implements Runnable {

    final Services services;

    ApiOperation(Services services) {
        this.services = services;
    }

    /** The client for the API this command talks to. */
    abstract ApiClient client();

    /** Whether {@code --json} was given. */
    abstract boolean json();

    abstract JsonNode call(ApiClient client);

    abstract void print(JsonNode answer);

    @Override
    public void run() {
        JsonNode answer = call(client());
        if (json()) {
            try {
                services.out().println(answer == null ? "{}"
                        : ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            print(answer);
        }
        services.out().flush();
    }

    void table(JsonNode items, String[] headers, String... fields) {
        Table table = new Table(headers);
        for (JsonNode item : items) {
            Object[] cells = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) {
                JsonNode value = item.path(fields[i]);
                cells[i] = value.isArray() ? join(value) : value.isMissingNode() || value.isNull() ? null : value.asText();
            }
            table.row(cells);
        }
        table.print(services.out());
    }

    void line(String format, Object... args) {
        services.out().printf(format + "%n", args);
    }

    static String join(JsonNode array) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        array.forEach(v -> parts.add(v.asText()));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /**
     * A client from an option or environment variable for the URL and a key file or environment
     * variable for the key, with errors that say which to give.
     */
    static ApiClient connect(Services services, String url, String urlOption, String urlEnv, Path keyFile, String keyEnv,
                             String what) {
        String base = url != null ? url : services.env(urlEnv).orElseThrow(() -> new UserError(
                "no " + what + " URL: give " + urlOption + " URL or set " + urlEnv));
        URI uri = CaCommand.parse(urlOption, () -> ConfigValues.httpUrl(base));
        String key;
        if (keyFile != null) {
            try {
                key = Files.readString(keyFile).strip();
            } catch (IOException e) {
                throw new UserError("cannot read the API key file " + keyFile + ": " + CaCommand.describe(e));
            }
        } else {
            key = services.env(keyEnv).orElseThrow(() -> new UserError(
                    "no " + what + " API key: give --api-key-file FILE or set " + keyEnv));
        }
        return new ApiClient(uri, key);
    }
}
