package org.xroadng.securityserver.conf;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.id.ServiceId;

/**
 * The OpenAPI 3 description of a service, as the operator gave it (DESIGN.md section 6): the
 * document's bytes exactly as received, which {@code getOpenAPI} returns unchanged, and the
 * endpoints it declares, which {@code listMethods} lists.
 *
 * @param source      the URL it was read from and is refreshed from; empty when it was uploaded
 * @param contentType {@code application/json} or {@code text/yaml} (the media types X-Road names for getOpenAPI), by the document's form
 * @param endpoints   sorted, without duplicates
 */
public record ServiceDescription(ServiceId service, Optional<URI> source, byte[] content, String contentType,
                                 List<ServiceEndpoint> endpoints, Instant refreshedAt) {

    public ServiceDescription {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(source, "source");
        content = Objects.requireNonNull(content, "content").clone();
        Objects.requireNonNull(contentType, "contentType");
        endpoints = List.copyOf(endpoints.stream().distinct().sorted().toList());
        Objects.requireNonNull(refreshedAt, "refreshedAt");
    }

    /** A copy of the document's bytes. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The document's size in bytes. */
    public int size() {
        return content.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceDescription d && d.service.equals(service) && d.source.equals(source)
                && Arrays.equals(d.content, content) && d.contentType.equals(contentType)
                && d.endpoints.equals(endpoints) && d.refreshedAt.equals(refreshedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(service, source, Arrays.hashCode(content), contentType, endpoints, refreshedAt);
    }

    @Override
    public String toString() {
        return "ServiceDescription[" + service.format() + ", " + source.map(URI::toString).orElse("uploaded") + ", "
                + content.length + " bytes, " + endpoints.size() + " endpoints]";
    }
}
