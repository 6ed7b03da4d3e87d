package org.xroadng.securityserver.conf;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.xroadng.protocol.id.ServiceId;

/**
 * A service this server provides: where the provider's information system answers it, how long
 * to wait, and whether its data is personal (exchanges naming data subjects are access-logged).
 *
 * @param url the provider IS base URL; the request's path after the service code is appended
 */
public record LocalService(ServiceId id, URI url, Duration timeout, boolean personalData, boolean enabled) {

    public LocalService {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
    }
}
