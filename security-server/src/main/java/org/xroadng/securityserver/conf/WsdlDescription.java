package org.xroadng.securityserver.conf;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * A WSDL description of a provider subsystem (X-Road message protocol 4.0, section 3): the
 * document's bytes exactly as received, and the services made of its SOAP operations, one per
 * operation, which live and die with it.
 *
 * @param id       the server's number for it, stable across refreshes
 * @param source   the URL it was read from and is refreshed from; empty when it was uploaded
 * @param services sorted by service code
 */
public record WsdlDescription(long id, SubsystemId provider, Optional<URI> source, byte[] content,
                              List<ServiceId> services, Instant refreshedAt) {

    public WsdlDescription {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(source, "source");
        content = Objects.requireNonNull(content, "content").clone();
        services = services.stream().sorted((a, b) -> a.serviceCode().compareTo(b.serviceCode())).toList();
        Objects.requireNonNull(refreshedAt, "refreshedAt");
    }

    /** A copy of the document's bytes. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WsdlDescription d && d.id == id && d.provider.equals(provider) && d.source.equals(source)
                && Arrays.equals(d.content, content) && d.services.equals(services) && d.refreshedAt.equals(refreshedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, provider, source, Arrays.hashCode(content), services, refreshedAt);
    }

    @Override
    public String toString() {
        return "WsdlDescription[" + id + ", " + provider.format() + ", " + source.map(URI::toString).orElse("uploaded")
                + ", " + content.length + " bytes, " + services.size() + " services]";
    }
}
