package org.xroadng.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.registry.RegistryServer;

/**
 * The registry operator lists the demo's transparency witnesses in the global configuration, as
 * {@code docs/witness.md} shows it, through the operator API: the registry's own C2SP witness
 * (its verifier key read from {@code GET /tlog-witness/verifier-key}), the demo's ombudsman's and
 * the university's ({@link DemoWitness}), then a quorum of {@value #QUORUM}: a checkpoint is
 * vouched for once two of the three cosigned it, so any one of them may be down. Each step looks
 * first; a witness listed with another URL or key (a run with another {@code --provider-servers}
 * moves the witnesses' ports) is removed and listed again, which a quorum of two over three allows.
 */
final class WitnessEnrolment {

    static final int QUORUM = 2;

    /** One witness as the registry should list it. */
    record Listed(String name, String url, String verifierKey) {
    }

    private final JsonApi registry;
    private final HttpClient http;
    private final Progress progress;

    WitnessEnrolment(JsonApi registry, HttpClient http, Progress progress) {
        this.registry = registry;
        this.http = http;
        this.progress = progress;
    }

    void run(URI registryUrl, List<DemoWitness> witnesses) throws DemoException {
        List<Listed> wanted = new ArrayList<>();
        wanted.add(registryWitness(registryUrl));
        for (DemoWitness witness : witnesses) {
            wanted.add(new Listed(witness.verifierKey().name(), witness.url().toString(),
                    witness.verifierKey().format()));
        }
        for (Listed witness : wanted) {
            String step = "registry: transparency witness " + witness.name() + " at " + witness.url();
            JsonNode current = find(registry.get("/witnesses"), witness.name());
            if (current != null && witness.url().equals(current.path("url").asText())
                    && witness.verifierKey().equals(current.path("verifierKey").asText())) {
                progress.kept(step);
                continue;
            }
            if (current != null) {
                registry.delete("/witnesses/" + witness.name());
            }
            registry.post("/witnesses", Map.of("url", witness.url(), "verifierKey", witness.verifierKey()));
            progress.done(step);
        }
        String step = "registry: witness quorum " + QUORUM + " of " + wanted.size();
        if (registry.get("/witnesses").path("quorum").asInt() == QUORUM) {
            progress.kept(step);
        } else {
            registry.put("/witnesses/quorum", Map.of("quorum", QUORUM));
            progress.done(step);
        }
    }

    /** The registry's own witness: its URL under the registry's and the verifier key it serves there. */
    private Listed registryWitness(URI registryUrl) throws DemoException {
        URI url = URI.create(registryUrl.toString().replaceAll("/+$", "") + RegistryServer.TLOG_WITNESS_PREFIX);
        String what = "GET " + url + "/verifier-key";
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/verifier-key"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body().strip();
            if (response.statusCode() != 200) {
                throw new DemoException(what + " answered HTTP " + response.statusCode() + " '" + text
                        + "'; expected the registry witness's verifier key");
            }
            NoteVerifierKey key = NoteVerifierKey.parse(text);
            return new Listed(key.name(), url.toString(), key.format());
        } catch (NoteFormatException e) {
            throw new DemoException(what + " answered no verifier key: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DemoException(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException(what + " was interrupted", e);
        }
    }

    private static JsonNode find(JsonNode view, String name) {
        for (JsonNode witness : view.path("witnesses")) {
            if (name.equals(witness.path("name").asText())) {
                return witness;
            }
        }
        return null;
    }
}
